// Concurrency stress tests of customer_module: writers run random operations (auto-commit and
// in transactions, committed, rolled back or lost to a conflict) while readers check invariants
// on what single calls return; afterwards the final state must equal the replay of the
// operations that succeeded.
//
// Iterations per thread: CUSTOMERDB_STRESS_ITERATIONS (default below). Seeds are fixed per
// thread, so each thread's choices are reproducible given the outcomes it observes. Debug builds
// check Boost.MultiIndex invariants on every write (O(table size)), so the cost grows with the
// square of the iterations: the default keeps a Debug run to a few seconds and a
// ThreadSanitizer run well under a minute.
//
// Boost.Test assertions are not thread-safe: worker threads record failures in a `failures`
// list that the main thread checks after joining. The invariants and the writers and readers
// are in engine/stress/.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <latch>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/stress/workload.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;
using namespace customerdb::testing::stress;

constexpr int default_iterations = 500;

int iterations() {
  if (const char* s = std::getenv("CUSTOMERDB_STRESS_ITERATIONS")) {
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    if (end != s && *end == '\0' && v > 0 && v < 1000000) return static_cast<int>(v);
  }
  return default_iterations;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stress)

BOOST_AUTO_TEST_CASE(random_writers_and_checking_readers) {
  const int n = iterations();
  customer_module m;
  shared_ids ids;
  ids.counter = m.create(dto{.email = "counter@s.io", .metadata = metadata{{"n", 0}}}).id;
  ids.hot = m.create(dto{.email = "hot@s.io"}).id;
  for (int i = 0; i < 3; ++i)
    ids.groups.push_back(m.create_customer_group({.name = "shared" + std::to_string(i)}).id);

  failures f;
  std::vector<writer> writers;
  std::vector<reader> readers;
  writers.reserve(writer_count);
  readers.reserve(reader_count);
  for (int i = 0; i < writer_count; ++i) writers.emplace_back(m, ids, f, i, n);
  for (int i = 0; i < reader_count; ++i) readers.emplace_back(m, ids, f, i, n);

  const auto start = std::chrono::steady_clock::now();
  {
    std::latch go(writer_count + reader_count);
    std::vector<std::jthread> threads;
    for (auto& w : writers)
      threads.emplace_back([&go, p = &w] {
        go.arrive_and_wait();
        p->run();
      });
    for (auto& r : readers)
      threads.emplace_back([&go, p = &r] {
        go.arrive_and_wait();
        p->run();
      });
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);

  // Invariants on the final state.
  check_all(m, context{}, f);
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());

  // The counter: exactly the number of increments.
  writer_stats total;
  for (const auto& w : writers) {
    const auto& s = w.stats();
    total.increments += s.increments;
    total.counter_conflicts += s.counter_conflicts;
    total.unique_errors += s.unique_errors;
    total.commit_unique_errors += s.commit_unique_errors;
    total.default_errors += s.default_errors;
    total.tx_commits += s.tx_commits;
    total.tx_conflicts += s.tx_conflicts;
    total.tx_rollbacks += s.tx_rollbacks;
    total.expired += s.expired;
  }
  BOOST_CHECK_EQUAL(counter_value(m.retrieve(ids.counter)), total.increments);

  // The replay: the union of what each writer owns is exactly what the module holds.
  std::map<std::string, owned_state::customer_info> customers;
  std::map<std::string, owned_state::address_info> addresses;
  std::vector<std::pair<std::string, std::string>> memberships;
  std::map<std::string, bool> groups;
  for (const auto& w : writers) {
    const auto& s = w.state();
    customers.insert(s.customers.begin(), s.customers.end());
    addresses.insert(s.addresses.begin(), s.addresses.end());
    memberships.insert(memberships.end(), s.memberships.begin(), s.memberships.end());
    groups.insert(s.groups.begin(), s.groups.end());
  }
  customers[ids.counter] = {"counter@s.io", false, false};
  customers[ids.hot] = {"hot@s.io", false, false};
  for (const auto& g : ids.groups) groups[g] = false;

  const auto final_customers =
      m.list({}, {.relations = {"addresses"}, .take = customerdb::null, .with_deleted = true});
  std::vector<std::string> expected_customer_ids;
  for (const auto& [id, info] : customers) expected_customer_ids.push_back(id);
  BOOST_TEST(ids_of(final_customers) == expected_customer_ids);
  for (const auto& c : final_customers) {
    const auto it = customers.find(c.id);
    if (it == customers.end()) continue;
    BOOST_TEST_CONTEXT("customer " << c.id) {
      BOOST_CHECK_EQUAL(c.email, it->second.email);
      BOOST_CHECK_EQUAL(c.has_account, it->second.has_account);
      BOOST_CHECK_EQUAL(c.deleted_at.has_value(), it->second.deleted);
      std::optional<std::string> shipping, billing;
      for (const auto& [aid, a] : addresses) {
        if (a.customer_id != c.id) continue;
        if (a.shipping) shipping = aid;
        if (a.billing) billing = aid;
      }
      BOOST_CHECK_EQUAL(c.default_shipping_address_id, shipping);
      BOOST_CHECK_EQUAL(c.default_billing_address_id, billing);
    }
  }

  const auto final_addresses = m.list_addresses({}, all);
  std::vector<std::string> expected_address_ids;
  for (const auto& [id, info] : addresses) expected_address_ids.push_back(id);
  BOOST_TEST(ids_of(final_addresses) == expected_address_ids);
  for (const auto& a : final_addresses) {
    const auto it = addresses.find(a.id);
    if (it == addresses.end()) continue;
    BOOST_TEST_CONTEXT("address " << a.id) {
      BOOST_CHECK_EQUAL(a.customer_id, it->second.customer_id);
      BOOST_CHECK_EQUAL(a.is_default_shipping, it->second.shipping);
      BOOST_CHECK_EQUAL(a.is_default_billing, it->second.billing);
    }
  }

  std::vector<std::pair<std::string, std::string>> final_memberships;
  for (const auto& r : m.list_customer_group_customers({}, all))
    final_memberships.emplace_back(r.customer_id, r.customer_group_id);
  std::sort(final_memberships.begin(), final_memberships.end());
  std::sort(memberships.begin(), memberships.end());
  BOOST_CHECK_EQUAL(final_memberships.size(), memberships.size());
  BOOST_CHECK_MESSAGE(final_memberships == memberships, "memberships differ from the replay");

  const auto final_groups = m.list_customer_groups({}, all_with_deleted);
  std::vector<std::string> expected_group_ids;
  for (const auto& [id, deleted] : groups) expected_group_ids.push_back(id);
  BOOST_TEST(ids_of(final_groups) == expected_group_ids);
  for (const auto& g : final_groups) {
    const auto it = groups.find(g.id);
    if (it != groups.end()) BOOST_CHECK_EQUAL(g.deleted_at.has_value(), it->second);
  }

  // Counts agree across calls once nothing moves.
  BOOST_CHECK_EQUAL(m.list_and_count({}, {}).second, m.list({}, all).size());
  BOOST_CHECK_EQUAL(m.list_and_count_addresses({}, {}).second, final_addresses.size());
  BOOST_CHECK_EQUAL(m.list_and_count_customer_groups({}, {}).second,
                    m.list_customer_groups({}, all).size());

  int reader_checks = 0;
  for (const auto& r : readers) reader_checks += r.checks();
  BOOST_TEST_MESSAGE(
      "stress: " << n << " iterations x " << writer_count << " writers, " << reader_count
                 << " readers in " << elapsed.count() << " ms; " << total.increments
                 << " increments (" << total.counter_conflicts << " conflicts), "
                 << total.tx_commits << " tx commits, " << total.tx_conflicts << " tx conflicts, "
                 << total.tx_rollbacks << " rollbacks, " << total.unique_errors
                 << " unique errors, " << total.commit_unique_errors << " unique errors at commit, "
                 << total.default_errors << " default-address errors, " << total.expired
                 << " expired, " << reader_checks << " reader checks; final "
                 << final_customers.size() << " customers, " << final_addresses.size()
                 << " addresses, " << final_memberships.size() << " memberships");
}

// Rounds in which every thread writes the same customer, waits until all have written, then
// commits: exactly one commit per round wins, the others fail with the exact conflict.
BOOST_AUTO_TEST_CASE(racing_commits_on_one_row_have_one_winner) {
  constexpr int thread_count = 4;
  const int rounds = std::max(5, iterations() / 10);
  customer_module m;
  const auto c = m.create(dto{.email = "race@s.io"}).id;
  const std::string expected =
      "Transaction conflict: Customer with id: " + c + " was changed by another transaction";

  failures f;
  std::vector<std::atomic<int>> wins(rounds);
  std::vector<std::atomic<int>> losses(rounds);
  std::barrier sync(thread_count);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < thread_count; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < rounds; ++r) {
          bool arrived = false;  // a failure before the first barrier must not hang the others
          try {
            context tx = m.begin_transaction();
            m.update(c, {.first_name = "t" + std::to_string(t) + "r" + std::to_string(r)}, tx);
            m.create(dto{.email = "t" + std::to_string(t) + "r" + std::to_string(r) + "@s.io"}, tx);
            arrived = true;
            sync.arrive_and_wait();  // everybody wrote before anybody commits
            try {
              m.commit(tx);
              ++wins[r];
            } catch (const error& e) {
              if (e.code() != error_code::conflict || e.what() != expected)
                f.add(std::string("unexpected commit error: ") + e.what());
              ++losses[r];
            }
          } catch (const std::exception& e) {
            f.add(std::string("unexpected exception: ") + e.what());
          }
          if (!arrived) sync.arrive_and_wait();
          sync.arrive_and_wait();  // the round is over
        }
      });
    }
  }
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());
  int total_wins = 0;
  for (int r = 0; r < rounds; ++r) {
    BOOST_TEST_CONTEXT("round " << r) {
      BOOST_CHECK_EQUAL(wins[r].load(), 1);
      BOOST_CHECK_EQUAL(losses[r].load(), thread_count - 1);
    }
    total_wins += wins[r].load();
  }
  // Only the winners' other writes were applied: one created customer per round.
  BOOST_CHECK_EQUAL(m.list({}, all).size(), static_cast<std::size_t>(1 + total_wins));
}

// Rounds in which every thread creates a customer with the same e-mail in its own transaction;
// the unique rule is checked again at commit, so exactly one commit per round wins.
BOOST_AUTO_TEST_CASE(racing_creates_of_one_email_have_one_winner) {
  constexpr int thread_count = 4;
  const int rounds = std::max(5, iterations() / 10);
  customer_module m;

  failures f;
  std::vector<std::atomic<int>> wins(rounds);
  std::barrier sync(thread_count);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < thread_count; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < rounds; ++r) {
          const std::string email = "round" + std::to_string(r) + "@s.io";
          bool arrived = false;
          try {
            context tx = m.begin_transaction();
            m.create(dto{.email = email, .first_name = "t" + std::to_string(t)}, tx);
            m.create_customer_group(
                {.name = "round" + std::to_string(r) + "-t" + std::to_string(t)}, tx);
            arrived = true;
            sync.arrive_and_wait();
            try {
              m.commit(tx);
              ++wins[r];
            } catch (const error& e) {
              const std::string expected =
                  "Customer with email: " + email + ", has_account: false, already exists.";
              if (e.code() != error_code::invalid_data || e.what() != expected)
                f.add(std::string("unexpected commit error: ") + e.what());
            }
          } catch (const std::exception& e) {
            f.add(std::string("unexpected exception: ") + e.what());
          }
          if (!arrived) sync.arrive_and_wait();
          sync.arrive_and_wait();
        }
      });
    }
  }
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());
  for (int r = 0; r < rounds; ++r) {
    BOOST_TEST_CONTEXT("round " << r) {
      BOOST_CHECK_EQUAL(wins[r].load(), 1);
      BOOST_CHECK_EQUAL(m.list(where("email") == "round" + std::to_string(r) + "@s.io").size(), 1u);
    }
  }
  // The losers' groups were not applied either.
  BOOST_CHECK_EQUAL(m.list_customer_groups({}, all).size(), static_cast<std::size_t>(rounds));
}

// One transaction used from several threads at once, directly and through joined contexts:
// calls are serialized, every write lands in the transaction, nothing shows before the commit.
BOOST_AUTO_TEST_CASE(one_transaction_shared_by_several_threads) {
  constexpr int thread_count = 4;
  const int per_thread = std::max(10, iterations() / 8);
  customer_module m;
  context tx = m.begin_transaction();

  failures f;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < thread_count; ++t) {
      threads.emplace_back([&, t] {
        const context joined = m.begin_transaction(tx);
        const context& use = t % 2 ? joined : tx;
        try {
          std::size_t mine = 0;
          for (int i = 0; i < per_thread; ++i) {
            const auto c =
                m.create(dto{.email = "t" + std::to_string(t) + "-" + std::to_string(i) + "@s.io",
                             .addresses = address_list{{.is_default_shipping = true}}},
                         use);
            ++mine;
            if (m.retrieve(c.id, {}, use).default_shipping_address_id != c.addresses->front().id)
              f.add("a transaction's own address is not the default");
            const auto count = m.list_and_count({}, {}, use).second;
            if (count < mine) f.add("the transaction lost a write");
            if (!m.list({}, {}, context{}).empty()) f.add("a write showed before the commit");
          }
        } catch (const std::exception& e) {
          f.add(std::string("unexpected exception: ") + e.what());
        }
      });
    }
  }
  BOOST_CHECK_MESSAGE(f.count() == 0, f.count() << " failures:" << f.summary());
  const auto expected = static_cast<std::size_t>(thread_count * per_thread);
  BOOST_CHECK_EQUAL(m.list_and_count({}, {}, tx).second, expected);
  BOOST_CHECK(m.list().empty());
  m.commit(tx);
  BOOST_CHECK_EQUAL(m.list_and_count().second, expected);
  BOOST_CHECK_EQUAL(m.list_and_count_addresses().second, expected);
}

// Writers are not starved by a steady stream of overlapping reads (a reader-preferring latch
// let 100 writes take minutes under 3 readers). Bounded: the readers stop after a hard cap, so
// a failure never hangs.
BOOST_AUTO_TEST_CASE(writes_progress_under_continuous_reads) {
  customer_module m;
  for (int i = 0; i < 50; ++i) m.create(dto{.email = "seed" + std::to_string(i) + "@s.io"});
  const auto id = m.list(where("email") == "seed1@s.io").front().id;
  const int reader_threads =
      static_cast<int>(std::max(3u, std::thread::hardware_concurrency() + 1));
  const auto hard_cap = std::chrono::steady_clock::now() + std::chrono::seconds(30);

  std::atomic<bool> stop{false};
  std::chrono::milliseconds elapsed{};
  {
    std::vector<std::jthread> readers;
    for (int r = 0; r < reader_threads; ++r)
      readers.emplace_back([&] {
        while (!stop && std::chrono::steady_clock::now() < hard_cap) (void)m.list_and_count();
      });
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) m.update(id, {.first_name = std::to_string(i)});
    elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    stop = true;
  }
  // Uncontended, 100 writes take a few milliseconds even in a ThreadSanitizer build.
  BOOST_CHECK_MESSAGE(elapsed < std::chrono::seconds(10),
                      "100 writes took " << elapsed.count() << " ms under " << reader_threads
                                         << " continuous readers");
}

BOOST_AUTO_TEST_SUITE_END()
