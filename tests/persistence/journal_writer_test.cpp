// The journal's fsync policies (persistence/src/journal_writer.cpp): with `always` concurrent
// commits share fsyncs (group commit) and each returns only once one covers it; with
// `everysec` commits do not wait for fsyncs; with `no` only closing syncs.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "persistence/support/faulty_file_system.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

struct fixture {
  temp_dir dir;
  std::shared_ptr<faulty_file_system> fs = std::make_shared<faulty_file_system>();

  module_options options(fsync_policy policy) {
    auto o = on_disk(dir.path(), policy);
    o.persistence.file_system = fs;
    return o;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(journal_writer)

BOOST_FIXTURE_TEST_CASE(always_groups_concurrent_commits, fixture) {
  fs->slow_syncs(5ms);  // a slow disk, so that commits arrive while a sync runs
  constexpr int threads = 4, per_thread = 15;
  {
    customer_module m(options(fsync_policy::always));
    const int before = fs->count(fs_op::sync, "journal");
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i)
          m.create(create_customer_dto{.email = fmt::format("{}-{}@x.y", t, i)});
      });
    }
    for (auto& w : workers) w.join();
    const int syncs = fs->count(fs_op::sync, "journal") - before;
    BOOST_TEST_MESSAGE(threads * per_thread << " commits, " << syncs << " journal fsyncs");
    BOOST_CHECK_GE(syncs, 1);
    BOOST_CHECK_LT(syncs, threads * per_thread * 3 / 4);  // shared
  }
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK_EQUAL(again.list({}, {.take = 1000}).size(),
                    static_cast<std::size_t>(threads * per_thread));
}

// A snapshot removes the journal file before it only once the journal has closed that file:
// removing a closed file frees its blocks there and then, in the snapshot, whereas closing a
// removed file frees them at the close, which would fall to a commit's sync (a 400 ms stall
// after a snapshot of a large import) or, with `no`, to nothing before the store closes.
BOOST_FIXTURE_TEST_CASE(a_journal_file_is_closed_before_a_snapshot_removes_it, fixture) {
  for (const auto policy : {fsync_policy::always, fsync_policy::everysec, fsync_policy::no}) {
    BOOST_TEST_CONTEXT("fsync " << static_cast<int>(policy)) {
      temp_dir here;
      const auto files = std::make_shared<faulty_file_system>();
      auto o = on_disk(here.path(), policy);
      o.persistence.file_system = files;
      customer_module m(o);
      m.create(create_customer_dto{.first_name = "x"});
      m.snapshot();
      const auto first = files->history("journal-00000000000000000001.log");
      const auto closed = std::find(first.begin(), first.end(), fs_op::close);
      const auto removed = std::find(first.begin(), first.end(), fs_op::remove);
      BOOST_REQUIRE(removed != first.end());
      BOOST_TEST((closed < removed), "closed after it was removed, or not at all");
      m.create(create_customer_dto{.first_name = "y"});  // nothing left to close
      BOOST_TEST(files->history("journal-00000000000000000001.log").size() == first.size());
    }
  }
}

BOOST_FIXTURE_TEST_CASE(always_waits_for_its_fsync, fixture) {
  customer_module m(options(fsync_policy::always));
  const int before = fs->count(fs_op::sync, "journal");
  for (int i = 0; i < 5; ++i) {
    m.create(create_customer_dto{.first_name = "x"});
    BOOST_CHECK_EQUAL(fs->count(fs_op::sync, "journal"), before + i + 1);  // one each, alone
  }
}

// Commits return while every fsync is held: none of them waits for one.
BOOST_FIXTURE_TEST_CASE(everysec_does_not_wait, fixture) {
  customer_module m(options(fsync_policy::everysec));
  const int before = fs->count(fs_op::sync, "journal");  // the new journal file's
  fs->hold_syncs(true);
  auto commits = std::async(std::launch::async, [&m] {
    for (int i = 0; i < 20; ++i) m.create(create_customer_dto{.first_name = "x"});
  });
  // A bound that only a commit waiting for the held fsync reaches (it would wait for ever).
  const bool returned = commits.wait_for(60s) == std::future_status::ready;
  fs->hold_syncs(false);
  BOOST_REQUIRE(returned);
  commits.get();
  // The background thread syncs within about a second.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (fs->count(fs_op::sync, "journal") == before &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  BOOST_CHECK_GT(fs->count(fs_op::sync, "journal"), before);
}

BOOST_FIXTURE_TEST_CASE(no_syncs_only_at_close, fixture) {
  {
    customer_module m(options(fsync_policy::no));
    for (int i = 0; i < 20; ++i) m.create(create_customer_dto{.first_name = "x"});
    std::this_thread::sleep_for(1500ms);
    BOOST_CHECK_EQUAL(fs->count(fs_op::sync, "journal"), 0);
  }
  BOOST_CHECK_EQUAL(fs->count(fs_op::sync, "journal"), 1);  // the clean shutdown
}

BOOST_AUTO_TEST_SUITE_END()
