// A data directory opened read-only (persistence_options::read_only; persistence/src/
// read_only_store.cpp): it recovers what a writable open recovers, through a file system that
// refuses every operation that would change the disk (so none is attempted); it leaves every
// file as it was, torn journal tail and leftover temporary file included; it refuses writes and
// snapshots; it refuses a directory that does not exist or holds no store, creating nothing; and
// it locks the directory shared, only while it reads it.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "customerdb/file_system.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "support/check.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

// The operating system's file system for reading; every operation that could change the disk,
// the exclusive lock included, throws.
class reading_file_system final : public forwarding_file_system {
 public:
  std::unique_ptr<writable_file> create(const std::filesystem::path& path) override {
    refuse("create", path);
  }
  std::unique_ptr<writable_file> open_append(const std::filesystem::path& path) override {
    refuse("open_append", path);
  }
  void rename(const std::filesystem::path& from, const std::filesystem::path&) override {
    refuse("rename", from);
  }
  void remove(const std::filesystem::path& path) override { refuse("remove", path); }
  void sync_directory(const std::filesystem::path& dir) override { refuse("sync_directory", dir); }
  void create_directories(const std::filesystem::path& dir) override {
    refuse("create_directories", dir);
  }
  std::shared_ptr<void> lock_directory(const std::filesystem::path& dir) override {
    refuse("lock_directory", dir);
  }

 private:
  [[noreturn]] static void refuse(const std::string& what, const std::filesystem::path& path) {
    BOOST_ERROR("a read-only open called " + what + " on " + path.string());
    throw error(error_code::io_error, what + " refused");
  }
};

module_options read_only(const std::filesystem::path& dir) {
  module_options o;
  o.persistence.data_dir = dir;
  o.persistence.read_only = true;
  o.persistence.file_system = std::make_shared<reading_file_system>();
  return o;
}

// A store with a snapshot and journaled commits after it, a torn tail on its journal (zero
// bytes after the last record) and a leftover temporary snapshot: what a writable open would
// change. Returns its rows.
std::vector<record> write_store(const std::filesystem::path& dir) {
  std::vector<record> rows;
  {
    customer_module m(on_disk(dir));
    const auto c =
        m.create(create_customer_dto{.email = "a@x.y", .addresses = {{{.city = "Oslo"}}}});
    const auto g = m.create_customer_group(create_customer_group_dto{.name = "VIP"});
    m.snapshot();
    m.add_customer_to_group({.customer_id = c.id, .customer_group_id = g.id});
    m.create(create_customer_dto{.email = "b@x.y"});
    rows = rows_of(m);
  }
  const auto journals = files_in(dir, "journal-");
  BOOST_REQUIRE(!journals.empty());
  const auto journal = dir / journals.back();
  write_bytes(journal, read_bytes(journal) + std::string(16, '\0'));
  write_bytes(dir / (files_in(dir, "snapshot-").back() + ".tmp"), "half a snapshot");
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_only_open)

BOOST_AUTO_TEST_CASE(recovers_the_store_and_changes_no_file) {
  temp_dir dir;
  const auto rows = write_store(dir.path());
  const auto before = contents_of(dir.path());
  {
    const customer_module m(read_only(dir.path()));
    BOOST_CHECK(rows_of(m) == rows);
    const auto s = m.stats();
    BOOST_CHECK_EQUAL(s.sequence, 4u);
    BOOST_CHECK_EQUAL(s.last_snapshot_sequence.value_or(0), 2u);
    BOOST_CHECK(s.last_snapshot_at.has_value());
  }
  BOOST_CHECK(contents_of(dir.path()) == before);
  // A writable open then finds the same store (and cuts the tail, removes the leftover).
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == rows);
}

BOOST_AUTO_TEST_CASE(refuses_writes_and_snapshots) {
  temp_dir dir;
  const auto rows = write_store(dir.path());
  const auto before = contents_of(dir.path());
  customer_module m(read_only(dir.path()));
  const std::string refused = "The store is open read-only";
  CUSTOMERDB_CHECK_ERROR(m.create(create_customer_dto{.email = "c@x.y"}), error_code::not_allowed,
                         refused);
  CUSTOMERDB_CHECK_ERROR(m.delete_customers(m.list().front().id), error_code::not_allowed, refused);
  record_set more;
  for (const auto& r : rows) {
    if (const auto* c = std::get_if<customer_record>(&r)) more.customers.push_back(*c);
  }
  more.customers.resize(1);
  more.customers[0].id = "cus_imported";
  more.customers[0].email = "imported@x.y";
  CUSTOMERDB_CHECK_ERROR(m.import_records(std::move(more)), error_code::not_allowed, refused);
  auto tx = m.begin_transaction();
  m.create(create_customer_dto{.email = "t@x.y"}, tx);
  CUSTOMERDB_CHECK_ERROR(m.commit(tx), error_code::not_allowed, refused);
  CUSTOMERDB_CHECK_ERROR(m.snapshot(), error_code::not_allowed, refused);
  // A call that changes nothing is no commit, and goes through.
  m.delete_customers("cus_none");
  BOOST_CHECK(rows_of(m) == rows);
  BOOST_CHECK_EQUAL(m.stats().sequence, 4u);
  BOOST_CHECK(contents_of(dir.path()) == before);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_data_directory_and_creates_nothing) {
  temp_dir dir;
  const auto missing = dir.path() / "missing";
  CUSTOMERDB_CHECK_ERROR(customer_module(read_only(missing)), error_code::io_error,
                         "Cannot open " + missing.string() + ": No such file or directory");
  BOOST_CHECK(!std::filesystem::exists(missing));
  const auto nested = missing / "data";
  CUSTOMERDB_CHECK_ERROR(customer_module(read_only(nested)), error_code::io_error,
                         "Cannot open " + nested.string() + ": No such file or directory");
  BOOST_CHECK(!std::filesystem::exists(missing));

  const auto file = dir.path() / "file";
  write_bytes(file, "not a directory");
  CUSTOMERDB_CHECK_ERROR(customer_module(read_only(file)), error_code::io_error,
                         "Cannot open " + file.string() + ": Not a directory");
  BOOST_CHECK_EQUAL(read_bytes(file), "not a directory");

  const auto empty = dir.path() / "empty";
  std::filesystem::create_directory(empty);
  const auto no_store = [](const std::filesystem::path& p) {
    return p.string() + " is not a data directory: it holds no snapshot or journal file";
  };
  CUSTOMERDB_CHECK_ERROR(customer_module(read_only(empty)), error_code::io_error, no_store(empty));
  BOOST_CHECK(files_in(empty).empty());

  const auto other = dir.path() / "other";
  std::filesystem::create_directory(other);
  write_bytes(other / "notes.txt", "hello");
  write_bytes(other / "snapshot-1.snap", "a name that is not a snapshot's");
  CUSTOMERDB_CHECK_ERROR(customer_module(read_only(other)), error_code::io_error, no_store(other));
  BOOST_CHECK(files_in(other) == (std::vector<std::string>{"notes.txt", "snapshot-1.snap"}));
}

BOOST_AUTO_TEST_CASE(locks_shared_and_only_while_reading) {
  temp_dir dir;
  const auto rows = write_store(dir.path());
  {
    // Two readers at once; a writer opens beside them, as they hold no lock once open.
    const customer_module first(read_only(dir.path()));
    const customer_module second(read_only(dir.path()));
    customer_module writer(on_disk(dir.path()));
    BOOST_CHECK(rows_of(first) == rows && rows_of(second) == rows && rows_of(writer) == rows);
    // A reader does not open a directory a writer holds.
    CUSTOMERDB_CHECK_ERROR(customer_module(read_only(dir.path())), error_code::io_error,
                           "Cannot lock " + dir.path().string() + ": another process is using it");
  }
}

BOOST_AUTO_TEST_SUITE_END()
