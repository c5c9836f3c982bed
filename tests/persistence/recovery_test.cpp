// A module on a data directory: reopening recovers every commit (journal only, snapshot and
// journal), snapshots on demand, in the background and at close, keeping N snapshots and
// removing covered journal files, the directory lock, and a snapshot's consistent cut while
// commits run (persistence/src/durable_store.cpp, recovery.cpp; engine/src/snapshots.cpp).
#include <fmt/format.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "customerdb/customerdb.hpp"
#include "customerdb/snapshot_file.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace std::chrono_literals;

// A few rows of every table through the service methods.
void fill(customer_module& m, const std::string& tag) {
  const auto c = m.create(create_customer_dto{
      .email = tag + "@x.y", .metadata = metadata{{"tag", tag}}, .addresses = {{{.city = tag}}}});
  const auto g = m.create_customer_group(create_customer_group_dto{.name = tag});
  m.add_customer_to_group({.customer_id = c.id, .customer_group_id = g.id});
  const auto gone = m.create(create_customer_dto{.first_name = "gone"});
  m.delete_customers(gone.id);
  m.soft_delete(m.create(create_customer_dto{.first_name = "soft"}).id);
  // Medusa v2's soft delete: the customer and, with it, its address (an address's deleted_at).
  const auto v2 = m.create(create_customer_dto{.first_name = "v2", .addresses = {{{.city = tag}}}});
  m.v2().soft_delete_customers(std::vector<std::string>{v2.id});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(recovery)

BOOST_AUTO_TEST_CASE(in_memory_touches_no_disk) {
  customer_module m;
  m.create(create_customer_dto{.email = "a@b.c"});
  CUSTOMERDB_CHECK_ERROR(m.snapshot(), error_code::invalid_data, "Snapshots need a data directory");
  BOOST_CHECK(!m.stats().last_snapshot_sequence);
}

BOOST_AUTO_TEST_CASE(journal_alone_recovers_every_commit) {
  temp_dir dir;
  std::vector<record> before;
  std::uint64_t sequence = 0;
  {
    customer_module m(on_disk(dir.path()));
    fill(m, "one");
    fill(m, "two");
    before = rows_of(m);
    sequence = m.stats().sequence;
  }
  BOOST_TEST(files_in(dir.path(), "snapshot").empty());
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == before);
  BOOST_CHECK_EQUAL(again.stats().sequence, sequence);
  // Commits go on from there, and survive another reopen.
  fill(again, "three");
  before = rows_of(again);
}

BOOST_AUTO_TEST_CASE(snapshot_then_journal) {
  temp_dir dir;
  std::vector<record> before;
  snapshot_info info;
  {
    customer_module m(on_disk(dir.path(), fsync_policy::everysec));
    fill(m, "one");
    info = m.snapshot();
    BOOST_CHECK_EQUAL(info.sequence, m.stats().sequence);
    BOOST_CHECK(std::filesystem::exists(info.path));
    BOOST_CHECK_EQUAL(info.bytes, std::filesystem::file_size(info.path));
    BOOST_CHECK_EQUAL(m.stats().last_snapshot_sequence.value_or(0), info.sequence);
    BOOST_CHECK(m.stats().last_snapshot_at.has_value());
    // Nothing new: the same snapshot.
    BOOST_CHECK_EQUAL(m.snapshot().path, info.path);
    fill(m, "two");
    before = rows_of(m);
  }
  const auto header = verify_snapshot(info.path);
  BOOST_CHECK_EQUAL(header.sequence, info.sequence);
  BOOST_CHECK_EQUAL(header.customers, 3u);  // one hard-deleted
  BOOST_CHECK_EQUAL(header.customer_groups, 1u);
  BOOST_CHECK_EQUAL(header.customer_addresses, 2u);  // one soft-deleted
  BOOST_CHECK_EQUAL(header.customer_group_customers, 1u);

  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == before);
  BOOST_CHECK_EQUAL(again.stats().last_snapshot_sequence.value_or(0), info.sequence);
}

BOOST_AUTO_TEST_CASE(keeps_n_snapshots_and_removes_covered_journals) {
  temp_dir dir;
  auto options = on_disk(dir.path(), fsync_policy::no);
  options.persistence.keep_snapshots = 2;
  std::vector<record> before;
  {
    customer_module m(options);
    for (int i = 0; i < 4; ++i) {
      fill(m, fmt::format("round{}", i));
      m.snapshot();
    }
    fill(m, "last");
    before = rows_of(m);
  }
  const auto snapshots = files_in(dir.path(), "snapshot");
  BOOST_REQUIRE_EQUAL(snapshots.size(), 2u);
  // Journals from the older kept snapshot on: the one after each kept snapshot.
  const auto journals = files_in(dir.path(), "journal");
  BOOST_CHECK_EQUAL(journals.size(), 2u);
  customer_module again(options);
  BOOST_CHECK(rows_of(again) == before);
}

BOOST_AUTO_TEST_CASE(final_snapshot_on_close) {
  temp_dir dir;
  auto options = on_disk(dir.path());
  options.persistence.snapshot_on_close = true;
  std::uint64_t sequence = 0;
  {
    customer_module m(options);
    fill(m, "one");
    sequence = m.stats().sequence;
  }
  const auto snapshots = files_in(dir.path(), "snapshot");
  BOOST_REQUIRE_EQUAL(snapshots.size(), 1u);
  BOOST_CHECK_EQUAL(read_snapshot_info(dir.path() / snapshots[0]).sequence, sequence);
}

BOOST_AUTO_TEST_CASE(background_snapshot_after_n_commits) {
  temp_dir dir;
  auto options = on_disk(dir.path(), fsync_policy::no);
  options.persistence.snapshot_every_commits = 5;
  customer_module m(options);
  for (int i = 0; i < 6; ++i) m.create(create_customer_dto{.first_name = "x"});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!m.stats().last_snapshot_sequence && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  BOOST_REQUIRE(m.stats().last_snapshot_sequence);
  BOOST_CHECK_GE(*m.stats().last_snapshot_sequence, 5u);
}

BOOST_AUTO_TEST_CASE(background_snapshot_on_timer) {
  temp_dir dir;
  auto options = on_disk(dir.path(), fsync_policy::no);
  options.persistence.snapshot_interval = 1s;
  customer_module m(options);
  m.create(create_customer_dto{.first_name = "x"});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!m.stats().last_snapshot_sequence && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  BOOST_CHECK_EQUAL(m.stats().last_snapshot_sequence.value_or(0), 1u);
}

BOOST_AUTO_TEST_CASE(one_module_per_directory) {
  temp_dir dir;
  customer_module m(on_disk(dir.path()));
  bool thrown = false;
  try {
    customer_module other(on_disk(dir.path()));
  } catch (const error& e) {
    thrown = true;
    BOOST_CHECK_EQUAL(to_string(e.code()), "io_error");
    BOOST_CHECK_EQUAL(std::string(e.what()),
                      "Cannot lock " + dir.path().string() + ": another process is using it");
  }
  BOOST_CHECK(thrown);
}

BOOST_AUTO_TEST_CASE(missing_directory_is_created) {
  temp_dir dir;
  const auto nested = dir.path() / "a" / "b";
  {
    customer_module m(on_disk(nested));
    m.create(create_customer_dto{.email = "a@b.c"});
  }
  customer_module again(on_disk(nested));
  BOOST_CHECK_EQUAL(again.list().size(), 1u);
}

// Opening reports the snapshot's rows loaded, then the journal's commits replayed.
BOOST_AUTO_TEST_CASE(open_reports_its_progress) {
  temp_dir dir;
  std::uint64_t rows = 0;
  {
    customer_module m(on_disk(dir.path()));
    fill(m, "one");
    m.snapshot();
    const auto s = m.stats();
    rows = s.customers + s.customer_groups + s.customer_addresses + s.customer_group_customers;
    fill(m, "two");  // 9 commits
    fill(m, "three");
  }
  std::vector<std::string> phases;
  std::vector<std::uint64_t> done;
  std::vector<std::uint64_t> totals;
  auto options = on_disk(dir.path());
  options.open_progress = [&](const progress_report& p) {
    if (phases.empty() || phases.back() != p.phase) {
      phases.emplace_back(p.phase);
      done.push_back(0);
      totals.push_back(0);
    }
    BOOST_CHECK_GE(p.done, done.back());
    done.back() = p.done;
    totals.back() = p.total;
  };
  customer_module again(options);
  BOOST_TEST(phases == (std::vector<std::string>{"snapshot", "journal"}),
             boost::test_tools::per_element());
  // Two fills of 9 commits each after the snapshot.
  BOOST_TEST(done == (std::vector<std::uint64_t>{rows, 18}), boost::test_tools::per_element());
  BOOST_TEST(totals == (std::vector<std::uint64_t>{rows, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(import_is_journaled) {
  temp_dir dir;
  std::vector<record> before;
  {
    customer_module m(on_disk(dir.path()));
    record_set rs;
    for (int i = 0; i < 50; ++i) {
      rs.customers.push_back({.id = fmt::format("cus_{:03}", i), .email = fmt::format("{}@x", i)});
      rs.customer_addresses.push_back(
          {.id = fmt::format("cuaddr_{:03}", i), .customer_id = fmt::format("cus_{:03}", i)});
    }
    m.import_records(rs);
    before = rows_of(m);
  }
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == before);
  BOOST_CHECK_EQUAL(again.stats().sequence, 1u);
}

// The only journal file in `dir` is journal-<sequence + 1>.log, and reopening `dir` gives the
// rows `after`.
void check_journal_follows(const temp_dir& dir, std::uint64_t sequence,
                           const std::vector<record>& after) {
  BOOST_TEST(files_in(dir.path(), "journal") ==
                 std::vector<std::string>{fmt::format("journal-{:020}.log", sequence + 1)},
             boost::test_tools::per_element());
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK(rows_of(again) == after);
}

// A snapshot taken while another thread commits holds exactly the store at its sequence: the
// snapshot alone (copied without the journal) loads to the state a model reaches after the same
// commits.
// A directory holding snapshots and no journal file at all (a snapshot restored on its own)
// opens as its newest snapshot, and the journal then starts after it.
BOOST_AUTO_TEST_CASE(snapshots_without_any_journal_file_load) {
  temp_dir dir;
  std::vector<record> at_snapshot;
  {
    customer_module m(on_disk(dir.path()));
    fill(m, "one");
    m.snapshot();
    fill(m, "two");
    m.snapshot();
    at_snapshot = rows_of(m);
  }
  for (const auto& name : files_in(dir.path(), "journal"))
    std::filesystem::remove(dir.path() / name);
  std::vector<record> after;
  std::uint64_t sequence = 0;
  {
    customer_module m(on_disk(dir.path()));
    BOOST_CHECK(rows_of(m) == at_snapshot);
    sequence = m.stats().sequence;
    fill(m, "three");
    after = rows_of(m);
  }
  check_journal_follows(dir, sequence, after);
}

// A snapshot taken after reopening, before any commit, while the journal file being continued
// holds commits, starts a journal file of its own: the commits after it are in
// journal-<its sequence + 1>.log, which recovery requires when the snapshot is the newest.
BOOST_AUTO_TEST_CASE(a_snapshot_after_reopening_starts_a_journal_file) {
  temp_dir dir;
  {
    customer_module m(on_disk(dir.path()));
    fill(m, "one");
  }
  std::vector<record> after;
  std::uint64_t sequence = 0;
  {
    customer_module m(on_disk(dir.path()));
    sequence = m.snapshot().sequence;
    fill(m, "two");
    after = rows_of(m);
  }
  check_journal_follows(dir, sequence, after);
}

BOOST_AUTO_TEST_CASE(snapshot_is_a_consistent_cut_under_commits) {
  constexpr int customers = 300;
  // Commit k (one commit each): updates, inserts, erases, and erase-then-re-add of rows the
  // snapshot may not have read yet.
  const auto op = [](customer_module& m, int k) {
    const auto id = fmt::format("cus_{:05}", (k * 7) % customers);
    switch (k % 4) {
      case 0:
        m.update(id, {.first_name = fmt::format("k{}", k)});
        break;
      case 1:
        m.create(create_customer_dto{.id = fmt::format("cus_new{:06}", k)});
        break;
      case 2:
        m.delete_customers(fmt::format("cus_new{:06}", k - 1));
        break;
      default: {
        auto tx = m.begin_transaction();
        m.delete_customers(id, tx);
        m.create(create_customer_dto{.id = id, .last_name = fmt::format("k{}", k)}, tx);
        m.commit(tx);
        break;
      }
    }
  };
  const auto seed = [&](customer_module& m) {
    record_set rs;
    for (int i = 0; i < customers; ++i)
      rs.customers.push_back({.id = fmt::format("cus_{:05}", i), .first_name = "seed"});
    m.import_records(rs);
  };
  manual_clock clock;
  temp_dir dir;
  auto options = on_disk(dir.path(), fsync_policy::no);
  options.clock = clock.function();
  customer_module m(options);
  seed(m);
  int next = 0;  // the next commit's k
  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> stop{false};
    std::atomic<int> done{0};
    std::thread writer([&] {
      for (int i = 0; !stop; ++i) {
        op(m, next + i);
        done = i + 1;
      }
    });
    while (done < 20) std::this_thread::yield();
    const snapshot_info info = m.snapshot();
    stop = true;
    writer.join();
    next += done;

    // The model: the seed (commit 1), then commits k = 0 ... up to the snapshot's sequence.
    customer_module model(module_options{.clock = clock.function()});
    seed(model);
    for (int k = 0; model.stats().sequence < info.sequence; ++k) op(model, k);
    BOOST_REQUIRE_EQUAL(model.stats().sequence, info.sequence);
    BOOST_TEST_MESSAGE("snapshot at " << info.sequence << " of " << next + 1 << " commits");

    temp_dir alone;
    std::filesystem::copy_file(info.path, alone.path() / info.path.filename());
    customer_module loaded(on_disk(alone.path()));
    BOOST_CHECK_EQUAL(loaded.stats().sequence, info.sequence);
    BOOST_CHECK(rows_of(loaded) == rows_of(model));
  }
}

BOOST_AUTO_TEST_SUITE_END()
