// Injected I/O failures (a failing write, fsync, rename, directory sync, a disk too full to set
// space aside): the commit or the snapshot fails with io_error, nothing acknowledged is lost,
// and a failed snapshot leaves the previous one in place (persistence/src/journal_writer.cpp,
// snapshot_writer.cpp).
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "customerdb/snapshot_file.hpp"
#include "persistence/support/faulty_file_system.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

std::string email(int i) { return "c" + std::to_string(i) + "@x.y"; }

struct fixture {
  temp_dir dir;
  std::shared_ptr<faulty_file_system> fs = std::make_shared<faulty_file_system>();

  module_options options(fsync_policy policy = fsync_policy::always) {
    auto o = on_disk(dir.path(), policy);
    o.persistence.file_system = fs;
    return o;
  }

  // Fails `op` on the journal (`always`) at the second commit: it fails with io_error, and so
  // does every later one (the kernel may have dropped the unsynced pages, or they were never
  // written: no later commit is trusted to the journal), while reads go on. Reopened, the store
  // has the acknowledged commit and not the third; nor the second when `failed_commit_cut` (its
  // record was cut off the file again).
  void check_failure_stops_writes(fs_op op, bool failed_commit_cut) {
    std::string acknowledged;
    {
      customer_module m(options());
      acknowledged = m.create(create_customer_dto{.email = email(1)}).id;
      fs->fail(op, "journal");
      check_io_error([&] { m.create(create_customer_dto{.email = email(2)}); });
      BOOST_CHECK_EQUAL(fs->failures(), 1);
      check_io_error([&] { m.create(create_customer_dto{.email = email(3)}); });
      BOOST_CHECK_EQUAL(m.list().size(), 2u);  // commit 2 is visible, unacknowledged
    }
    customer_module again(on_disk(dir.path()));
    BOOST_CHECK_NO_THROW(again.retrieve(acknowledged));
    if (failed_commit_cut) BOOST_CHECK(again.list(where("email") == email(2)).empty());
    BOOST_CHECK(again.list(where("email") == email(3)).empty());
    BOOST_CHECK_NO_THROW(again.create(create_customer_dto{.email = email(4)}));
  }

  // Expects `call` to throw io_error.
  template <class F>
  void check_io_error(F&& call) {
    bool thrown = false;
    try {
      call();
    } catch (const error& e) {
      thrown = true;
      BOOST_CHECK_EQUAL(to_string(e.code()), "io_error");
      BOOST_TEST_MESSAGE(e.what());
    }
    BOOST_CHECK_MESSAGE(thrown, "expected io_error");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(io_failures)

// With `everysec` (and `no`) a commit writes its record itself.
BOOST_FIXTURE_TEST_CASE(failed_journal_write_fails_the_commit_only, fixture) {
  std::vector<record> acknowledged;
  {
    customer_module m(options(fsync_policy::everysec));
    m.create(create_customer_dto{.email = email(1)});
    fs->fail(fs_op::write, "journal");
    check_io_error([&] { m.create(create_customer_dto{.email = email(2)}); });
    BOOST_CHECK_EQUAL(fs->failures(), 1);
    // Nothing of the failed commit is visible, and the next commits work.
    BOOST_CHECK(m.list(where("email") == email(2)).empty());
    BOOST_CHECK_EQUAL(m.stats().sequence, 1u);
    m.create(create_customer_dto{.email = email(3)});
    auto tx = m.begin_transaction();
    m.create(create_customer_dto{.email = email(4)}, tx);
    fs->fail(fs_op::write, "journal");
    check_io_error([&] { m.commit(tx); });
    BOOST_CHECK(m.list(where("email") == email(4)).empty());
    acknowledged = rows_of(m);
  }
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == acknowledged);
  BOOST_CHECK_EQUAL(again.list().size(), 2u);
}

// With `always` a commit sets aside the space of its record when it appends it (a megabyte at a
// time: the first commit after the journal is opened does), and the sync writes it: a full disk
// fails the commit alone, as a failed write does under `everysec`.
BOOST_FIXTURE_TEST_CASE(a_disk_too_full_for_the_record_fails_the_commit_only, fixture) {
  std::vector<record> acknowledged;
  {
    customer_module m(options());
    fs->fail(fs_op::reserve, "journal");
    check_io_error([&] { m.create(create_customer_dto{.email = email(1)}); });
    BOOST_CHECK_EQUAL(fs->failures(), 1);
    BOOST_CHECK(m.list(where("email") == email(1)).empty());
    BOOST_CHECK_EQUAL(m.stats().sequence, 0u);
    m.create(create_customer_dto{.email = email(2)});  // sets the space aside
    BOOST_CHECK_EQUAL(fs->count(fs_op::reserve, "journal"), 2);
    m.create(create_customer_dto{.email = email(3)});  // within it
    BOOST_CHECK_EQUAL(fs->count(fs_op::reserve, "journal"), 2);
  }
  {
    customer_module m(options());  // continues the journal file: sets space aside again
    auto tx = m.begin_transaction();
    m.create(create_customer_dto{.email = email(4)}, tx);
    fs->fail(fs_op::reserve, "journal");
    check_io_error([&] { m.commit(tx); });
    BOOST_CHECK(m.list(where("email") == email(4)).empty());
    m.create(create_customer_dto{.email = email(5)});
    acknowledged = rows_of(m);
  }
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == acknowledged);
  BOOST_CHECK_EQUAL(again.list().size(), 3u);
}

// With `always` the sync writes the records kept for it: when that write fails (not for want of
// space, which was set aside), whether they reached the disk is as unknown as after a failed
// fsync, and the journal stops as it does then.
BOOST_FIXTURE_TEST_CASE(failed_write_of_a_sync_fails_its_commits_and_stops_writes, fixture) {
  check_failure_stops_writes(fs_op::write, true);
}

BOOST_FIXTURE_TEST_CASE(failed_fsync_fails_the_commit_and_stops_writes, fixture) {
  check_failure_stops_writes(fs_op::sync, false);
}

BOOST_FIXTURE_TEST_CASE(failed_snapshot_leaves_the_previous_one, fixture) {
  std::vector<record> acknowledged;
  {
    customer_module m(options(fsync_policy::everysec));
    m.create(create_customer_dto{.email = email(1)});
    const snapshot_info first = m.snapshot();
    for (const auto op : {fs_op::write, fs_op::sync, fs_op::rename, fs_op::create}) {
      m.create(create_customer_dto{.email = email(10 + static_cast<int>(op))});
      fs->fail(op, "snapshot");
      check_io_error([&] { m.snapshot(); });
      BOOST_CHECK_EQUAL(fs->failures(), 1);
      fs->reset();
      BOOST_TEST(files_in(dir.path(), "snapshot") ==
                     std::vector<std::string>{first.path.filename().string()},
                 boost::test_tools::per_element());
      BOOST_CHECK_EQUAL(verify_snapshot(first.path).sequence, first.sequence);
      BOOST_CHECK_EQUAL(m.stats().last_snapshot_sequence.value_or(0), first.sequence);
    }
    m.create(create_customer_dto{.email = email(99)});
    acknowledged = rows_of(m);
  }
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == acknowledged);
}

// An import written to a snapshot instead of the journal (import_options::
// snapshot_instead_of_journal) whose snapshot fails stays applied, and is durable once a later
// snapshot succeeds; until then, reopening the directory is refused and names the import.
BOOST_FIXTURE_TEST_CASE(failed_snapshot_of_an_import_is_refused_until_a_snapshot_covers_it,
                        fixture) {
  const auto import_one = [&](customer_module& m, const std::string& id) {
    staged_rows rows;
    rows.add(customer_record{.id = id, .email = id + "@x.y"});
    import_options options;
    options.snapshot_instead_of_journal = true;
    m.import_rows(std::move(rows), options);
  };
  std::vector<record> acknowledged;
  {
    customer_module m(options());
    m.create(create_customer_dto{.email = email(1)});
    fs->fail(fs_op::rename, "snapshot");
    check_io_error([&] { import_one(m, "cus_imported"); });
    BOOST_CHECK_EQUAL(m.retrieve("cus_imported").email.value_or(""), "cus_imported@x.y");
    BOOST_CHECK_EQUAL(m.stats().sequence, 2u);
  }
  const auto journal = dir.path() / "journal-00000000000000000001.log";
  CUSTOMERDB_CHECK_ERROR(customer_module(on_disk(dir.path())), error_code::corruption,
                         fmt::format("Journal {} is corrupt at offset {}: commit 2 is an import "
                                     "whose rows only a snapshot holds, and no snapshot of commit "
                                     "2 or later loads",
                                     journal.string(), journal_offset_of(journal, 2)));
  // With the snapshot in place the import is there, written once.
  temp_dir other;
  {
    customer_module m(on_disk(other.path()));
    m.create(create_customer_dto{.email = email(1)});
    import_one(m, "cus_imported");
    acknowledged = rows_of(m);
    BOOST_TEST(files_in(other.path(), "snapshot") ==
                   std::vector<std::string>{"snapshot-00000000000000000002.snap"},
               boost::test_tools::per_element());
  }
  customer_module again(on_disk(other.path()));
  BOOST_CHECK(rows_of(again) == acknowledged);
  BOOST_CHECK_EQUAL(again.retrieve("cus_imported").email.value_or(""), "cus_imported@x.y");
}

BOOST_FIXTURE_TEST_CASE(failed_directory_sync_after_rename, fixture) {
  customer_module m(options());
  m.create(create_customer_dto{.email = email(1)});
  fs->fail(fs_op::sync_directory);
  // The file is in place but its name may not be durable: the call reports the failure.
  check_io_error([&] { m.snapshot(); });
  fs->heal();
  m.create(create_customer_dto{.email = email(2)});
  BOOST_CHECK_EQUAL(m.snapshot().sequence, 2u);
}

BOOST_FIXTURE_TEST_CASE(failed_journal_rotation_fails_the_snapshot, fixture) {
  customer_module m(options());
  m.create(create_customer_dto{.email = email(1)});
  fs->fail(fs_op::create, "journal");
  check_io_error([&] { m.snapshot(); });
  fs->heal();
  m.create(create_customer_dto{.email = email(2)});
  BOOST_CHECK_EQUAL(m.snapshot().sequence, 2u);
  const std::vector<record> acknowledged = rows_of(m);
  m.create(create_customer_dto{.email = email(3)});
}

BOOST_FIXTURE_TEST_CASE(failed_open_changes_nothing, fixture) {
  fs->fail(fs_op::create, "journal");
  check_io_error([&] { customer_module m(options()); });
  BOOST_CHECK(files_in(dir.path()).empty());
}

// A crash right after a snapshot can leave the journal file that follows it without even its
// header (the file's creation is durable, its bytes not yet). The next open starts that file
// again in place instead of removing it first: when starting it fails (as a crash would stop
// it), the directory still holds the file the snapshot requires, and the next open succeeds.
BOOST_FIXTURE_TEST_CASE(failed_open_keeps_a_headerless_journal_file_after_a_snapshot, fixture) {
  std::vector<record> acknowledged;
  {
    customer_module m(options());
    m.create(create_customer_dto{.email = email(1)});
    m.snapshot();  // 1
    m.create(create_customer_dto{.email = email(2)});
    m.snapshot();  // 2
    acknowledged = rows_of(m);
  }
  const auto next = dir.path() / "journal-00000000000000000003.log";
  write_bytes(next, std::string(10, '\0'));
  fs->fail(fs_op::create, "journal");
  check_io_error([&] { customer_module m(options()); });
  BOOST_CHECK_EQUAL(fs->failures(), 1);
  BOOST_TEST(files_in(dir.path(), "journal") ==
                 (std::vector<std::string>{"journal-00000000000000000002.log",
                                           "journal-00000000000000000003.log"}),
             boost::test_tools::per_element());
  customer_module m(options());
  BOOST_CHECK(rows_of(m) == acknowledged);
  BOOST_CHECK_EQUAL(std::filesystem::file_size(next), 32u);  // started again: a header
}

BOOST_FIXTURE_TEST_CASE(everysec_fsync_failure_stops_later_commits, fixture) {
  customer_module m(options(fsync_policy::everysec));
  m.create(create_customer_dto{.email = email(1)});
  fs->fail(fs_op::sync, "journal", -1);
  m.create(create_customer_dto{.email = email(2)});  // appended; the background fsync fails
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool failed = false;
  while (!failed && std::chrono::steady_clock::now() < deadline) {
    try {
      m.create(create_customer_dto{.first_name = "probe"});
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } catch (const error& e) {
      failed = e.code() == error_code::io_error;
    }
  }
  BOOST_CHECK(failed);
  fs->heal();
}

BOOST_AUTO_TEST_SUITE_END()
