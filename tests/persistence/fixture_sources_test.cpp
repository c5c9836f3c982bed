// Fixtures from disk: a data directory opened as an in-memory copy
// (persistence_options::copy_on_open), and another store's rows imported from its data
// directory or a snapshot file (customer_module::import_store). Neither changes a byte of the
// fixture.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "support/check.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

module_options copy_of(const std::filesystem::path& dir) {
  module_options o;
  o.persistence.data_dir = dir;
  o.persistence.copy_on_open = true;
  return o;
}

// A fixture directory: a snapshot, then journaled commits after it (one of them deletes a row
// the snapshot holds, one replaces one). Returns its rows.
std::vector<record> write_fixture(const std::filesystem::path& dir) {
  customer_module m(on_disk(dir));
  const auto a = m.create(create_customer_dto{
      .id = "cus_a", .email = "a@x.y", .addresses = {{{.id = "cuaddr_a", .city = "Oslo"}}}});
  m.create(create_customer_dto{.id = "cus_gone", .email = "gone@x.y"});
  const auto g = m.create_customer_group(create_customer_group_dto{.id = "cusgroup_v", .name = "VIP"});
  m.snapshot();
  m.add_customer_to_group({.customer_id = a.id, .customer_group_id = g.id});
  m.delete_customers("cus_gone");
  m.update("cus_a", customer_updatable_fields{.first_name = "Ann"});
  m.create(create_customer_dto{.id = "cus_b", .email = "b@x.y"});
  return rows_of(m);
}

template <class Record>
std::vector<std::string> ids_of(const std::vector<record>& rows) {
  std::vector<std::string> ids;
  for (const auto& r : rows)
    if (const auto* x = std::get_if<Record>(&r)) ids.push_back(x->id);
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(copy_on_open)

BOOST_AUTO_TEST_CASE(writes_stay_in_memory_and_the_directory_is_unchanged) {
  temp_dir dir;
  const auto fixture = write_fixture(dir.path());
  const auto before = contents_of(dir.path());
  {
    customer_module m(copy_of(dir.path()));
    BOOST_CHECK(rows_of(m) == fixture);
    m.create(create_customer_dto{.id = "cus_c", .email = "c@x.y"});
    m.delete_customers("cus_a");
    BOOST_CHECK((ids_of<customer_record>(rows_of(m)) == std::vector<std::string>{"cus_b", "cus_c"}));
    CUSTOMERDB_CHECK_ERROR(m.snapshot(), error_code::invalid_data,
                           "Snapshots need a data directory (the store is an in-memory copy of " +
                               dir.path().string() + ")");
    // A second copy beside it, and a writer: the copy holds no lock once open.
    const customer_module second(copy_of(dir.path()));
    BOOST_CHECK(rows_of(second) == fixture);
    const customer_module writer(on_disk(dir.path()));
    BOOST_CHECK(rows_of(writer) == fixture);
  }
  BOOST_CHECK(contents_of(dir.path()) == before);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_data_directory) {
  temp_dir dir;
  const auto missing = dir.path() / "missing";
  CUSTOMERDB_CHECK_ERROR(customer_module(copy_of(missing)), error_code::io_error,
                         "Cannot open " + missing.string() + ": No such file or directory");
  BOOST_CHECK(!std::filesystem::exists(missing));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(import_store)

BOOST_AUTO_TEST_CASE(adds_the_rows_of_a_data_directory_beside_the_stores_own) {
  temp_dir dir;
  const auto fixture = write_fixture(dir.path());
  const auto before = contents_of(dir.path());
  customer_module m;
  m.create(create_customer_dto{.id = "cus_own", .email = "own@x.y"});
  BOOST_CHECK_EQUAL(m.import_store(dir.path()), fixture.size());
  BOOST_CHECK(contents_of(dir.path()) == before);
  auto expected = ids_of<customer_record>(fixture);
  expected.push_back("cus_own");
  std::ranges::sort(expected);
  BOOST_CHECK(ids_of<customer_record>(rows_of(m)) == expected);
  // Rows come as they were stored: timestamps, names and memberships.
  for (const auto& r : fixture) {
    std::visit([&](const auto& x) {
      const auto all = rows_of(m);
      BOOST_CHECK_MESSAGE(std::ranges::find(all, record(x)) != all.end(), x.id);
    }, r);
  }
  BOOST_CHECK_EQUAL(m.retrieve("cus_a").first_name.value_or(""), "Ann");
  // The import is one commit: a mark before it rewinds it whole.
  BOOST_CHECK_EQUAL(m.stats().sequence, 2u);
}

BOOST_AUTO_TEST_CASE(adds_the_rows_of_a_snapshot_file) {
  temp_dir dir;
  std::filesystem::path snapshot;
  std::vector<record> rows;
  {
    customer_module source(on_disk(dir.path()));
    source.create(create_customer_dto{.id = "cus_s", .email = "s@x.y",
                                      .addresses = {{{.id = "cuaddr_s", .is_default_billing = true}}}});
    snapshot = source.snapshot().path;
    rows = rows_of(source);
  }
  BOOST_CHECK(customer_module::is_store_source(snapshot));
  BOOST_CHECK(customer_module::is_store_source(dir.path()));
  const auto bytes = read_bytes(snapshot);
  customer_module m;
  const auto mark = m.mark();
  BOOST_CHECK_EQUAL(m.import_store(snapshot), 2u);
  BOOST_CHECK(rows_of(m) == rows);
  BOOST_CHECK_EQUAL(m.retrieve("cus_s").default_billing_address_id.value_or(""), "cuaddr_s");
  BOOST_CHECK_EQUAL(read_bytes(snapshot), bytes);
  BOOST_CHECK_EQUAL(mark, 0u);
  BOOST_CHECK_EQUAL(m.rewind(), 2u);
  BOOST_CHECK(rows_of(m).empty());
}

BOOST_AUTO_TEST_CASE(adds_nothing_when_a_row_breaks_a_rule) {
  temp_dir dir;
  write_fixture(dir.path());
  customer_module m;
  m.create(create_customer_dto{.id = "cus_b", .email = "other@x.y"});
  const auto own = rows_of(m);
  CUSTOMERDB_CHECK_ERROR(m.import_store(dir.path()), error_code::invalid_data,
                         "Customer with id: cus_b, already exists.");
  BOOST_CHECK(rows_of(m) == own);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_store) {
  temp_dir dir;
  customer_module m;
  const auto missing = dir.path() / "missing.snap";
  BOOST_CHECK(!customer_module::is_store_source(missing));
  CUSTOMERDB_CHECK_ERROR(m.import_store(missing), error_code::io_error,
                         "Cannot open " + missing.string() + ": No such file or directory");
  const auto lines = dir.path() / "fixture.jsonl";
  write_bytes(lines, "{\"type\":\"customer\"}\n");
  BOOST_CHECK(!customer_module::is_store_source(lines));
  const auto damaged = dir.path() / "damaged.snap";
  write_bytes(damaged, "CDBSNAP\nnot a header");
  BOOST_CHECK(customer_module::is_store_source(damaged));
  BOOST_CHECK_THROW(m.import_store(damaged), error);
  try {
    m.import_store(damaged);
  } catch (const error& e) {
    BOOST_CHECK(e.code() == error_code::corruption);
    BOOST_CHECK_MESSAGE(std::string(e.what()).starts_with("Snapshot " + damaged.string() +
                                                          " is corrupt at offset "),
                        e.what());
  }
  const auto empty = dir.path() / "empty";
  std::filesystem::create_directory(empty);
  CUSTOMERDB_CHECK_ERROR(m.import_store(empty), error_code::io_error,
                         empty.string() + " is not a data directory: it holds no snapshot or "
                                          "journal file");
  BOOST_CHECK(rows_of(m).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(export_snapshot)

// The rows export_snapshot passes, or nothing when it returns false.
std::pair<bool, std::vector<record>> exported(const std::filesystem::path& dir) {
  std::vector<record> rows;
  persistence_options o;
  o.data_dir = dir;
  const bool done = customer_module::export_snapshot(o, [&](const record& r) { rows.push_back(r); });
  return {done, rows};
}

BOOST_AUTO_TEST_CASE(reads_a_snapshot_that_holds_every_commit_as_export_records_would) {
  temp_dir dir;
  std::vector<record> rows;
  {
    customer_module m(on_disk(dir.path()));
    const auto a = m.create(create_customer_dto{.id = "cus_b", .email = "b@x.y",
                                                .addresses = {{{.id = "cuaddr_2"}, {.id = "cuaddr_1"}}}});
    m.create(create_customer_dto{.id = "cus_a", .email = "a@x.y"});
    const auto g = m.create_customer_group(create_customer_group_dto{.id = "cusgroup_1", .name = "G"});
    m.add_customer_to_group({.customer_id = a.id, .customer_group_id = g.id});
    m.soft_delete("cus_a");
    m.snapshot();
    m.export_records([&](const record& r) { rows.push_back(r); });
  }
  const auto before = contents_of(dir.path());
  const auto [done, streamed] = exported(dir.path());
  BOOST_CHECK(done);
  BOOST_CHECK(streamed == rows);
  BOOST_CHECK_EQUAL(streamed.size(), 6u);
  BOOST_CHECK(contents_of(dir.path()) == before);
}

BOOST_AUTO_TEST_CASE(declines_when_commits_follow_the_snapshot_or_there_is_none) {
  temp_dir dir;
  write_fixture(dir.path());  // commits after its snapshot
  BOOST_CHECK(!exported(dir.path()).first);
  temp_dir journal_only;
  {
    customer_module m(on_disk(journal_only.path()));
    m.create(create_customer_dto{.email = "a@x.y"});
  }
  BOOST_CHECK(!exported(journal_only.path()).first);
  // A snapshot taken after the last commit holds everything again.
  {
    customer_module m(on_disk(dir.path()));
    m.snapshot();
  }
  const auto [done, rows] = exported(dir.path());
  BOOST_CHECK(done);
  BOOST_CHECK(rows == rows_of(customer_module(on_disk(dir.path()))));
}

BOOST_AUTO_TEST_CASE(declines_a_damaged_snapshot_and_refuses_what_is_not_a_store) {
  temp_dir dir;
  {
    customer_module m(on_disk(dir.path()));
    m.create(create_customer_dto{.email = "a@x.y"});
    m.snapshot();
  }
  const auto snapshot = dir.path() / files_in(dir.path(), "snapshot-").back();
  auto bytes = read_bytes(snapshot);
  bytes[bytes.size() - 3] ^= 0x40;
  write_bytes(snapshot, bytes);
  BOOST_CHECK(!exported(dir.path()).first);
  const auto missing = dir.path() / "missing";
  CUSTOMERDB_CHECK_ERROR(exported(missing), error_code::io_error,
                         "Cannot open " + missing.string() + ": No such file or directory");
}

BOOST_AUTO_TEST_SUITE_END()
