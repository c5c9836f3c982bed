// journal_writer: appends commit records to the current journal file and makes them durable
// according to the fsync policy:
//   always    wait_durable() returns once an fsync covers the commit. Concurrent waiters share
//             fsyncs (group commit). The next sync is first open: every commit appended while
//             it is open is covered by it. It starts when the commits it expects are in, or at
//             its deadline, on the thread of whichever writer sees that first: mostly the writer
//             whose commit completed it, so the disk does not wait for a sleeping thread to
//             wake. While it runs the next one opens for the commits appended meanwhile.
//             How long a sync stays open (a commit delay, as PostgreSQL's commit_delay with
//             commit_siblings): when the last sync saw other writers (it covered more than one
//             commit, or more were appended while it ran), until as many commits are appended
//             as were then, but no longer than the recent fsync time (at most 1 ms) after
//             the last sync ended. So the writers one sync releases are covered by the next
//             together, rather than every other fsync covering half of them. A writer alone
//             (one commit per sync) never waits; neither does the first commit after a pause
//             longer than the delay.
//             Each waiter waits on a word of its own: the end of a sync releases exactly the
//             writers it covered, all of them at once (they return without taking the
//             journal's mutex, and the engine's writer runs their next commits in turn on one
//             thread), and one writer it did not cover, to keep the open sync's deadline. When
//             the recent fsync time is short (at most 250 µs) a waiter first yields the processor
//             between looks at its word, for up to twice that time, and only then sleeps on it
//             (a futex): on a virtual machine's few processors a sleep and its wake-up take
//             longer than a short fsync, and a busy processor also sees the disk's completion
//             sooner. This spends the waiting writers' processor time (other runnable threads
//             still go first) to commit more often. On a busy machine it backfires: a thread
//             that yielded a lot has used its share of the processor, so after each of its
//             fsync's disk waits it waits for other processes' threads (fsyncs took ten times as
//             long). So when the last 16 syncs during which waiters yielded took twice as long
//             as the last 16 others (medians), waiters sleep at once for the next second, and
//             yielding is measured again after it. A writer woken from its sleep never finds
//             its commit not yet durable and sleeps again.
//             The records are written by the syncs, not by append(): append() keeps the record
//             in memory, and a sync writes every record kept so far in one write before its
//             fsync. So the writers whose commits one sync covers do not each make a system
//             call while the others wait for the engine's writer. append() first sets aside the
//             disk space its record will take (writable_file::reserve, a megabyte at a time), so
//             a full disk still fails the one commit, as an unbuffered write would; a sync's
//             write that fails anyway (an I/O error) is as a failed fsync.
//   everysec  a background thread syncs once a second when something was appended.
//   no        only rotation of files and close() sync.
// A failed append is cut back out of the file, so the journal stays well-formed. A failed
// fsync, or a sync's failed write, leaves the durability of recent records unknown (the kernel
// may have dropped them, or they were not written), so the journal then refuses every append
// until the module is reopened.
//
// Thread-safe, with one appender at a time: append() and rotate() must not run concurrently
// (the engine calls both inside its writer, a write_combiner); wait_durable() and sync() may run
// anywhere.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "customerdb/file_system.hpp"
#include "customerdb/persistence_options.hpp"
#include "data_dir.hpp"

namespace customerdb::persistence {

class journal_writer {
 public:
  // Appends to the existing file `continue_file` in `dir` (whose records end with commit
  // `next_sequence - 1` and which recovery checked), or when empty creates (or replaces)
  // journal-<next_sequence>.log. Syncs the file it continues. Throws io_error.
  journal_writer(file_system& fs, std::filesystem::path dir, fsync_policy policy,
                 std::uint64_t next_sequence, const std::optional<numbered_file>& continue_file);
  // Stops the background thread and syncs (errors ignored: call close() to see them).
  ~journal_writer();
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;

  // Appends `record` (finish_record) for commit `sequence`. REQUIRES: sequence is one more
  // than the last appended. Throws io_error; the record is then not in the journal.
  void append(std::uint64_t sequence, std::string_view record);
  // Cuts the record of commit `sequence`, the last appended, off the journal again (the
  // commit was not published); the next append may take the same sequence. When cutting fails
  // every later append throws io_error. Does nothing for any other sequence.
  void abandon(std::uint64_t sequence) noexcept;
  // Starts a new file for the commits after the last appended one; does nothing when the
  // current file has no records. With `always`, first syncs what was appended (the records
  // kept in memory are written to the file they belong to). Either way the file being appended
  // to is then journal-<last appended + 1>.log (a snapshot of that commit relies on it). Throws
  // io_error (the current file stays in use).
  void rotate();
  // With `always`, returns once an fsync covers commit `sequence`; throws io_error when the
  // fsync failed. With the other policies returns at once.
  void wait_durable(std::uint64_t sequence);
  // Makes every appended record durable. Throws io_error.
  void sync();
  // Syncs (as sync()), then closes the files that rotate() retired, on the calling thread. A
  // retired file is closed by nothing else before the journal closes (syncs only set it
  // aside): closing the last descriptor of a removed file frees its blocks, which for a large
  // file takes long and must not fall to a commit waiting for its fsync. So whoever removes
  // retired files calls this first. Throws io_error.
  void close_retired();
  // Syncs and stops the background thread; later calls do nothing. Throws io_error.
  void close();

  // The first sequence of the file being appended to.
  std::uint64_t current_first_sequence() const;

 private:
  struct waiter;
  using clock = std::chrono::steady_clock;
  // Waits until a sync covers commit `sequence` (see the top), syncing as the leader of one
  // when its turn comes. Throws io_error.
  void wait_synced(std::uint64_t sequence);
  // Sleeps as `w`, linked in waiters_, until a sync covers it (returns true, `lock` released)
  // or it must look again (returns false, `lock` held, `w` unlinked): a sync failed or
  // opened, or the open sync it keeps the deadline of is due. REQUIRES: `lock` holds mutex_.
  bool sleep_linked(std::unique_lock<std::mutex>& lock, waiter& w);
  // Opens the next sync with its commit delay (see the top). REQUIRES: mutex_ held, no sync
  // running or open.
  void open_sync_locked();
  // How long a waiter yields before it sleeps (see await_release, release_word.hpp).
  // REQUIRES: mutex_ held.
  std::chrono::nanoseconds spin_time_locked() const;
  // Counts a sync's fsync time `took` as one with waiters yielding or not, and stops their
  // yielding for a while when it makes fsyncs slow (see the top). REQUIRES: mutex_ held.
  void measure_yielding_locked(bool yielded, std::chrono::nanoseconds took,
                               clock::time_point end);
  // Whether the open sync is due: its commits are in or its deadline has passed.
  // REQUIRES: mutex_ held.
  bool due_locked() const;
  // Syncs what was appended up to now, then ends the sync (end_sync). REQUIRES: `lock` holds
  // mutex_, no sync running or open. ENSURES: `lock` is released. Throws io_error when the sync
  // failed.
  void sync_locked(std::unique_lock<std::mutex>& lock);
  // Ends a sync (`failed`: it failed): unlinks the waiters it covered (all of them when it
  // failed), opens the next sync when waiters are left and unlinks one of them to keep its
  // deadline, releases `lock`, then wakes those unlinked. REQUIRES: `lock` holds mutex_.
  // ENSURES: `lock` is released.
  void end_sync(std::unique_lock<std::mutex>& lock, bool failed);
  // Whether commit `sequence` is durable (as last published). Reads an atomic: any thread.
  bool durable(std::uint64_t sequence) const noexcept;
  // Computes first_not_durable_ from synced_, appended_ and the directory counts: called
  // whenever one of them changes. REQUIRES: `mutex_` held (or no other thread yet).
  void publish_durable_locked();
  void run_everysec();
  // `always`: keeps `record` in pending_ for the next sync to write (see the top).
  void keep(std::uint64_t sequence, std::string_view record);

  file_system& fs_;
  const std::filesystem::path dir_;
  const fsync_policy policy_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // stopping_ (the everysec thread)
  // Every commit before first_not_durable_ is durable (durable()).
  std::atomic<std::uint64_t> first_not_durable_{0};
  waiter* waiters_ = nullptr;  // waiting for a sync to cover their commit (wait_synced)
  std::uint64_t sync_target_ = 0;  // the last sequence the running sync covers
  // The next sync, when open, is due once appended_ reaches due_at_ or at due_by_; the waiter
  // `timekeeper_` (if any) sleeps until due_by_.
  bool open_ = false;
  std::uint64_t due_at_ = 0;
  clock::time_point due_by_{};
  waiter* timekeeper_ = nullptr;
  std::uint64_t expected_ = 1;             // commits a sync can expect to cover
  std::chrono::nanoseconds sync_time_{0};  // recent fsync time (a moving average)
  // The last fsync times of syncs during which waiters yielded and of the others
  // (measure_yielding_locked); waiters do not yield before yield_again_at_.
  struct recent_times {
    std::array<std::chrono::nanoseconds, 16> times{};
    std::size_t added = 0;
    void add(std::chrono::nanoseconds t) noexcept { times[added++ % times.size()] = t; }
    bool full() const noexcept { return added >= times.size(); }
    std::chrono::nanoseconds median() const noexcept;
  };
  recent_times yielded_times_, alone_times_;
  clock::time_point yield_again_at_{};
  std::atomic<int> yielding_{0};  // waiters in await_release that may yield
  clock::time_point last_sync_end_{};
  std::shared_ptr<writable_file> current_;
  std::uint64_t current_first_ = 0;
  std::vector<std::shared_ptr<writable_file>> retired_;  // earlier files not yet synced
  // Retired files synced, still open until close_retired(); rotate() reserves their room, so
  // that a sync allocates nothing.
  std::vector<std::shared_ptr<writable_file>> synced_retired_;
  std::uint64_t appended_ = 0;                           // last sequence appended
  std::uint64_t appended_at_ = 0;  // where its record starts in current_ (0: not in current_)
  // `always`: the records appended and not yet taken by a sync, which writes them to current_
  // at pending_at_ (current_'s size once the sync before it wrote); the batch the running sync
  // writes (kept for its memory); current_'s space set aside up to reserved_.
  std::string pending_, writing_;
  std::uint64_t pending_at_ = 0;
  std::uint64_t reserved_ = 0;
  std::uint64_t synced_ = 0;                             // last sequence durable
  std::uint64_t dir_changes_ = 0, dir_synced_ = 0;       // files created / made durable
  bool syncing_ = false;
  std::optional<std::string> failed_;
  bool stopping_ = false;
  std::thread everysec_;
};

}  // namespace customerdb::persistence
