// Damaged files: bits flipped and files truncated at every position of a small snapshot and a
// small journal, and at random positions of a large store's files. The store either recovers
// exactly the valid prefix of its commits or refuses to open with a corruption error naming the
// file and offset, and then leaves the directory as it was (persistence/src/recovery.cpp,
// snapshot_reader.cpp, journal_reader.cpp).
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "checksum.hpp"
#include "customerdb/customerdb.hpp"
#include "customerdb/file_system.hpp"
#include "customerdb/snapshot_file.hpp"
#include "journal_format.hpp"
#include "journal_reader.hpp"
#include "little_endian.hpp"
#include "persistence/support/faulty_file_system.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "snapshot_format.hpp"
#include "snapshot_reader.hpp"
#include "snapshot_writer.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

// The outcome of opening a damaged directory: the rows, or the error.
struct outcome {
  std::optional<std::vector<record>> rows;
  std::string error;
};

// Every file of `dir` with its bytes.
std::map<std::string, std::string> contents(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& name : files_in(dir)) out[name] = read_bytes(dir / name);
  return out;
}

// Opens a copy of `source` in which `file` is replaced by `bytes`. A refusal must be a
// corruption error naming the file and an offset, and must leave the copy untouched.
outcome open_damaged(const std::filesystem::path& source, const std::string& file,
                     const std::string& bytes) {
  temp_dir copy(true);
  copy_dir(source, copy.path());
  write_bytes(copy.path() / file, bytes);
  const auto before = contents(copy.path());
  outcome out;
  try {
    customer_module m(on_disk(copy.path(), fsync_policy::no));
    out.rows = rows_of(m);
  } catch (const error& e) {
    out.error = e.what();
    BOOST_CHECK_EQUAL(to_string(e.code()), "corruption");
    BOOST_CHECK_MESSAGE(out.error.find((copy.path() / file).string()) != std::string::npos &&
                            out.error.find("offset") != std::string::npos,
                        "the error names the file and offset: " << out.error);
    BOOST_CHECK_MESSAGE(contents(copy.path()) == before, "the directory was changed");
  }
  return out;
}

std::string flip(std::string bytes, std::size_t position, unsigned char mask) {
  bytes[position] = static_cast<char>(static_cast<unsigned char>(bytes[position]) ^ mask);
  return bytes;
}

// A commit that touches every table.
void commit(customer_module& m, int i) {
  const auto c = m.create(create_customer_dto{.email = fmt::format("c{}@x.y", i),
                                              .metadata = metadata{{"i", i}},
                                              .addresses = {{{.city = "Paris"}}}});
  const auto g = m.create_customer_group(create_customer_group_dto{.name = fmt::format("g{}", i)});
  m.add_customer_to_group({.customer_id = c.id, .customer_group_id = g.id});
}

// The name of the only file of `dir` starting with `prefix`.
std::string only_file(const std::filesystem::path& dir, const std::string& prefix) {
  const auto names = files_in(dir, prefix);
  BOOST_REQUIRE_EQUAL(names.size(), 1u);
  return names.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corruption)

BOOST_AUTO_TEST_CASE(small_snapshot_every_position) {
  temp_dir dir(true);
  {
    customer_module m(on_disk(dir.path()));
    commit(m, 1);
    commit(m, 2);
    m.snapshot();
  }
  const auto name = only_file(dir.path(), "snapshot");
  const auto clean = read_bytes(dir.path() / name);
  BOOST_TEST_MESSAGE("snapshot of " << clean.size() << " bytes");
  for (std::size_t i = 0; i < clean.size(); ++i) {
    BOOST_TEST_CONTEXT("flip at " << i) {
      BOOST_CHECK(!open_damaged(dir.path(), name, flip(clean, i, i % 2 ? 0x80 : 0x01)).rows);
    }
  }
  for (std::size_t n = 0; n < clean.size(); ++n) {
    BOOST_TEST_CONTEXT("truncated to " << n) {
      BOOST_CHECK(!open_damaged(dir.path(), name, clean.substr(0, n)).rows);
    }
  }
  BOOST_CHECK(open_damaged(dir.path(), name, clean).rows);
}

BOOST_AUTO_TEST_CASE(small_journal_every_position) {
  temp_dir dir(true);
  std::vector<std::vector<record>> states;  // after 0, 1, ... commits
  {
    customer_module m(on_disk(dir.path()));
    states.push_back(rows_of(m));
    for (int i = 0; i < 4; ++i) {
      commit(m, i);  // three commits each
      states.push_back(rows_of(m));
    }
  }
  // The state after each journal record: `states` holds every third.
  const auto name = only_file(dir.path(), "journal");
  const auto clean = read_bytes(dir.path() / name);
  const auto parsed = persistence::read_journal(*posix_file_system(), dir.path() / name, 1, true);
  BOOST_REQUIRE_EQUAL(parsed.records.size(), 12u);
  BOOST_REQUIRE(!parsed.torn);
  std::vector<std::size_t> ends;  // where each record ends
  for (const auto& r : parsed.records)
    ends.push_back(r.offset + persistence::record_header_size + r.payload.size());
  // The store after the first `records` records, when that is a state we kept.
  const auto check_prefix = [&](const outcome& o, std::size_t records) {
    BOOST_REQUIRE_MESSAGE(o.rows, "refused: " << o.error);
    if (records % 3 == 0) BOOST_CHECK(*o.rows == states[records / 3]);
    // Never more rows than were written, never rows of a later commit.
    BOOST_CHECK_LE(o.rows->size(), states.back().size());
  };
  const std::size_t last_start = parsed.records.back().offset;
  BOOST_TEST_MESSAGE("journal of " << clean.size() << " bytes");
  for (std::size_t i = 0; i < clean.size(); ++i) {
    BOOST_TEST_CONTEXT("flip at " << i) {
      const auto o = open_damaged(dir.path(), name, flip(clean, i, i % 2 ? 0x80 : 0x01));
      if (i >= last_start + persistence::record_header_size) {
        check_prefix(o, 11);  // a damaged last record is a torn tail: dropped
      } else {
        BOOST_CHECK(!o.rows);
      }
    }
  }
  for (std::size_t n = 0; n <= clean.size(); ++n) {
    BOOST_TEST_CONTEXT("truncated to " << n) {
      const auto o = open_damaged(dir.path(), name, clean.substr(0, n));
      check_prefix(o, static_cast<std::size_t>(std::count_if(
                          ends.begin(), ends.end(), [&](std::size_t e) { return e <= n; })));
    }
  }
  // Zeros after the last record (a file grown but not written) are a torn tail too.
  check_prefix(open_damaged(dir.path(), name, clean + std::string(100, '\0')), 12);
}

BOOST_AUTO_TEST_CASE(torn_tail_is_cut_off_once) {
  temp_dir dir(true);
  std::vector<record> first;
  {
    customer_module m(on_disk(dir.path()));
    commit(m, 1);
    first = rows_of(m);
    commit(m, 2);
  }
  const auto name = only_file(dir.path(), "journal");
  const auto clean = read_bytes(dir.path() / name);
  write_bytes(dir.path() / name, clean.substr(0, clean.size() - 3));
  std::vector<record> after;
  {
    customer_module m(on_disk(dir.path()));
    BOOST_CHECK_EQUAL(m.stats().sequence, 5u);  // commit(m, 2)'s last record was torn
    commit(m, 3);
    after = rows_of(m);
  }
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == after);
  BOOST_CHECK_EQUAL(again.stats().sequence, 8u);
}

// A larger store with two snapshots kept: damage to the newest snapshot falls back to the older
// one and the journal (all commits recovered); damage to the older snapshot or to a journal
// file the newest snapshot covers is harmless; damage to the live journal recovers a prefix or
// refuses.
BOOST_AUTO_TEST_CASE(large_store_random_positions) {
  temp_dir dir(true);
  std::vector<std::vector<record>> states;
  auto options = on_disk(dir.path(), fsync_policy::no);
  options.persistence.keep_snapshots = 2;
  std::uint64_t base = 0;
  {
    customer_module m(options);
    record_set rs;
    for (int i = 0; i < 120; ++i) {
      const auto id = fmt::format("cus_{:04}", i);
      rs.customers.push_back({.id = id, .email = id + "@x.y", .metadata = metadata{{"n", i}}});
      rs.customer_addresses.push_back({.id = fmt::format("cuaddr_{:04}", i), .customer_id = id});
    }
    m.import_records(rs);
    for (int i = 0; i < 5; ++i) commit(m, i);
    m.snapshot();
    for (int i = 5; i < 10; ++i) commit(m, i);
    m.snapshot();
    base = m.stats().sequence;
    states.push_back(rows_of(m));
    for (int i = 10; i < 20; ++i) {
      m.update(fmt::format("cus_{:04}", i), {.first_name = fmt::format("n{}", i)});
      states.push_back(rows_of(m));
    }
  }
  const auto snapshots = files_in(dir.path(), "snapshot");
  const auto journals = files_in(dir.path(), "journal");
  BOOST_REQUIRE_EQUAL(snapshots.size(), 2u);
  BOOST_REQUIRE_EQUAL(journals.size(), 2u);
  std::mt19937 rng(7);
  const auto positions = [&](const std::string& bytes, int n) {
    std::vector<std::size_t> out;
    for (int i = 0; i < n; ++i) out.push_back(rng() % bytes.size());
    return out;
  };
  for (const auto& snapshot : snapshots) {
    const auto clean = read_bytes(dir.path() / snapshot);
    for (const auto p : positions(clean, 25)) {
      BOOST_TEST_CONTEXT(snapshot << " flip at " << p) {
        const auto o = open_damaged(dir.path(), snapshot, flip(clean, p, 0x10));
        BOOST_REQUIRE_MESSAGE(o.rows, "refused: " << o.error);
        BOOST_CHECK(*o.rows == states.back());
      }
    }
  }
  {
    const auto covered = read_bytes(dir.path() / journals[0]);
    for (const auto p : positions(covered, 10)) {
      const auto o = open_damaged(dir.path(), journals[0], flip(covered, p, 0x04));
      BOOST_REQUIRE(o.rows);
      BOOST_CHECK(*o.rows == states.back());
    }
  }
  const auto live = read_bytes(dir.path() / journals[1]);
  for (const auto p : positions(live, 40)) {
    BOOST_TEST_CONTEXT("live journal flip at " << p) {
      const auto o = open_damaged(dir.path(), journals[1], flip(live, p, 0x02));
      if (o.rows) {
        const auto k = std::find(states.begin(), states.end(), *o.rows);
        BOOST_CHECK_MESSAGE(k != states.end(), "not a prefix of the commits");
        BOOST_CHECK_GE(k - states.begin(), static_cast<std::ptrdiff_t>(states.size()) - 2);
      }
    }
  }
  for (const auto p : positions(live, 10)) {
    const auto o = open_damaged(dir.path(), journals[1], live.substr(0, p));
    BOOST_REQUIRE_MESSAGE(o.rows, "refused: " << o.error);
    BOOST_CHECK(std::find(states.begin(), states.end(), *o.rows) != states.end());
  }
  (void)base;
}

// A journal of a newer format version (here 4) is refused with a message that says so; the
// versions this build writes or wrote before (1: tests/persistence/fixtures) open.
BOOST_AUTO_TEST_CASE(a_newer_journal_format_is_refused) {
  temp_dir dir(true);
  {
    customer_module m(on_disk(dir.path(), fsync_policy::no));
    commit(m, 1);
  }
  const auto name = only_file(dir.path(), "journal");
  std::string bytes = read_bytes(dir.path() / name);
  BOOST_CHECK_EQUAL(static_cast<int>(bytes[8]), 3);
  bytes[8] = 4;
  const auto sum = persistence::checksum(std::string_view(bytes).substr(0, 24));
  for (int i = 0; i < 8; ++i) bytes[24 + i] = static_cast<char>(sum >> (8 * i));
  write_bytes(dir.path() / name, bytes);
  const auto before = contents(dir.path());
  CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                         error_code::corruption,
                         fmt::format("Journal {} has format version 4; this build reads versions "
                                     "1 to 3",
                                     (dir.path() / name).string()));
  BOOST_CHECK(contents(dir.path()) == before);
}

BOOST_AUTO_TEST_CASE(missing_journal_records_are_refused) {
  temp_dir dir(true);
  auto options = on_disk(dir.path(), fsync_policy::no);
  {
    customer_module m(options);
    commit(m, 1);
    m.snapshot();
    commit(m, 2);
    m.snapshot();
    commit(m, 3);
  }
  // Without the newest snapshot and the journal between the two, the older one cannot be
  // brought up to date: the store refuses to open and says which snapshot was bad.
  const auto snapshots = files_in(dir.path(), "snapshot");
  BOOST_REQUIRE_EQUAL(snapshots.size(), 2u);
  const auto journals = files_in(dir.path(), "journal");
  BOOST_REQUIRE_EQUAL(journals.size(), 2u);
  std::filesystem::remove(dir.path() / journals[0]);
  const auto newest = read_bytes(dir.path() / snapshots[1]);
  const auto o = open_damaged(dir.path(), snapshots[1], flip(newest, newest.size() - 1, 1));
  BOOST_CHECK(!o.rows);
  BOOST_CHECK_NE(o.error.find("payload checksum mismatch"), std::string::npos);
}

// The newest journal file is deleted: the newest snapshot says the commits after it start
// journal-<its sequence + 1>.log, so the directory is refused, by a writable and a read-only
// open alike, instead of opening without those commits, and left as it was. Then a snapshot
// is rewritten as format version 1 (which records no such thing): the directory opens as it
// did before version 2, with the commits up to that snapshot.
BOOST_AUTO_TEST_CASE(a_missing_newest_journal_file_is_refused) {
  temp_dir dir(true);
  std::vector<record> at_newest_snapshot;
  {
    customer_module m(on_disk(dir.path(), fsync_policy::no));
    commit(m, 1);
    m.snapshot();  // 3
    commit(m, 2);
    m.snapshot();  // 6
    at_newest_snapshot = rows_of(m);
    commit(m, 3);  // 7 to 9, lost with the file below
  }
  const auto p = [&](const std::string& name) { return (dir.path() / name).string(); };
  BOOST_TEST(files_in(dir.path()) ==
                 (std::vector<std::string>{"journal-00000000000000000004.log",
                                           "journal-00000000000000000007.log",
                                           "snapshot-00000000000000000003.snap",
                                           "snapshot-00000000000000000006.snap"}),
             boost::test_tools::per_element());
  std::filesystem::remove(dir.path() / "journal-00000000000000000007.log");
  const auto before = contents(dir.path());
  const auto message = fmt::format(
      "Journal {} is missing: snapshot {} holds the commits up to 6, and the commits after it "
      "start that file, but the newest journal file, {}, starts at commit 4",
      p("journal-00000000000000000007.log"), p("snapshot-00000000000000000006.snap"),
      p("journal-00000000000000000004.log"));
  CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                         error_code::corruption, message);
  auto read_only = on_disk(dir.path());
  read_only.persistence.read_only = true;
  CUSTOMERDB_CHECK_ERROR(customer_module(read_only), error_code::corruption, message);
  BOOST_CHECK(contents(dir.path()) == before);

  // Format version 1: the first 120 bytes of the version 3 header with the version 1, the header
  // size 128 and bytes 116-119 zero, their checksum, then the payload.
  const auto newest = dir.path() / "snapshot-00000000000000000006.snap";
  const auto v3 = read_bytes(newest);
  BOOST_REQUIRE_EQUAL(v3[8], 3);
  BOOST_REQUIRE_EQUAL(v3[12], static_cast<char>(144));
  BOOST_REQUIRE_EQUAL(v3[116], 1);
  auto bytes = v3.substr(0, 120);
  bytes[8] = 1;
  bytes[12] = static_cast<char>(128);
  bytes[116] = 0;
  const auto sum = persistence::checksum(bytes);
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>(sum >> (8 * i)));
  bytes += v3.substr(144);
  write_bytes(newest, bytes);
  BOOST_CHECK_EQUAL(read_snapshot_info(newest).format_version, 1u);
  customer_module m(on_disk(dir.path(), fsync_policy::no));
  BOOST_CHECK_EQUAL(m.stats().sequence, 6u);
  BOOST_CHECK(rows_of(m) == at_newest_snapshot);
}

// A journal file after the newest snapshot, followed by others, is deleted: the journal has a
// gap, and the directory is refused with the name of the file that held the commits there and
// what precedes and follows it, and left as it was. The later files come from snapshots that
// failed after the journal had started a file for them.
BOOST_AUTO_TEST_CASE(a_missing_journal_file_in_the_middle_is_refused) {
  temp_dir source(true);
  auto fs = std::make_shared<faulty_file_system>();
  {
    auto options = on_disk(source.path(), fsync_policy::no);
    options.persistence.file_system = fs;
    customer_module m(options);
    commit(m, 1);
    m.snapshot();  // 3
    for (int i = 2; i <= 4; ++i) {
      commit(m, i);
      fs->fail(fs_op::rename, "snapshot");
      BOOST_CHECK_THROW(m.snapshot(), error);  // the journal went on in a new file all the same
    }
  }
  BOOST_TEST(files_in(source.path()) ==
                 (std::vector<std::string>{
                     "journal-00000000000000000004.log", "journal-00000000000000000007.log",
                     "journal-00000000000000000010.log", "journal-00000000000000000013.log",
                     "snapshot-00000000000000000003.snap"}),
             boost::test_tools::per_element());
  struct missing_case {
    std::string file;
    std::string message;  // after "Journal <file> is missing: "
  };
  temp_dir copy(true);
  const auto p = [&](const std::string& name) { return (copy.path() / name).string(); };
  const std::vector<missing_case> cases = {
      {"journal-00000000000000000004.log",
       fmt::format("snapshot {} holds the commits up to 3, and the next journal file, {}, starts "
                   "at commit 7",
                   p("snapshot-00000000000000000003.snap"), p("journal-00000000000000000007.log"))},
      {"journal-00000000000000000007.log",
       fmt::format("journal {} ends with commit 6, and the next journal file, {}, starts at "
                   "commit 10",
                   p("journal-00000000000000000004.log"), p("journal-00000000000000000010.log"))},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      copy_dir(source.path(), copy.path());
      std::filesystem::remove(copy.path() / c.file);
      const auto before = contents(copy.path());
      CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(copy.path(), fsync_policy::no)),
                             error_code::corruption,
                             fmt::format("Journal {} is missing: {}", p(c.file), c.message));
      BOOST_CHECK(contents(copy.path()) == before);
    }
  }
  // Without a snapshot the journal starts at commit 1.
  copy_dir(source.path(), copy.path());
  std::filesystem::remove(copy.path() / "snapshot-00000000000000000003.snap");
  const auto before = contents(copy.path());
  CUSTOMERDB_CHECK_ERROR(
      customer_module(on_disk(copy.path(), fsync_policy::no)), error_code::corruption,
      fmt::format("Journal {} is missing: the directory holds no snapshot, so the journal starts "
                  "at commit 1, and the next journal file, {}, starts at commit 4",
                  p("journal-00000000000000000001.log"), p("journal-00000000000000000004.log")));
  BOOST_CHECK(contents(copy.path()) == before);
}

// A snapshot whose checksums match but whose customers repeat an id (a writer's bug, not
// damage): opening refuses with a corruption error naming the id and an offset in the
// customers' section. Rows are inserted in batches, so the offset is where decoding had got to
// when the batch holding the repeat was inserted, not necessarily the repeat's own. One repeat
// is of the row just before, one of a row 40 rows earlier; one id is longer than the part keys
// keep inline.
BOOST_AUTO_TEST_CASE(a_repeated_id_in_a_snapshot_is_refused) {
  const std::string long_id = "cus_" + std::string(60, 'l');
  for (const std::size_t distance : {1u, 40u}) {
    for (const std::string& repeated : {std::string("cus_repeated"), long_id}) {
      BOOST_TEST_CONTEXT("distance " << distance << ", id " << repeated) {
        temp_dir dir(true);
        std::vector<customer_record> customers;
        for (std::size_t i = 0; i < 50; ++i)
          customers.push_back({.id = fmt::format("cus_{:03}", i), .email = "a@b.c"});
        customers[7].id = repeated;
        customers[7 + distance].id = repeated;
        const std::uint64_t n = customers.size();
        auto& fs = *posix_file_system();
        persistence::snapshot_writer w(fs, dir.path(), 1, now(), {0, n, 0, 0}, false);
        w.begin_table(persistence::table::groups);
        w.begin_table(persistence::table::customers);
        for (const auto& c : customers) w.write(c);
        w.begin_table(persistence::table::addresses);
        w.begin_table(persistence::table::memberships);
        const auto info = w.finish();
        std::uint64_t size = 0;
        const auto h = persistence::read_snapshot_header(fs, info.path, size);
        const auto customers_start = persistence::snapshot_header_size + h.sections[0];
        const auto customers_end = customers_start + h.sections[1];
        try {
          customer_module m(on_disk(dir.path(), fsync_policy::no));
          BOOST_ERROR("the snapshot was loaded");
        } catch (const error& e) {
          BOOST_CHECK_EQUAL(to_string(e.code()), "corruption");
          const std::string message = e.what();
          const std::string head =
              fmt::format("Snapshot {} is corrupt at offset ", info.path.string());
          const std::string tail =
              fmt::format(": the payload does not decode (the row {} appears twice)", repeated);
          BOOST_TEST_INFO("message: " << message);
          BOOST_REQUIRE(message.size() > head.size() + tail.size());
          BOOST_TEST(message.starts_with(head));
          BOOST_TEST(message.ends_with(tail));
          const auto offset =
              std::stoull(message.substr(head.size(), message.size() - head.size() - tail.size()));
          BOOST_TEST(offset > customers_start);
          BOOST_TEST(offset <= customers_end);
        }
      }
    }
  }
}

// Files whose checksums match but in which a string's length (8 bytes before its text) says
// more bytes than follow: a crafted file, or one a bug wrote; found by fuzzing (fuzz/,
// docs/testing.md). The
// reader grows the string only as its bytes arrive, so it refuses the file with the archive's
// "input stream error" instead of first sizing the string to the length it read (which allocated
// and zeroed gigabytes for a length of a few billion, and failed with std::bad_alloc here).
namespace {

constexpr std::uint64_t damaged_length = 0x7000'0000'0000'0000;

// `bytes` with the length stored before the text `text` replaced by damaged_length.
std::string with_damaged_length(std::string bytes, const std::string& text) {
  std::string needle;
  persistence::put_le<std::uint64_t>(needle, text.size());
  needle += text;
  const auto at = bytes.find(needle);
  BOOST_REQUIRE(at != std::string::npos);
  std::string length;
  persistence::put_le<std::uint64_t>(length, damaged_length);
  bytes.replace(at, 8, length);
  return bytes;
}

// A journal file holding `record` (a whole record of commit 1, however damaged) with its
// checksums made to match.
std::string sealed_journal(std::string record) {
  const auto payload = std::string_view(record).substr(persistence::record_header_size);
  std::string sums;
  persistence::put_le<std::uint64_t>(sums, persistence::checksum(payload));
  record.replace(24, 8, sums);
  std::string check;
  persistence::put_le<std::uint32_t>(
      check, static_cast<std::uint32_t>(persistence::checksum(std::string_view(record).substr(8, 24))));
  record.replace(4, 4, check);
  return persistence::encode_journal_header(1) + record;
}

// A journal file holding commit 1 as `changes` encode it, with the length before `text`
// damaged and every checksum matching.
std::string journal_with_damaged_length(persistence::commit_changes&& changes,
                                        const std::string& text) {
  return sealed_journal(with_damaged_length(persistence::finish_record(std::move(changes)), text));
}

// `bytes` with the presence flag of the optional text `text` (the byte before its length) set to
// 2; its offset in `bytes` in `at`.
std::string with_flag_of_2(std::string bytes, const std::string& text, std::size_t& at) {
  std::string needle;
  persistence::put_le<std::uint64_t>(needle, text.size());
  needle += text;
  at = bytes.find(needle);
  BOOST_REQUIRE(at != std::string::npos && at > 0);
  --at;
  BOOST_REQUIRE_EQUAL(static_cast<int>(bytes[at]), 1);
  bytes[at] = 2;
  return bytes;
}

// A snapshot in `dir` of commit 1 holding one group, "cusgroup_long" named "Long"; its path.
std::filesystem::path one_group_snapshot(const std::filesystem::path& dir) {
  persistence::snapshot_writer w(*posix_file_system(), dir, 1, now(), {1, 0, 0, 0}, false);
  w.begin_table(persistence::table::groups);
  w.write(customer_group_record{.id = "cusgroup_long", .name = "Long"});
  w.begin_table(persistence::table::customers);
  w.begin_table(persistence::table::addresses);
  w.begin_table(persistence::table::memberships);
  return w.finish().path;
}

// Replaces the payload of the snapshot file `path` by `payload` (of the same length), with the
// checksums made to match; returns its header.
persistence::snapshot_header reseal_snapshot(const std::filesystem::path& path,
                                             const std::string& payload) {
  std::uint64_t size = 0;
  auto h = persistence::read_snapshot_header(*posix_file_system(), path, size);
  h.payload_checksum = persistence::checksum(payload);
  write_bytes(path, persistence::encode(h) + payload);
  return h;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_damaged_string_length_in_a_snapshot_is_refused) {
  temp_dir dir(true);
  const auto path = one_group_snapshot(dir.path());
  const auto h = reseal_snapshot(
      path, with_damaged_length(read_bytes(path).substr(persistence::snapshot_header_size),
                                "cusgroup_long"));
  CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                         error_code::corruption,
                         fmt::format("Snapshot {} is corrupt at offset {}: the payload does not "
                                     "decode (input stream error)",
                                     path.string(),
                                     persistence::snapshot_header_size + h.sections[0]));
}

// The same for the length of the signature that starts each section (a Boost archive's header,
// read by Boost's own code before a row): the signature is checked before Boost reads it.
BOOST_AUTO_TEST_CASE(a_damaged_signature_length_in_a_snapshot_is_refused) {
  temp_dir dir(true);
  const auto path = one_group_snapshot(dir.path());
  std::string payload = read_bytes(path).substr(persistence::snapshot_header_size);
  BOOST_REQUIRE_EQUAL(payload.substr(8, 22), "serialization::archive");
  payload[7] = 0x70;  // the length's last byte: 0x7000000000000016
  reseal_snapshot(path, payload);
  CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                         error_code::corruption,
                         fmt::format("Snapshot {} is corrupt at offset {}: the payload does not "
                                     "decode (invalid signature)",
                                     path.string(), persistence::snapshot_header_size));
}

// A row count larger than the bytes of its section (found by fuzzing: with the checksums made
// to match, the load reserved room for 2^50 rows) is refused as corruption.
BOOST_AUTO_TEST_CASE(a_row_count_beyond_the_section_is_refused) {
  temp_dir dir(true);
  const auto path = one_group_snapshot(dir.path());
  std::string payload = read_bytes(path).substr(persistence::snapshot_header_size);
  // The groups' section: the archive's signature (8 + 22 bytes), its library version (2), the
  // sizes of its types (4) and an integer 1 (4), then the row count.
  BOOST_REQUIRE_EQUAL(persistence::get_le<std::uint64_t>(payload, 40), 1u);
  const std::uint64_t huge = std::uint64_t{1} << 50;
  std::string count;
  persistence::put_le<std::uint64_t>(count, huge);
  payload.replace(40, 8, count);
  std::uint64_t size = 0;
  auto h = persistence::read_snapshot_header(*posix_file_system(), path, size);
  h.counts[static_cast<std::size_t>(persistence::table::groups)] = huge;
  h.payload_checksum = persistence::checksum(payload);
  write_bytes(path, persistence::encode(h) + payload);
  CUSTOMERDB_CHECK_ERROR(
      customer_module(on_disk(dir.path(), fsync_policy::no)), error_code::corruption,
      fmt::format("Snapshot {} is corrupt at offset {}: table 0 counts 1125899906842624 rows in "
                  "{} bytes",
                  path.string(), persistence::snapshot_header_size + 48,
                  h.sections[0] - 48));
}

// A boolean stored as a byte other than 0 or 1 (found by fuzzing: undefined behaviour in Boost's
// loader, and an assertion failure in debug builds) is refused as corruption.
BOOST_AUTO_TEST_CASE(a_boolean_that_is_not_0_or_1_is_refused) {
  {
    temp_dir dir(true);
    const auto path = one_group_snapshot(dir.path());
    std::size_t at = 0;
    reseal_snapshot(path, with_flag_of_2(
                              read_bytes(path).substr(persistence::snapshot_header_size), "Long", at));
    CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                           error_code::corruption,
                           fmt::format("Snapshot {} is corrupt at offset {}: the payload does not "
                                       "decode (a boolean holds 2)",
                                       path.string(), persistence::snapshot_header_size + at + 1));
  }
  {
    temp_dir dir(true);
    persistence::commit_changes put(1);
    put.put(customer_group_record{.id = "cusgroup_long", .name = "Long"});
    std::size_t at = 0;
    const auto path = dir.path() / "journal-00000000000000000001.log";
    write_bytes(path, sealed_journal(with_flag_of_2(persistence::finish_record(std::move(put)),
                                                    "Long", at)));
    CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                           error_code::corruption,
                           fmt::format("Journal {} is corrupt at offset 32: the record does not "
                                       "decode (a boolean holds 2)",
                                       path.string()));
  }
}

BOOST_AUTO_TEST_CASE(a_damaged_string_length_in_a_journal_is_refused) {
  const auto journal = [](const std::filesystem::path& dir, const std::string& bytes) {
    const auto path = dir / "journal-00000000000000000001.log";
    write_bytes(path, bytes);
    return path;
  };
  const auto expected = [](const std::filesystem::path& path) {
    return fmt::format("Journal {} is corrupt at offset 32: the record does not decode (input "
                       "stream error)",
                       path.string());
  };
  {  // a column of a row put
    temp_dir dir(true);
    persistence::commit_changes put(1);
    put.put(customer_group_record{.id = "cusgroup_long", .name = "Long"});
    const auto path = journal(dir.path(), journal_with_damaged_length(std::move(put), "Long"));
    CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                           error_code::corruption, expected(path));
  }
  {  // the id of a row erased
    temp_dir dir(true);
    persistence::commit_changes erase(1);
    erase.erase(persistence::table::customers, "cus_erased");
    const auto path = journal(dir.path(), journal_with_damaged_length(std::move(erase), "cus_erased"));
    CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                           error_code::corruption, expected(path));
  }
}

BOOST_AUTO_TEST_SUITE_END()
