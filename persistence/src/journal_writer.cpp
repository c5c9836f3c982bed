#include "journal_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>

#include "customerdb/error.hpp"
#include "customerdb/persistence/release_word.hpp"
#include "data_dir.hpp"
#include "journal_format.hpp"

namespace customerdb::persistence {
namespace {

error journal_failed(const std::string& reason) {
  return error(error_code::io_error,
               fmt::format("The journal is unusable after an earlier failure ({}); reopen the "
                           "data directory",
                           reason));
}

// The longest commit delay: the recent fsync time, at most 1 ms. (Half of it, as PostgreSQL's
// guidance for its commit_delay, is shorter than eight writers on two cores take to commit
// again, and a sync that starts without the last of them makes it wait a whole cycle more.)
std::chrono::nanoseconds commit_delay(std::chrono::nanoseconds sync_time) {
  return std::min<std::chrono::nanoseconds>(sync_time, std::chrono::milliseconds(1));
}

// How much disk space a kept record sets aside beyond its own end (journal_writer::keep): a
// megabyte, about two thousand commits of a customer with two addresses per fallocate.
constexpr std::uint64_t reserve_step = std::uint64_t{1} << 20;

// The slowest recent fsync time for which waiters yield rather than sleep (spin_time_locked).
constexpr std::chrono::microseconds max_spun_sync{250};

// How a waiter's word is released (release_word.hpp); word_waiting while it is linked in the
// journal's waiters.
enum : std::uint32_t {
  covered = word_sleeping + 1,  // unlinked: a sync made its commit durable
  recheck,  // unlinked: look again under the mutex (a sync failed, or one opened)
};

// Cuts `file` to `size` bytes; returns why that failed (empty when there was no memory to say).
std::optional<std::string> cut(writable_file& file, std::uint64_t size) noexcept {
  try {
    file.truncate(size);
    return std::nullopt;
  } catch (const std::exception& e) {
    try {
      return std::string(e.what());
    } catch (...) {
      return std::string();  // no memory for the reason
    }
  }
}

}  // namespace

// Lives on the waiting thread's stack; linked in waiters_ (under mutex_) until a sync's end
// unlinks it and sets `state`.
struct journal_writer::waiter {
  std::uint64_t sequence;
  std::atomic<std::uint32_t> state{word_waiting};
  waiter* next = nullptr;
};

journal_writer::journal_writer(file_system& fs, std::filesystem::path dir, fsync_policy policy,
                               std::uint64_t next_sequence,
                               const std::optional<numbered_file>& continue_file)
    : fs_(fs), dir_(std::move(dir)), policy_(policy) {
  appended_ = synced_ = next_sequence - 1;
  // With `no`, nothing is synced before close: even the recovered records may stay in the
  // page cache (as they may have been before).
  const bool sync = policy_ != fsync_policy::no;
  if (continue_file) {
    current_ = fs_.open_append(dir_ / continue_file->name);
    if (sync) current_->sync();  // what recovery read may have been in the page cache only
    current_first_ = continue_file->sequence;
  } else {
    const auto path = dir_ / journal_file_name(next_sequence);
    current_ = fs_.create(path);
    current_->append(encode_journal_header(next_sequence));
    if (sync) {
      current_->sync();
      fs_.sync_directory(dir_);
    } else {
      ++dir_changes_;  // synced by close()
    }
    current_first_ = next_sequence;
  }
  pending_at_ = reserved_ = current_->size();
  publish_durable_locked();  // no other thread yet
  if (policy_ == fsync_policy::everysec) everysec_ = std::thread([this] { run_everysec(); });
}

journal_writer::~journal_writer() {
  try {
    close();
  } catch (...) {
    // Reported by close() to callers that ask.
  }
}

void journal_writer::close() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  changed_.notify_all();
  if (everysec_.joinable()) everysec_.join();
  sync();
}

void journal_writer::append(std::uint64_t sequence, std::string_view record) {
  if (policy_ == fsync_policy::always) return keep(sequence, record);
  std::shared_ptr<writable_file> file;
  {
    std::lock_guard lock(mutex_);
    if (failed_) throw journal_failed(*failed_);
    file = current_;
  }
  const std::uint64_t size = file->size();
  try {
    file->append(record);
  } catch (const error&) {
    // The journal must end with a whole record; when it cannot be cut, no append is trusted.
    if (std::optional<std::string> failure = cut(*file, size)) {
      std::lock_guard lock(mutex_);
      failed_ = std::move(failure);
    }
    throw;
  }
  std::lock_guard lock(mutex_);
  appended_ = sequence;
  appended_at_ = size;
  publish_durable_locked();
}

void journal_writer::keep(std::uint64_t sequence, std::string_view record) {
  std::shared_ptr<writable_file> file;
  std::uint64_t at = 0;
  {
    std::lock_guard lock(mutex_);
    if (failed_) throw journal_failed(*failed_);
    file = current_;
    at = pending_at_ + pending_.size();
  }
  // Only the appender sets space aside and adds to pending_, so `at` stays where the record goes
  // (a sync meanwhile moves what it takes from pending_ into the file, at pending_at_).
  const std::uint64_t end = at + record.size();
  if (end > reserved_) {
    file->reserve(reserved_, end + reserve_step - reserved_);
    reserved_ = end + reserve_step;
  }
  std::lock_guard lock(mutex_);
  if (failed_) throw journal_failed(*failed_);
  pending_.append(record);
  appended_ = sequence;
  appended_at_ = at;
  publish_durable_locked();
}

void journal_writer::abandon(std::uint64_t sequence) noexcept {
  std::unique_lock lock(mutex_);
  if (sequence != appended_ || appended_at_ == 0 || failed_) return;
  const std::uint64_t at = appended_at_;
  if (policy_ == fsync_policy::always && at >= pending_at_) {
    pending_.resize(static_cast<std::size_t>(at - pending_at_));  // kept: shorter, no allocation
  } else {
    // In the file. With `always` a sync took the record: once that sync ended (having written it,
    // or failed), the file ends with it, and no later sync writes anything (only the appender,
    // here, keeps records).
    while (policy_ == fsync_policy::always && syncing_) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
    if (failed_) return;
    const std::shared_ptr<writable_file> file = current_;
    lock.unlock();
    std::optional<std::string> failure = cut(*file, at);
    lock.lock();
    if (failure) {
      failed_ = std::move(failure);
      return;
    }
    pending_at_ = at;  // where the next kept record goes (`always`)
  }
  appended_ = sequence - 1;
  appended_at_ = 0;
  synced_ = std::min(synced_, appended_);
  publish_durable_locked();
  // A sync running may have taken the record before it was cut: it does not cover the record
  // that the next commit appends with this sequence.
  if (syncing_) sync_target_ = std::min(sync_target_, appended_);
}

void journal_writer::rotate() {
  if (policy_ == fsync_policy::always) sync();  // the records kept belong to the current file
  std::uint64_t next = 0;
  {
    std::lock_guard lock(mutex_);
    if (failed_) throw journal_failed(*failed_);
    next = appended_ + 1;
    if (next == current_first_) return;  // nothing in the current file yet
  }
  const auto path = dir_ / journal_file_name(next);
  std::shared_ptr<writable_file> file = fs_.create(path);
  try {
    file->append(encode_journal_header(next));
  } catch (...) {
    file.reset();
    try {
      fs_.remove(path);
    } catch (...) {
      // An empty or partial journal file is ignored by recovery when it is the last; the
      // next rotation to this name replaces it.
    }
    throw;
  }
  const std::uint64_t header_end = file->size();
  std::lock_guard lock(mutex_);
  synced_retired_.reserve(synced_retired_.size() + retired_.size() + 1);
  retired_.push_back(std::move(current_));
  current_ = std::move(file);
  current_first_ = next;
  appended_at_ = 0;
  pending_at_ = reserved_ = header_end;  // pending_ is empty: synced above
  ++dir_changes_;
  publish_durable_locked();
}

std::uint64_t journal_writer::current_first_sequence() const {
  std::lock_guard lock(mutex_);
  return current_first_;
}

void journal_writer::open_sync_locked() {
  open_ = true;
  timekeeper_ = nullptr;
  // A commit delay only when other writers were seen committing, only while the commits that
  // they are expected to append are missing, and only until the delay after the last sync has
  // passed (the writers it released have had their time; a writer alone after a pause, or
  // after a burst of writers, syncs at once).
  due_at_ = policy_ == fsync_policy::always && expected_ > 1 ? synced_ + expected_ : 0;
  due_by_ = last_sync_end_ + commit_delay(sync_time_);
}

std::chrono::nanoseconds journal_writer::spin_time_locked() const {
  // A sync ends within about the recent fsync time; the next one, which a writer that just
  // committed waits for, within twice that. A slow disk's fsync is waited for asleep.
  if (sync_time_ > max_spun_sync || clock::now() < yield_again_at_)
    return std::chrono::nanoseconds(0);
  return 2 * sync_time_;
}

std::chrono::nanoseconds journal_writer::recent_times::median() const noexcept {
  auto sorted = times;
  const auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
  std::nth_element(sorted.begin(), middle, sorted.end());
  return *middle;
}

void journal_writer::measure_yielding_locked(bool yielded, std::chrono::nanoseconds took,
                                             clock::time_point end) {
  (yielded ? yielded_times_ : alone_times_).add(took);
  // Judged once per 16 syncs with yielding waiters, on medians: a single slow fsync (the disk's,
  // not the processors') does not stop the yielding.
  if (!yielded || !yielded_times_.full() || !alone_times_.full() ||
      yielded_times_.added % yielded_times_.times.size() != 0 ||
      yielded_times_.median() <= 2 * alone_times_.median())
    return;
  yield_again_at_ = end + std::chrono::seconds(1);
  yielded_times_.added = 0;  // measured afresh then
}

bool journal_writer::due_locked() const { return appended_ >= due_at_ || clock::now() >= due_by_; }

void journal_writer::wait_synced(std::uint64_t sequence) {
  if (durable(sequence)) return;
  waiter w{.sequence = sequence};
  std::unique_lock lock(mutex_);
  for (;;) {  // here `w` is not linked
    if (durable(sequence)) return;
    if (failed_) throw journal_failed(*failed_);
    if (!syncing_) {
      if (!open_) open_sync_locked();
      if (due_locked()) {
        open_ = false;
        timekeeper_ = nullptr;  // a timekeeper still asleep waits on as any waiter
        sync_locked(lock);
        lock.lock();
        continue;
      }
      if (timekeeper_ == nullptr) timekeeper_ = &w;
    }
    // The sync running covers the commit, or else the open one will (the commit was appended
    // before it starts).
    w.state.store(word_waiting, std::memory_order_relaxed);
    w.next = waiters_;
    waiters_ = &w;
    if (sleep_linked(lock, w)) return;
  }
}

bool journal_writer::sleep_linked(std::unique_lock<std::mutex>& lock, waiter& w) {
  for (;;) {
    std::optional<clock::time_point> deadline;
    if (timekeeper_ == &w) deadline = due_by_;
    const auto spin = spin_time_locked();
    lock.unlock();
    if (spin.count() > 0) yielding_.fetch_add(1, std::memory_order_relaxed);
    std::uint32_t state = await_release(w.state, spin, deadline);
    if (spin.count() > 0) yielding_.fetch_sub(1, std::memory_order_relaxed);
    if (state == covered) return true;
    lock.lock();
    state = w.state.load(std::memory_order_acquire);
    if (state == covered) {
      lock.unlock();
      return true;
    }
    if (state == recheck) return false;
    // Still linked (or unlinked with its wake to come): awake for the deadline of the open sync
    // (a timekeeper is the only waiter with a deadline, and stays linked while it keeps it).
    if (timekeeper_ == &w && due_locked()) {
      waiter** link = &waiters_;
      while (*link != &w) link = &(*link)->next;
      *link = w.next;
      return false;
    }
  }
}

// Allocates nothing unless a sync fails: a commit waiting for durability under `always` must
// not fail for want of memory once it is published (and syncing_ must not stay set).
void journal_writer::sync_locked(std::unique_lock<std::mutex>& lock) {
  syncing_ = true;
  bool yielded = yielding_.load(std::memory_order_relaxed) > 0;
  const std::uint64_t before = synced_;
  sync_target_ = appended_;
  const std::uint64_t dir_target = dir_changes_;
  const std::shared_ptr<writable_file> current = current_;
  const std::size_t retired = retired_.size();
  // The records kept until now (`always`) are written to current_ first, at batch_at; pending_
  // takes writing_'s memory for the next ones. Only one sync runs at a time: writing_ is its own.
  writing_.swap(pending_);
  const std::uint64_t batch_at = pending_at_;
  pending_at_ += writing_.size();
  lock.unlock();
  const auto start = clock::now();
  std::optional<std::string> failure;
  try {
    if (!writing_.empty()) {
      try {
        current->append(writing_);
      } catch (...) {
        // The journal must end with a whole record. When even the cut fails, recovery drops the
        // torn record at the end; the journal is refused from now on anyway.
        static_cast<void>(cut(*current, batch_at));
        throw;
      }
      writing_.clear();
    }
    // The first `retired` files stay (only this sync removes them), but rotate() may grow the
    // vector meanwhile: each is read under the mutex.
    for (std::size_t i = 0; i < retired; ++i) {
      lock.lock();
      const std::shared_ptr<writable_file> file = retired_[i];
      lock.unlock();
      file->sync();
    }
    current->sync();
    if (dir_target != dir_synced_) fs_.sync_directory(dir_);
  } catch (const error& e) {
    failure = e.what();
  }
  const auto end = clock::now();
  const auto took = end - start;
  lock.lock();
  syncing_ = false;
  if (failure) {
    if (!failed_) failed_ = failure;
    end_sync(lock, true);  // every waiter sees the failure
    throw error(error_code::io_error, *failure);
  }
  synced_ = std::max(synced_, sync_target_);
  dir_synced_ = dir_target;
  // Set aside, not closed: see close_retired().
  const auto end_of_synced = retired_.begin() + static_cast<std::ptrdiff_t>(retired);
  std::move(retired_.begin(), end_of_synced, std::back_inserter(synced_retired_));
  retired_.erase(retired_.begin(), end_of_synced);
  // The commits in flight: those this sync covered and those appended while it ran.
  expected_ = std::max<std::uint64_t>(appended_ > before ? appended_ - before : 0, 1);
  last_sync_end_ = end;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(took);
  sync_time_ = sync_time_.count() == 0 ? ns : (3 * sync_time_ + ns) / 4;
  yielded = yielded || yielding_.load(std::memory_order_relaxed) > 0;
  measure_yielding_locked(yielded, ns, end);
  publish_durable_locked();
  end_sync(lock, false);
}

void journal_writer::publish_durable_locked() {
  // Every commit synced is durable, except that the last appended, when a new file followed
  // it, also waits for the directory entry of that file.
  const bool last_waits_for_directory = synced_ == appended_ && dir_synced_ != dir_changes_;
  first_not_durable_.store(last_waits_for_directory ? synced_ : synced_ + 1,
                           std::memory_order_release);
}

void journal_writer::end_sync(std::unique_lock<std::mutex>& lock, bool failed) {
  waiter* done = nullptr;  // unlinked: covered, or every waiter when the sync failed
  for (waiter** link = &waiters_; *link != nullptr;) {
    waiter* w = *link;
    if (failed || durable(w->sequence)) {
      *link = w->next;
      w->next = done;
      done = w;
    } else {
      link = &w->next;
    }
  }
  // The waiters left appended their commits before now: the next sync covers them all. One of
  // them keeps its deadline until a writer that commits meanwhile does (or starts it).
  waiter* timekeeper = waiters_;
  if (timekeeper != nullptr) {
    open_sync_locked();
    waiters_ = timekeeper->next;
    timekeeper->next = nullptr;
  }
  lock.unlock();
  // Every waiter `done` links is released here: one that yields sees its word at its next look,
  // and only one asleep costs a wake-up. They come back to the engine's writer together, which
  // runs their next commits one after another on one thread (write_combiner). A waiter may
  // return as soon as its word is set: its `next` is read before.
  for (waiter* w = done; w != nullptr;) {
    waiter* next = w->next;
    release(w->state, failed ? recheck : covered);
    w = next;
  }
  if (timekeeper != nullptr) release(timekeeper->state, recheck);
}

bool journal_writer::durable(std::uint64_t sequence) const noexcept {
  return sequence < first_not_durable_.load(std::memory_order_acquire);
}

void journal_writer::wait_durable(std::uint64_t sequence) {
  if (policy_ == fsync_policy::always) wait_synced(sequence);
}

void journal_writer::sync() {
  std::uint64_t target = 0;
  {
    std::lock_guard lock(mutex_);
    target = appended_;
  }
  wait_synced(target);
}

void journal_writer::close_retired() {
  sync();
  std::vector<std::shared_ptr<writable_file>> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(synced_retired_);
  }
  // `closing` closes them here, with no lock held.
}

void journal_writer::run_everysec() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    if (stopping_ || failed_ || syncing_ || open_ || synced_ == appended_) continue;
    try {
      sync_locked(lock);
    } catch (const error& e) {
      fmt::print(stderr, "customerdb: {}\n", e.what());  // later appends fail with io_error
    }
    lock.lock();
  }
}

}  // namespace customerdb::persistence
