// Long reads' slots (read_slots.hpp): no more reads work at once than there are slots, slots
// go to waiting reads in the order they asked, a read that waits keeps later ones from jumping
// the queue; and batch_scheduling switches the calling thread to SCHED_BATCH and back. Through
// the module: with one slot, concurrent long reads all finish and each answers correctly.
#include "read_slots.hpp"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "batch_scheduling.hpp"
#include "customerdb/customerdb.hpp"

namespace {

using namespace customerdb;
using customerdb::detail::read_slots;

int policy_of_this_thread() {
  int policy = -1;
  sched_param param{};
  BOOST_REQUIRE_EQUAL(pthread_getschedparam(pthread_self(), &policy, &param), 0);
  return policy;
}

// Waits (without guessing a time) until `n` reads are queued for a slot.
void until_waiting(const read_slots& slots, std::size_t n) {
  while (slots.waiting() != n) std::this_thread::yield();
}

BOOST_AUTO_TEST_SUITE(long_read_slots)

BOOST_AUTO_TEST_CASE(slots_are_taken_until_none_is_free) {
  read_slots slots(2);
  BOOST_TEST(!slots.contended());
  BOOST_TEST(slots.try_acquire());
  BOOST_TEST(slots.try_acquire());
  BOOST_TEST(!slots.try_acquire());
  slots.release();
  BOOST_TEST(slots.try_acquire());
}

BOOST_AUTO_TEST_CASE(a_released_slot_goes_to_the_reads_in_the_order_they_asked) {
  read_slots slots(1);
  slots.acquire();
  std::mutex m;
  std::vector<int> order;
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    // Each reader queues only after the previous one has, so the order they asked is 0, 1, 2.
    readers.emplace_back([&, i] {
      slots.acquire();
      {
        std::lock_guard lock(m);
        order.push_back(i);
      }
      slots.release();
    });
    until_waiting(slots, static_cast<std::size_t>(i) + 1);
  }
  BOOST_TEST(slots.contended());
  slots.release();
  for (auto& r : readers) r.join();
  BOOST_TEST(!slots.contended());
  BOOST_TEST(order == (std::vector<int>{0, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(slots.try_acquire());  // the last release left the slot free
}

BOOST_AUTO_TEST_CASE(a_queued_read_keeps_a_later_one_from_taking_a_freed_slot) {
  read_slots slots(1);
  slots.acquire();
  std::thread queued([&] {
    slots.acquire();
    slots.release();
  });
  until_waiting(slots, 1);
  BOOST_TEST(!slots.try_acquire());
  slots.release();  // goes to the queued read, not to whoever asks next
  queued.join();
  BOOST_TEST(slots.try_acquire());
}

BOOST_AUTO_TEST_CASE(a_batch_scheduling_guard_switches_the_thread_and_back) {
  const int before = policy_of_this_thread();
  BOOST_REQUIRE_EQUAL(before, SCHED_OTHER);
  {
    detail::batch_scheduling batch;
    BOOST_TEST(policy_of_this_thread() == SCHED_BATCH);
  }
  BOOST_TEST(policy_of_this_thread() == SCHED_OTHER);
}

BOOST_AUTO_TEST_CASE(a_thread_under_another_policy_is_left_as_it_is) {
  // On a thread of its own: without CAP_SYS_NICE a thread cannot leave SCHED_IDLE again.
  int set = -1, inside = -1, after = -1;
  std::thread([&] {
    sched_param param{};
    set = pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
    {
      detail::batch_scheduling batch;
      pthread_getschedparam(pthread_self(), &inside, &param);
    }
    pthread_getschedparam(pthread_self(), &after, &param);
  }).join();
  BOOST_REQUIRE_EQUAL(set, 0);
  BOOST_TEST(inside == SCHED_IDLE);
  BOOST_TEST(after == SCHED_IDLE);
}

BOOST_AUTO_TEST_CASE(with_one_slot_concurrent_long_reads_all_answer_and_commits_go_on) {
  module_options options;
  options.long_reads = 1;
  customer_module m(std::move(options));
  std::vector<create_customer_dto> batch;
  for (int i = 0; i < 1000; ++i)
    batch.push_back({.email = "c" + std::to_string(i) + "@x.io", .last_name = "Scan"});
  m.create(batch);
  // The readers count what they saw; Boost.Test's checks run on the main thread only (they are
  // not thread-safe).
  std::atomic<int> answers{0}, wrong{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        const auto [rows, count] = m.list_and_count(search("Scan"), {.take = 0});
        int policy = -1;
        sched_param param{};
        pthread_getschedparam(pthread_self(), &policy, &param);
        // Every customer matches, none is returned, and the thread is switched back.
        if (count != 1000u || !rows.empty() || policy != SCHED_OTHER) ++wrong;
        ++answers;
      }
    });
  }
  for (int i = 0; i < 10; ++i) m.update(m.list({}, {.take = 1})[0].id, {.first_name = "x"});
  for (auto& r : readers) r.join();
  BOOST_TEST(answers.load() == 12);
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
