// Replication source positions (commit_changes::set_source_position): their bytes in a journal
// record (format version 3) and in a snapshot header (format version 3), the order in which
// recovery passes them to a record_sink, a data directory of snapshots and journal records
// recovered through durable_store and read_only_store, damage to the new bytes, and files of
// the earlier formats.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checksum.hpp"
#include "customerdb/persistence/durable_store.hpp"
#include "customerdb/persistence/read_only_store.hpp"
#include "customerdb/snapshot_file.hpp"
#include "journal_format.hpp"
#include "little_endian.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "snapshot_format.hpp"
#include "support/check.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::persistence;
using customerdb::testing::read_bytes;

constexpr std::uint64_t lsn = 0x16'B374'D848;  // PostgreSQL's 16/B374D848

std::string le64(std::uint64_t v) {
  std::string out;
  put_le<std::uint64_t>(out, v);
  return out;
}

// A position as the tests compare it: its value in hex, or "none".
std::string shown(std::optional<std::uint64_t> position) {
  return position ? fmt::format("{:x}", *position) : "none";
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

customer_record a_customer(const std::string& id) {
  customer_record r;
  r.id = id;
  r.email = id + "@example.com";
  return r;
}

// Writes down what it is given. A snapshot's tables arrive from several threads, so they are
// only counted; a position notes how many tables had ended before it.
class recording_sink final : public record_sink {
 public:
  std::vector<std::string> events;
  int tables_ended = 0;
  std::uint64_t rows = 0;

  void begin_table(table, std::uint64_t) override {}
  void end_table(table) override {
    std::lock_guard lock(mutex_);
    ++tables_ended;
  }
  void begin_commit(std::uint64_t sequence) override {
    note(fmt::format("commit {}", sequence));
    in_commit_ = true;
  }
  void put(const customer_group_record& r) override { row("put group " + r.id); }
  void put(const customer_record& r) override { row("put customer " + r.id); }
  void put(const customer_address_record& r) override { row("put address " + r.id); }
  void put(const customer_group_customer_record& r) override { row("put membership " + r.id); }
  void erase(table t, std::string&& id) override {
    note(fmt::format("erase {} {}", static_cast<int>(t), id));
  }
  void source_position(std::uint64_t position) override {
    note(fmt::format("position {:x} after {} tables", position, tables_ended));
  }

 private:
  // Rows before the first begin_commit are a snapshot's, and counted; a commit's are noted.
  void row(std::string event) {
    std::lock_guard lock(mutex_);
    if (in_commit_) {
      events.push_back(std::move(event));
    } else {
      ++rows;
    }
  }
  void note(std::string event) {
    std::lock_guard lock(mutex_);
    events.push_back(std::move(event));
  }
  std::mutex mutex_;
  bool in_commit_ = false;
};

// The payload of `changes`' journal record, its frame checked.
std::string payload_of(commit_changes&& changes, std::uint64_t sequence) {
  const std::string record = finish_record(std::move(changes));
  const auto h = decode_record_header(record);
  BOOST_REQUIRE(h.valid);
  BOOST_TEST(h.sequence == sequence);
  BOOST_REQUIRE_EQUAL(h.length, record.size() - record_header_size);
  return record.substr(record_header_size);
}

// Customers only; a cut is a copy of them, with the position `position` (none: the default).
class map_source final : public table_source {
 public:
  std::uint64_t sequence = 0;
  std::map<std::string, customer_record> customers;
  std::optional<std::uint64_t> position;
  bool overrides = true;  // false: table_reader's default source_position()

  std::unique_ptr<table_reader> begin_read(
      const std::function<bool(const table_cut&)>& at_cut) override {
    table_cut cut;
    cut.sequence = sequence;
    cut.rows[static_cast<int>(table::customers)] = customers.size();
    if (!at_cut(cut)) return nullptr;
    if (overrides) return std::make_unique<positioned_reader>(*this, position);
    return std::make_unique<reader>(*this);
  }

 private:
  class reader : public table_reader {
   public:
    explicit reader(const map_source& s) {
      for (const auto& [id, r] : s.customers) rows_.push_back(r);
    }
    bool next(std::vector<customer_group_record>& out, std::size_t) override { return none(out); }
    bool next(std::vector<customer_record>& out, std::size_t) override {
      out = rows_;
      return false;
    }
    bool next(std::vector<customer_address_record>& out, std::size_t) override {
      return none(out);
    }
    bool next(std::vector<customer_group_customer_record>& out, std::size_t) override {
      return none(out);
    }

   private:
    template <class R>
    static bool none(std::vector<R>& out) {
      out.clear();
      return false;
    }
    std::vector<customer_record> rows_;
  };
  class positioned_reader final : public reader {
   public:
    positioned_reader(const map_source& s, std::optional<std::uint64_t> p) : reader(s), p_(p) {}
    std::optional<std::uint64_t> source_position() const override { return p_; }

   private:
    std::optional<std::uint64_t> p_;
  };
};

persistence_options options_on(const std::filesystem::path& dir) {
  persistence_options o;
  o.data_dir = dir;
  o.snapshot_interval = std::chrono::seconds(0);
  o.snapshot_every_commits = 0;
  o.fsync = fsync_policy::no;
  return o;
}

void commit(durable_store& store, commit_changes&& changes) {
  const auto sequence = changes.sequence();
  store.append(std::move(changes));
  store.committed(sequence);
}

// A version 3 header turned into the version 2 header of the same snapshot (no position).
std::string as_version_2(const std::string& v3) {
  std::string v2 = v3.substr(0, 120);
  v2.replace(8, 4, std::string("\x02\0\0\0", 4));
  v2.replace(12, 4, std::string("\x80\0\0\0", 4));  // 128
  v2 += le64(checksum(v2));
  return v2;
}

// Sets the header checksum (the last 8 bytes of `header`) to match.
void reseal(std::string& header) {
  const auto body = header.size() - 8;
  header.replace(body, 8, le64(checksum(std::string_view(header).substr(0, body))));
}

snapshot_header sample_header() {
  snapshot_header h;
  h.sequence = 42;
  h.created_at_ms = 1'716'544'800'000;
  h.counts = {1, 2, 3, 4};
  h.sections = {10, 20, 30, 40};
  h.payload_length = 100;
  h.payload_checksum = 0x1234;
  h.archive_version = 19;
  h.journal_follows = true;
  return h;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(source_position)

BOOST_AUTO_TEST_CASE(a_journal_record_carries_a_position_after_its_rows) {
  commit_changes changes(7);
  changes.put(a_customer("cus_1"));
  changes.erase(table::addresses, "cuaddr_2");
  changes.set_source_position(lsn);
  const auto payload = payload_of(std::move(changes), 7);
  // The position's tag (7) and value are the last bytes before the end tag.
  BOOST_TEST(payload.substr(payload.size() - 10) == "\x07" + le64(lsn) + std::string(1, '\0'));
  recording_sink sink;
  sink.begin_commit(7);  // as recovery does first
  BOOST_TEST(shown(decode_commit(payload, sink)) == shown(lsn));
  const std::vector<std::string> expected = {"commit 7", "put customer cus_1", "erase 2 cuaddr_2",
                                             "position 16b374d848 after 0 tables"};
  BOOST_TEST(sink.events == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_position_without_rows_and_the_last_one_given_counts) {
  commit_changes changes(3);
  changes.set_source_position(5);
  changes.set_source_position(9);
  BOOST_TEST(shown(changes.source_position()) == shown(9));
  const auto payload = payload_of(std::move(changes), 3);
  BOOST_TEST(payload == "\x07" + le64(9) + std::string(1, '\0'));
  recording_sink sink;
  BOOST_TEST(shown(decode_commit(payload, sink)) == shown(9));
  BOOST_TEST(sink.events == std::vector<std::string>{"position 9 after 0 tables"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_record_without_a_position_is_as_in_version_2) {
  commit_changes changes(1);
  changes.erase(table::customers, "cus_1");
  BOOST_TEST(!changes.source_position().has_value());
  const auto payload = payload_of(std::move(changes), 1);
  // Tag 5, table 1, the id as Boost writes a string (u64 length, bytes), the end tag.
  BOOST_TEST(payload == std::string("\x05\x01", 2) + le64(5) + "cus_1" + std::string(1, '\0'));
  recording_sink sink;
  BOOST_TEST(!decode_commit(payload, sink).has_value());
  BOOST_TEST(sink.events == std::vector<std::string>{"erase 1 cus_1"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_import_kept_in_its_snapshot_carries_its_position) {
  commit_changes changes(4);
  changes.keep_in_snapshot();
  changes.set_source_position(77);
  const auto payload = payload_of(std::move(changes), 4);
  BOOST_TEST(payload == "\x06\x07" + le64(77) + std::string(1, '\0'));
  BOOST_TEST(is_kept_in_snapshot(payload));
}

BOOST_AUTO_TEST_CASE(a_position_must_end_the_payload) {
  recording_sink sink;
  const auto refused = [&](const std::string& payload, const std::string& message) {
    try {
      decode_commit(payload, sink);
      BOOST_ERROR("decoded: " << message);
    } catch (const std::runtime_error& e) {
      BOOST_TEST(std::string(e.what()) == message);
    }
  };
  refused("\x07" + le64(9) + "\x05", "tag 5 after the source position");
  refused("\x07" + le64(9) + std::string("\0\0", 2), "bytes after the end tag");
  BOOST_TEST(sink.events.empty());
}

BOOST_AUTO_TEST_CASE(a_snapshot_header_of_version_3_round_trips) {
  auto h = sample_header();
  h.source_position = lsn;
  std::string bytes = encode(h);
  BOOST_REQUIRE_EQUAL(bytes.size(), 144u);
  BOOST_TEST(get_le<std::uint32_t>(bytes, 8) == 3u);
  BOOST_TEST(get_le<std::uint32_t>(bytes, 12) == 144u);
  BOOST_TEST(get_le<std::uint32_t>(bytes, 120) == 1u);
  BOOST_TEST(get_le<std::uint32_t>(bytes, 124) == 0u);
  BOOST_TEST(get_le<std::uint64_t>(bytes, 128) == lsn);
  BOOST_TEST(get_le<std::uint64_t>(bytes, 136) == checksum(std::string_view(bytes).substr(0, 136)));
  const auto back = decode_snapshot_header(bytes, 244, "s.snap");
  BOOST_TEST(back.format_version == 3u);
  BOOST_TEST(back.header_size == 144u);
  BOOST_TEST(shown(back.source_position) == shown(lsn));
  BOOST_TEST(back.sequence == 42u);
  BOOST_TEST(back.journal_follows);
  BOOST_TEST(shown(info_of(back, 244).source_position) == shown(lsn));

  h.source_position.reset();
  bytes = encode(h);
  BOOST_TEST(bytes.substr(120, 16) == std::string(16, '\0'));
  BOOST_TEST(!decode_snapshot_header(bytes, 244, "s.snap").source_position.has_value());
}

BOOST_AUTO_TEST_CASE(a_version_2_header_reads_without_a_position) {
  auto h = sample_header();
  h.source_position = lsn;
  const std::string v2 = as_version_2(encode(h));
  BOOST_REQUIRE_EQUAL(v2.size(), 128u);
  const auto back = decode_snapshot_header(v2, 228, "s.snap");
  BOOST_TEST(back.format_version == 2u);
  BOOST_TEST(back.header_size == 128u);
  BOOST_TEST(!back.source_position.has_value());
  BOOST_TEST(back.journal_follows);
  BOOST_TEST(back.payload_length == 100u);
  // A version 2 header is 128 bytes: with 144 announced, it is refused.
  std::string wrong = v2;
  wrong.replace(12, 4, std::string("\x90\0\0\0", 4));
  wrong.append(16, '\0');
  reseal(wrong);
  CUSTOMERDB_CHECK_ERROR(decode_snapshot_header(wrong, 244, "s.snap"), error_code::corruption,
                         "Snapshot s.snap is corrupt at offset 8: unknown format version 2");
}

BOOST_AUTO_TEST_CASE(damage_to_the_position_bytes_is_detected) {
  auto h = sample_header();
  h.source_position = lsn;
  const std::string clean = encode(h);
  for (std::size_t at = 120; at < 136; ++at) {
    std::string bytes = clean;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
    CUSTOMERDB_CHECK_ERROR(decode_snapshot_header(bytes, 244, "s.snap"), error_code::corruption,
                           "Snapshot s.snap is corrupt at offset 136: header checksum mismatch");
  }
  // Fields that no writer makes, with a checksum that matches.
  std::string flag = clean;
  flag[120] = 2;
  reseal(flag);
  CUSTOMERDB_CHECK_ERROR(decode_snapshot_header(flag, 244, "s.snap"), error_code::corruption,
                         "Snapshot s.snap is corrupt at offset 120: bad source position field 2 "
                         "(97500059720)");
  std::string orphan = clean;
  orphan[120] = 0;
  reseal(orphan);
  CUSTOMERDB_CHECK_ERROR(decode_snapshot_header(orphan, 244, "s.snap"), error_code::corruption,
                         "Snapshot s.snap is corrupt at offset 120: bad source position field 0 "
                         "(97500059720)");
  std::string reserved = clean;
  reserved[124] = 1;
  reseal(reserved);
  CUSTOMERDB_CHECK_ERROR(decode_snapshot_header(reserved, 244, "s.snap"), error_code::corruption,
                         "Snapshot s.snap is corrupt at offset 124: bad reserved field 1");
}

// What a build of format version 3 says of version 4 files is what builds of version 2 say of
// version 3 files: the header size and checksum are checked where the header says they are,
// then the version.
BOOST_AUTO_TEST_CASE(newer_formats_are_refused_with_their_version) {
  std::string snapshot = encode(sample_header());
  snapshot[8] = 4;
  snapshot.replace(12, 4, std::string("\xa0\0\0\0", 4));  // 160
  snapshot.insert(136, 16, '\0');
  reseal(snapshot);
  CUSTOMERDB_CHECK_ERROR(decode_snapshot_header(snapshot, 260, "s.snap"), error_code::corruption,
                         "Snapshot s.snap has format version 4; this build reads versions up to 3");

  std::string journal = encode_journal_header(1);
  BOOST_TEST(get_le<std::uint32_t>(journal, 8) == 3u);
  journal[8] = 4;
  journal.replace(24, 8, le64(checksum(std::string_view(journal).substr(0, 24))));
  CUSTOMERDB_CHECK_ERROR(decode_journal_header(journal, "j.log"), error_code::corruption,
                         "Journal j.log has format version 4; this build reads versions 1 to 3");
}

// A snapshot with a position and journal records after it, some with positions: recovery
// passes the snapshot's position once its tables ended, then each record's after its rows; the
// last is the store's.
BOOST_AUTO_TEST_CASE(a_data_directory_recovers_its_last_position) {
  testing::temp_dir dir;
  map_source source;
  {
    recording_sink none;
    durable_store store(options_on(dir.path()), none);
    BOOST_TEST(!store.recovered_source_position().has_value());
    store.start(source);
    commit_changes first(1);
    first.put(a_customer("cus_1"));
    first.set_source_position(0x100);
    commit(store, std::move(first));
    commit_changes second(2);
    second.set_source_position(0x200);  // a source transaction with nothing for the store
    commit(store, std::move(second));
    source.sequence = 2;
    source.customers["cus_1"] = a_customer("cus_1");
    source.position = 0x200;
    store.snapshot();
    commit_changes third(3);
    third.put(a_customer("cus_2"));
    commit(store, std::move(third));
    commit_changes fourth(4);
    fourth.erase(table::customers, "cus_1");
    fourth.set_source_position(lsn);
    commit(store, std::move(fourth));
    store.close();
  }
  const auto snapshot = dir.path() / "snapshot-00000000000000000002.snap";
  const auto info = read_snapshot_info(snapshot);
  BOOST_TEST(info.format_version == 3u);
  BOOST_TEST(shown(info.source_position) == shown(0x200));
  const std::vector<std::string> expected = {"position 200 after 4 tables", "commit 3",
                                             "put customer cus_2", "commit 4", "erase 1 cus_1",
                                             "position 16b374d848 after 4 tables"};
  {
    recording_sink sink;
    durable_store store(options_on(dir.path()), sink);
    BOOST_TEST(sink.events == expected, boost::test_tools::per_element());
    BOOST_TEST(sink.rows == 1u);
    BOOST_TEST(store.recovered_sequence() == 4u);
    BOOST_TEST(shown(store.recovered_source_position()) == shown(lsn));
  }
  recording_sink sink;
  auto read_only = options_on(dir.path());
  read_only.read_only = true;
  read_only_store store(read_only, sink);
  BOOST_TEST(sink.events == expected, boost::test_tools::per_element());
  BOOST_TEST(shown(store.recovered_source_position()) == shown(lsn));
}

// A table source that gives no position of its cut: the snapshot holds the position of the
// last commit at the cut that carried one (not that of a commit abandoned), so that it survives
// the journal files the snapshot lets retention remove.
BOOST_AUTO_TEST_CASE(a_snapshot_keeps_the_journal_position_when_the_source_gives_none) {
  testing::temp_dir dir;
  map_source source;
  source.overrides = false;
  {
    recording_sink none;
    durable_store store(options_on(dir.path()), none);
    store.start(source);
    commit_changes first(1);
    first.set_source_position(7);
    commit(store, std::move(first));
    commit_changes second(2);
    second.set_source_position(9);
    commit(store, std::move(second));
    commit_changes third(3);
    third.set_source_position(11);
    store.append(std::move(third));
    store.abandon(3);
    source.sequence = 2;
    store.snapshot();
    store.close();
  }
  BOOST_TEST(testing::files_in(dir.path()) ==
                 (std::vector<std::string>{"journal-00000000000000000003.log",
                                           "snapshot-00000000000000000002.snap"}),
             boost::test_tools::per_element());
  BOOST_TEST(shown(read_snapshot_info(dir.path() / "snapshot-00000000000000000002.snap")
                 .source_position) == shown(9));
  recording_sink sink;
  durable_store store(options_on(dir.path()), sink);
  BOOST_TEST(sink.events == std::vector<std::string>{"position 9 after 4 tables"},
             boost::test_tools::per_element());
  BOOST_TEST(shown(store.recovered_source_position()) == shown(9));
}

BOOST_AUTO_TEST_CASE(a_store_without_positions_recovers_none) {
  testing::temp_dir dir;
  map_source source;
  source.overrides = false;
  {
    recording_sink none;
    durable_store store(options_on(dir.path()), none);
    store.start(source);
    commit_changes first(1);
    first.put(a_customer("cus_1"));
    commit(store, std::move(first));
    source.sequence = 1;
    source.customers["cus_1"] = a_customer("cus_1");
    store.snapshot();
    store.close();
  }
  const auto info = read_snapshot_info(dir.path() / "snapshot-00000000000000000001.snap");
  BOOST_TEST(info.format_version == 3u);
  BOOST_TEST(!info.source_position.has_value());
  recording_sink sink;
  durable_store store(options_on(dir.path()), sink);
  BOOST_TEST(sink.events.empty());
  BOOST_TEST(sink.rows == 1u);
  BOOST_TEST(!store.recovered_source_position().has_value());
}

// A flipped bit in a record's position, with a record after it, is corruption at that record;
// in the snapshot header's position, the header checksum fails.
BOOST_AUTO_TEST_CASE(damage_to_a_stored_position_is_corruption) {
  testing::temp_dir dir;
  map_source source;
  {
    recording_sink none;
    durable_store store(options_on(dir.path()), none);
    store.start(source);
    commit_changes first(1);
    first.set_source_position(lsn);
    commit(store, std::move(first));
    source.sequence = 1;
    source.position = lsn;
    store.snapshot();
    commit_changes second(2);
    second.set_source_position(lsn + 1);
    commit(store, std::move(second));
    commit_changes third(3);
    third.put(a_customer("cus_3"));
    commit(store, std::move(third));
    store.close();
  }
  const auto journal = dir.path() / "journal-00000000000000000002.log";
  const std::string clean = read_bytes(journal);
  // Record 2 is the file's first: header 32 bytes, record header 32, tag 7, then the position.
  BOOST_REQUIRE_EQUAL(clean.substr(64, 10), "\x07" + le64(lsn + 1) + std::string(1, '\0'));
  std::string damaged = clean;
  damaged[65] = static_cast<char>(damaged[65] ^ 0x40);
  write_file(journal, damaged);
  const auto before = testing::contents_of(dir.path());
  recording_sink sink;
  CUSTOMERDB_CHECK_ERROR(durable_store(options_on(dir.path()), sink), error_code::corruption,
                         fmt::format("Journal {} is corrupt at offset 32: record checksum mismatch",
                                     journal.string()));
  BOOST_TEST((testing::contents_of(dir.path()) == before));
  write_file(journal, clean);

  const auto snapshot = dir.path() / "snapshot-00000000000000000001.snap";
  std::string bytes = read_bytes(snapshot);
  BOOST_REQUIRE_EQUAL(get_le<std::uint64_t>(bytes, 128), lsn);
  bytes[130] = static_cast<char>(bytes[130] ^ 0x01);
  write_file(snapshot, bytes);
  CUSTOMERDB_CHECK_ERROR(read_snapshot_info(snapshot), error_code::corruption,
                         fmt::format("Snapshot {} is corrupt at offset 136: header checksum "
                                     "mismatch",
                                     snapshot.string()));
}

// The data directory of an earlier release (format versions 1 and 2, no positions) loads as
// before, and without a position.
BOOST_AUTO_TEST_CASE(fixtures_of_earlier_releases_load_without_a_position) {
  const std::filesystem::path fixture =
      std::filesystem::path(__FILE__).parent_path() / "fixtures" / "customer-record-v0";
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_directory(fixture), fixture << " not found");
  testing::temp_dir dir;
  std::filesystem::copy(fixture, dir.path(), std::filesystem::copy_options::recursive);
  std::filesystem::remove(dir.path() / "expected.jsonl");
  const auto info = read_snapshot_info(dir.path() / "snapshot-00000000000000000001.snap");
  BOOST_TEST(info.format_version < 3u);
  BOOST_TEST(!info.source_position.has_value());
  recording_sink sink;
  auto options = options_on(dir.path());
  options.read_only = true;
  read_only_store store(options, sink);
  BOOST_TEST(store.recovered_sequence() == 2u);
  BOOST_TEST(!store.recovered_source_position().has_value());
  BOOST_TEST(sink.tables_ended == 4);
  BOOST_REQUIRE(!sink.events.empty());
  BOOST_TEST(sink.events.front() == "commit 2");
  for (const auto& e : sink.events) BOOST_TEST(!e.starts_with("position"));
}

// A version 3 snapshot kept as a fixture (fixtures/source-position-v3), as a later build must
// still read it: its position comes back after its tables.
BOOST_AUTO_TEST_CASE(the_version_3_fixture_loads_with_its_position) {
  const std::filesystem::path fixture =
      std::filesystem::path(__FILE__).parent_path() / "fixtures" / "source-position-v3";
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_directory(fixture), fixture << " not found");
  testing::temp_dir dir;
  std::filesystem::copy(fixture, dir.path(), std::filesystem::copy_options::recursive);
  recording_sink sink;
  auto options = options_on(dir.path());
  options.read_only = true;
  read_only_store store(options, sink);
  BOOST_TEST(store.recovered_sequence() == 2u);
  BOOST_TEST(sink.rows == 1u);
  BOOST_TEST(sink.events == std::vector<std::string>{"position 16b374d848 after 4 tables"},
             boost::test_tools::per_element());
  BOOST_TEST(shown(store.recovered_source_position()) == shown(lsn));
}

BOOST_AUTO_TEST_SUITE_END()
