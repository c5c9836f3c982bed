// Crafted files: snapshots and journals whose checksums match but whose contents a correct
// writer never produces (a repeated id, a string or section length beyond the bytes that
// follow, a row count beyond its section, a boolean that is neither 0 nor 1). Opening refuses
// each with a corruption error naming the file and offset, and allocates nothing the length
// it read asks for (persistence/src/snapshot_reader.cpp, journal_format.cpp, archive_streams.hpp).
// Several were found by fuzzing (fuzz/, docs/testing.md). Damaged files, whose checksums do not
// match, are corruption_test.cpp's.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "checksum.hpp"
#include "customerdb/customerdb.hpp"
#include "customerdb/file_system.hpp"
#include "journal_format.hpp"
#include "little_endian.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "snapshot_format.hpp"
#include "snapshot_reader.hpp"
#include "snapshot_writer.hpp"
#include "store_records.hpp"
#include "support/pipelined_load.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

// A snapshot in `dir` of commit 1 holding `customers` and nothing else; its path.
std::filesystem::path customers_snapshot(const std::filesystem::path& dir,
                                         const std::vector<customer_record>& customers) {
  persistence::snapshot_writer w(*posix_file_system(), dir, 1, now(), {0, customers.size(), 0, 0},
                                 false);
  w.begin_table(persistence::table::groups);
  w.begin_table(persistence::table::customers);
  for (const auto& c : customers) w.write(c);
  w.begin_table(persistence::table::addresses);
  w.begin_table(persistence::table::memberships);
  return w.finish().path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crafted_files)

// A snapshot whose checksums match but whose customers repeat an id (a writer's bug, not
// damage): opening refuses with a corruption error naming the id and an offset in the
// customers' section. Rows are inserted in batches, so the offset is where decoding had got to
// when the batch holding the repeat was inserted, not necessarily the repeat's own. One repeat
// is of the row just before, one of a row further back; one id is longer than the part keys
// keep inline. Each also with the rows inserted on the loader's own thread, as a large table's
// are (pipelined): that thread fails, and the thread that makes the rows stops at its next
// hand-over or at the table's end; 600 rows apart crosses a hand-over.
BOOST_AUTO_TEST_CASE(a_repeated_id_in_a_snapshot_is_refused) {
  const std::string long_id = "cus_" + std::string(60, 'l');
  struct shape {
    std::size_t rows;
    std::vector<std::size_t> distances;
    bool pipelined;
  };
  for (const auto& [rows, distances, pipelined] :
       {shape{50, {1, 40}, false}, shape{50, {1, 40}, true}, shape{1'200, {1, 600}, true}}) {
    for (const std::size_t distance : distances) {
      for (const std::string& repeated : {std::string("cus_repeated"), long_id}) {
        BOOST_TEST_CONTEXT("rows " << rows << ", distance " << distance << ", id " << repeated
                                   << ", pipelined " << pipelined) {
          const pipelined_from minimum(pipelined ? 1 : rows + 1);
          temp_dir dir(true);
          std::vector<customer_record> customers;
          for (std::size_t i = 0; i < rows; ++i)
            customers.push_back({.id = fmt::format("cus_{:05}", i), .email = "a@b.c"});
          customers[7].id = repeated;
          customers[7 + distance].id = repeated;
          const auto path = customers_snapshot(dir.path(), customers);
          std::uint64_t size = 0;
          const auto h = persistence::read_snapshot_header(*posix_file_system(), path, size);
          const auto customers_start = persistence::snapshot_header_size + h.sections[0];
          const auto customers_end = customers_start + h.sections[1];
          try {
            customer_module m(on_disk(dir.path(), fsync_policy::no));
            BOOST_ERROR("the snapshot was loaded");
          } catch (const error& e) {
            BOOST_CHECK_EQUAL(to_string(e.code()), "corruption");
            const std::string message = e.what();
            const std::string head =
                fmt::format("Snapshot {} is corrupt at offset ", path.string());
            const std::string tail =
                fmt::format(": the payload does not decode (the row {} appears twice)", repeated);
            BOOST_TEST_INFO("message: " << message);
            BOOST_REQUIRE(message.size() > head.size() + tail.size());
            BOOST_TEST(message.starts_with(head));
            BOOST_TEST(message.ends_with(tail));
            const auto offset = std::stoull(
                message.substr(head.size(), message.size() - head.size() - tail.size()));
            BOOST_TEST(offset > customers_start);
            BOOST_TEST(offset <= customers_end);
          }
        }
      }
    }
  }
}

// Files whose checksums match but in which a string's length (8 bytes before its text) says
// more bytes than follow: a crafted file, or one a bug wrote; found by fuzzing (fuzz/,
// docs/testing.md). The reader grows the string only as its bytes arrive, so it refuses the file
// with "input stream error" (Boost's words) instead of first sizing the string to the length it
// read (which allocated and zeroed gigabytes for a length of a few billion, and failed with
// std::bad_alloc here). A snapshot's error names the offset where the string's text starts.
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
      check,
      static_cast<std::uint32_t>(persistence::checksum(std::string_view(record).substr(8, 24))));
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
  const auto payload = with_damaged_length(
      read_bytes(path).substr(persistence::snapshot_header_size), "cusgroup_long");
  reseal_snapshot(path, payload);
  CUSTOMERDB_CHECK_ERROR(
      customer_module(on_disk(dir.path(), fsync_policy::no)), error_code::corruption,
      fmt::format("Snapshot {} is corrupt at offset {}: the payload does not "
                  "decode (input stream error)",
                  path.string(),
                  persistence::snapshot_header_size + payload.find("cusgroup_long")));
}

// The same late in a table whose rows the loader inserts on a thread of its own while the
// decoding thread makes them (pipelined, as a large table's): decoding fails while that thread
// still inserts, and the open ends with the error all the same.
BOOST_AUTO_TEST_CASE(a_damaged_string_length_in_a_pipelined_table_is_refused) {
  const pipelined_from minimum(1);
  temp_dir dir(true);
  std::vector<customer_record> customers;
  for (std::size_t i = 0; i < 1'200; ++i)
    customers.push_back({.id = fmt::format("cus_{:05}", i), .email = fmt::format("c{:05}@b.c", i)});
  const auto path = customers_snapshot(dir.path(), customers);
  const auto payload =
      with_damaged_length(read_bytes(path).substr(persistence::snapshot_header_size), "c01000@b.c");
  reseal_snapshot(path, payload);
  CUSTOMERDB_CHECK_ERROR(
      customer_module(on_disk(dir.path(), fsync_policy::no)), error_code::corruption,
      fmt::format("Snapshot {} is corrupt at offset {}: the payload does not "
                  "decode (input stream error)",
                  path.string(), persistence::snapshot_header_size + payload.find("c01000@b.c")));
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
                  path.string(), persistence::snapshot_header_size + 48, h.sections[0] - 48));
}

// A boolean stored as a byte other than 0 or 1 (found by fuzzing: undefined behaviour in Boost's
// loader, and an assertion failure in debug builds) is refused as corruption.
BOOST_AUTO_TEST_CASE(a_boolean_that_is_not_0_or_1_is_refused) {
  {
    temp_dir dir(true);
    const auto path = one_group_snapshot(dir.path());
    std::size_t at = 0;
    reseal_snapshot(path, with_flag_of_2(read_bytes(path).substr(persistence::snapshot_header_size),
                                         "Long", at));
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
    write_bytes(path, sealed_journal(
                          with_flag_of_2(persistence::finish_record(std::move(put)), "Long", at)));
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
    return fmt::format(
        "Journal {} is corrupt at offset 32: the record does not decode (input "
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
    const auto path =
        journal(dir.path(), journal_with_damaged_length(std::move(erase), "cus_erased"));
    CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path(), fsync_policy::no)),
                           error_code::corruption, expected(path));
  }
}

BOOST_AUTO_TEST_SUITE_END()
