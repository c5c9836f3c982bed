// detail::write_combiner (engine/src/write_combiner.hpp), the engine's one writer at a time:
// work runs alone and in the order it was queued, returns its result or its exception to its
// own caller, queued work runs on the holder's thread (run) or its caller's (run_here), and a
// holder hands the combiner over after max_lists lists of others' work. The scenarios wait, in
// work, for the queue to hold what they started (queued()), never for time.
#include "write_combiner.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using customerdb::detail::write_combiner;

// Waits, in work, until `n` items are queued (threads that queue them were started before).
void until_queued(const write_combiner& c, std::size_t n = 1) {
  while (c.queued() < n) std::this_thread::yield();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(write_combiner_suite)

BOOST_AUTO_TEST_CASE(work_runs_alone_and_returns_its_result) {
  write_combiner c;
  constexpr int threads = 8, calls = 2000;
  long total = 0;  // not atomic: only work touches it
  std::atomic<bool> inside{false};
  std::atomic<int> overlaps{0}, wrong_results{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < calls; ++i) {
        const auto work = [&] {
          if (inside.exchange(true)) overlaps.fetch_add(1);
          ++total;
          inside.store(false);
          return t * calls + i;
        };
        const int r = (i % 16 == 0) ? c.run_here(work) : c.run(work);
        if (r != t * calls + i) wrong_results.fetch_add(1);
      }
    });
  for (auto& p : pool) p.join();
  BOOST_CHECK_EQUAL(total, long{threads} * calls);
  BOOST_CHECK_EQUAL(overlaps.load(), 0);
  BOOST_CHECK_EQUAL(wrong_results.load(), 0);
}

BOOST_AUTO_TEST_CASE(each_caller_gets_its_own_exception) {
  write_combiner c;
  constexpr int threads = 6, calls = 500;
  std::atomic<int> right{0}, wrong{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < calls; ++i) {
        const std::string mine = std::to_string(t) + "/" + std::to_string(i);
        try {
          c.run([&] {
            if (i % 3 == 0) throw std::runtime_error(mine);
          });
          (i % 3 == 0 ? wrong : right).fetch_add(1);
        } catch (const std::runtime_error& e) {
          (i % 3 == 0 && e.what() == mine ? right : wrong).fetch_add(1);
        }
      }
    });
  for (auto& p : pool) p.join();
  BOOST_CHECK_EQUAL(right.load(), threads * calls);
  BOOST_CHECK_EQUAL(wrong.load(), 0);
}

BOOST_AUTO_TEST_CASE(queued_work_runs_in_order_on_the_holders_thread) {
  write_combiner c;
  std::vector<std::string> ran;  // by work only
  std::thread::id b_ran_on, d_ran_on, e_ran_on;
  std::thread b, d, e;
  const auto holder = std::this_thread::get_id();
  c.run_here([&] {
    ran.push_back("a");
    b = std::thread([&] {
      c.run([&] {
        ran.push_back("b");
        b_ran_on = std::this_thread::get_id();
      });
    });
    until_queued(c, 1);
    d = std::thread([&] {
      c.run_here([&] {
        ran.push_back("d");
        d_ran_on = std::this_thread::get_id();
      });
    });
    until_queued(c, 2);
    e = std::thread([&] {
      c.run([&] {
        ran.push_back("e");
        e_ran_on = std::this_thread::get_id();
      });
    });
    until_queued(c, 3);
  });
  b.join();
  d.join();
  e.join();
  BOOST_TEST(ran == (std::vector<std::string>{"a", "b", "d", "e"}),
             boost::test_tools::per_element());
  BOOST_CHECK_EQUAL(b_ran_on, holder);    // run: on the holder's thread
  BOOST_CHECK(d_ran_on != holder);        // run_here: handed over to its own thread
  BOOST_CHECK_EQUAL(e_ran_on, d_ran_on);  // the work after it went with the combiner
}

BOOST_AUTO_TEST_CASE(a_holder_hands_over_after_max_lists) {
  static_assert(write_combiner::max_lists == 2);
  write_combiner c;
  const auto holder = std::this_thread::get_id();
  std::thread::id ran_on[3];
  std::thread threads[3];
  // Each queued work, run by the holder, queues the next before it returns: three lists of one.
  std::function<void(int)> queue_next = [&](int k) {
    threads[k] = std::thread([&, k] {
      c.run([&, k] {
        ran_on[k] = std::this_thread::get_id();
        if (k + 1 < 3) {
          queue_next(k + 1);
          until_queued(c);
        }
      });
    });
  };
  c.run([&] {
    queue_next(0);
    until_queued(c);
  });
  const std::thread::id third = threads[2].get_id();
  for (auto& t : threads) t.join();
  BOOST_CHECK_EQUAL(ran_on[0], holder);
  BOOST_CHECK_EQUAL(ran_on[1], holder);
  BOOST_CHECK_EQUAL(ran_on[2], third);  // the third list: handed to its caller
}

BOOST_AUTO_TEST_SUITE_END()
