// Group commit under fsync = always (persistence/src/journal_writer.cpp): commits appended while
// an fsync runs are all covered by the next one, and a failed fsync fails every commit waiting
// for it or for the next. The fsyncs are counted, and held back, through the file_system
// interface, and a commit is in the journal (kept there for the next sync to write) once it is
// published (the store's sequence): the test knows both without guessing at timing.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "customerdb/error.hpp"
#include "customerdb/file_system.hpp"
#include "persistence/support/store_helpers.hpp"
#include "persistence/support/temp_dir.hpp"

namespace {

using namespace customerdb;
using namespace customerdb::testing;

// The operating system's file system, with a gate on the syncs of journal files: while the gate
// is closed, such a sync waits at it (unless let through one by one). Counts the appends and
// syncs of journal files, and can fail the syncs that pass the gate. Thread-safe.
class gated_file_system final : public forwarding_file_system {
 public:
  void close_gate() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  void open_gate() {
    {
      std::lock_guard lock(mutex_);
      closed_ = false;
    }
    changed_.notify_all();
  }
  // Lets `n` more syncs through the closed gate.
  void let_through(int n) {
    {
      std::lock_guard lock(mutex_);
      passes_ += n;
    }
    changed_.notify_all();
  }
  void fail_syncs() {
    std::lock_guard lock(mutex_);
    failing_ = true;
  }
  // Waits until `n` journal syncs wait at the gate.
  void await_held(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return held_ >= n; });
  }
  int appends() const {
    std::lock_guard lock(mutex_);
    return appends_;
  }
  int syncs() const {
    std::lock_guard lock(mutex_);
    return syncs_;
  }

 private:
  class file final : public forwarding_writable_file {
   public:
    file(gated_file_system& owner, std::filesystem::path path, std::unique_ptr<writable_file> real)
        : forwarding_writable_file(std::move(real)), owner_(owner), path_(std::move(path)) {}
    void append(std::string_view data) override {
      forwarding_writable_file::append(data);
      std::lock_guard lock(owner_.mutex_);
      ++owner_.appends_;
      owner_.changed_.notify_all();
    }
    void sync() override {
      {
        std::unique_lock lock(owner_.mutex_);
        ++owner_.syncs_;
        ++owner_.held_;
        owner_.changed_.notify_all();
        owner_.changed_.wait(lock, [&] { return !owner_.closed_ || owner_.passes_ > 0; });
        if (owner_.closed_) --owner_.passes_;
        --owner_.held_;
        if (owner_.failing_)
          throw error(error_code::io_error, "Cannot sync " + path_.string() + ": injected");
      }
      forwarding_writable_file::sync();
    }

   private:
    gated_file_system& owner_;
    std::filesystem::path path_;
  };

  std::unique_ptr<writable_file> wrap(const std::filesystem::path& p,
                                      std::unique_ptr<writable_file> f) override {
    if (p.filename().string().rfind("journal", 0) != 0) return f;
    return std::make_unique<file>(*this, p, std::move(f));
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool closed_ = false, failing_ = false;
  int held_ = 0, appends_ = 0, syncs_ = 0, passes_ = 0;
};

struct fixture {
  temp_dir dir;
  std::shared_ptr<gated_file_system> fs = std::make_shared<gated_file_system>();

  module_options options() {
    auto o = on_disk(dir.path(), fsync_policy::always);
    o.persistence.file_system = fs;
    return o;
  }
};

// Waits until `m` published commit `sequence`: the commits before it are in the journal.
void await_published(customer_module& m, std::uint64_t sequence) {
  while (m.stats().sequence < sequence) std::this_thread::yield();
}

create_customer_dto new_customer(int i) {
  return create_customer_dto{.email = fmt::format("c{}@x.y", i)};
}

constexpr int writers = 8;

}  // namespace

BOOST_AUTO_TEST_SUITE(group_commit)

// One commit's fsync is held at the gate; seven more commits are appended meanwhile. When the
// gate opens, one more fsync covers all seven: 8 commits, 2 fsyncs.
BOOST_FIXTURE_TEST_CASE(commits_appended_during_an_fsync_share_the_next, fixture) {
  {
    customer_module m(options());
    const int syncs = fs->syncs();
    const std::uint64_t published = m.stats().sequence;
    fs->close_gate();
    std::vector<std::thread> threads;
    threads.emplace_back([&] { m.create(new_customer(0)); });
    fs->await_held(1);  // the first commit's fsync, at the gate
    for (int i = 1; i < writers; ++i) threads.emplace_back([&m, i] { m.create(new_customer(i)); });
    await_published(m, published + writers);  // every commit is appended to the journal
    BOOST_CHECK_EQUAL(fs->syncs(), syncs + 1);
    fs->open_gate();
    for (auto& t : threads) t.join();
    BOOST_TEST_MESSAGE(writers << " commits, " << fs->syncs() - syncs << " journal fsyncs");
    BOOST_CHECK_EQUAL(fs->syncs(), syncs + 2);
  }
  customer_module again(on_disk(dir.path()));
  BOOST_CHECK_EQUAL(again.list({}, {.take = 100}).size(), static_cast<std::size_t>(writers));
}

// A commit returns only once an fsync that started after its append has ended: when the first
// fsync ends, only its own commit returns; the seven appended while it ran wait for the second.
BOOST_FIXTURE_TEST_CASE(only_the_commits_an_fsync_covers_return_at_its_end, fixture) {
  customer_module m(options());
  const int syncs = fs->syncs();
  const std::uint64_t published = m.stats().sequence;
  fs->close_gate();
  std::atomic<int> returned{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    m.create(new_customer(0));
    ++returned;
  });
  fs->await_held(1);
  for (int i = 1; i < writers; ++i)
    threads.emplace_back([&m, &returned, i] {
      m.create(new_customer(i));
      ++returned;
    });
  await_published(m, published + writers);
  fs->let_through(1);
  threads.front().join();  // the first commit returns when the first fsync ends
  BOOST_CHECK_EQUAL(returned.load(), 1);
  fs->await_held(1);  // the second fsync, at the gate: the other seven still wait for it
  BOOST_CHECK_EQUAL(returned.load(), 1);
  BOOST_CHECK_EQUAL(fs->syncs(), syncs + 2);
  fs->open_gate();
  for (auto& t : threads)
    if (t.joinable()) t.join();
  BOOST_CHECK_EQUAL(returned.load(), writers);
  BOOST_CHECK_EQUAL(fs->syncs(), syncs + 2);
}

// After commits were grouped, a lone commit still gets its own fsync, and each one after it.
BOOST_FIXTURE_TEST_CASE(a_lone_commit_after_a_group_syncs_alone, fixture) {
  customer_module m(options());
  const std::uint64_t published = m.stats().sequence;
  fs->close_gate();
  std::vector<std::thread> threads;
  threads.emplace_back([&] { m.create(new_customer(0)); });
  fs->await_held(1);
  for (int i = 1; i < writers; ++i) threads.emplace_back([&m, i] { m.create(new_customer(i)); });
  await_published(m, published + writers);
  fs->open_gate();
  for (auto& t : threads) t.join();
  for (int i = 0; i < 3; ++i) {
    const int syncs = fs->syncs();
    m.create(new_customer(writers + i));
    BOOST_CHECK_EQUAL(fs->syncs(), syncs + 1);
  }
}

// The fsync held at the gate fails: its commit and the seven waiting for the next fsync all fail
// with io_error (none is acknowledged), and the journal refuses later commits.
BOOST_FIXTURE_TEST_CASE(a_failed_fsync_fails_every_waiting_commit, fixture) {
  customer_module m(options());
  const std::uint64_t published = m.stats().sequence;
  fs->close_gate();
  std::atomic<int> failed{0}, acknowledged{0};
  const auto commit = [&](int i) {
    try {
      m.create(new_customer(i));
      ++acknowledged;
    } catch (const error& e) {
      if (e.code() == error_code::io_error) ++failed;
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(commit, 0);
  fs->await_held(1);
  for (int i = 1; i < writers; ++i) threads.emplace_back(commit, i);
  await_published(m, published + writers);
  fs->fail_syncs();
  fs->open_gate();
  for (auto& t : threads) t.join();
  BOOST_CHECK_EQUAL(acknowledged.load(), 0);
  BOOST_CHECK_EQUAL(failed.load(), writers);
  try {
    m.create(new_customer(writers));
    BOOST_FAIL("a commit after a failed fsync was accepted");
  } catch (const error& e) {
    BOOST_CHECK(e.code() == error_code::io_error);
  }
}

// With fsyncs as fast as the disk makes them, waiting writers mostly yield rather than sleep
// (journal_writer.hpp), and some of them sleep when a sync outlasts their yielding: either way
// every commit returns once durable, and all of them are there after a reopen.
BOOST_FIXTURE_TEST_CASE(many_writers_on_fast_fsyncs_all_return_durable, fixture) {
  constexpr int per_writer = 100;
  {
    customer_module m(options());
    std::vector<std::thread> threads;
    for (int t = 0; t < writers; ++t)
      threads.emplace_back([&m, t] {
        for (int i = 0; i < per_writer; ++i) m.create(new_customer(t * per_writer + i));
      });
    for (auto& t : threads) t.join();
    // Each sync writes the records kept for it at once: at most one journal write per fsync.
    BOOST_CHECK_LE(fs->appends(), fs->syncs());
  }
  customer_module reopened(options());
  BOOST_CHECK_EQUAL(reopened.list_and_count({}, {.take = 0}).second,
                    std::size_t{writers * per_writer});
}

BOOST_AUTO_TEST_SUITE_END()
