// Damaged files: bits flipped and files truncated at every position of a small snapshot and a
// small journal, and at random positions of a large store's files. The store either recovers
// exactly the valid prefix of its commits or refuses to open with a corruption error naming the
// file and offset, and then leaves the directory as it was (persistence/src/recovery.cpp,
// snapshot_reader.cpp, journal_reader.cpp). Also missing journal files and newer formats.
// Crafted files, whose checksums match, are crafted_file_test.cpp's.
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
#include "persistence/support/faulty_file_system.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
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

BOOST_AUTO_TEST_SUITE_END()
