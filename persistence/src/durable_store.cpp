// durable_store: the data directory's owner (customerdb/persistence/durable_store.hpp). Opening
// (lock, recovery), the journal, snapshots of a table_source, retention and the background
// snapshots.
#include "customerdb/persistence/durable_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "customerdb/file_system.hpp"
#include "data_dir.hpp"
#include "journal_format.hpp"
#include "journal_writer.hpp"
#include "recovery.hpp"
#include "snapshot_scheduler.hpp"
#include "snapshot_writer.hpp"

namespace customerdb::persistence {
namespace {

void warn(const std::string& message) { fmt::print(stderr, "customerdb: warning: {}\n", message); }

// Rows asked of the table_reader at a time. The reader fills the next batch on a helper thread
// while this thread writes the batch before to the file: the copy of rows into records costs
// the snapshot no time where a second core is free.
constexpr std::size_t batch_rows = 8192;

// Writes the rows of `t`, read from `in`, to `out`.
template <class Record>
void copy_table(table_reader& in, snapshot_writer& out, table t) {
  out.begin_table(t);
  std::vector<Record> ready, next;
  const auto read = [&in](std::vector<Record>& into) { return in.next(into, batch_rows); };
  for (bool more = read(ready);;) {
    std::future<bool> reading;
    if (more) reading = std::async(std::launch::async, read, std::ref(next));
    for (const auto& r : ready) out.write(r);  // on failure, `reading` ends before the throw
    if (!more) break;
    more = reading.get();
    std::swap(ready, next);
  }
}

}  // namespace

struct durable_store::impl {
  persistence_options options;
  std::shared_ptr<file_system> fs;
  std::shared_ptr<void> lock;
  std::uint64_t recovered = 0;
  std::optional<std::uint64_t> recovered_position;
  // The source position of the last commit appended that carried one (or the recovered one),
  // and the one before that commit's, for abandon(). Touched by append(), abandon() and a
  // snapshot's at_cut only, which the engine's writer mutex keeps apart (commit_hook.hpp).
  std::optional<std::uint64_t> position;
  std::optional<std::uint64_t> position_before_last;
  bool last_carried_position = false;
  std::unique_ptr<journal_writer> journal;
  table_source* source = nullptr;
  std::unique_ptr<snapshot_scheduler> scheduler;  // set by start()
  std::mutex snapshot_mutex;                      // one snapshot at a time
  mutable std::mutex mutex;                       // guards latest and closed
  std::optional<last_snapshot> latest;
  bool closed = false;

  explicit impl(const persistence_options& o)
      : options(o), fs(o.file_system ? o.file_system : posix_file_system()) {}

  std::optional<last_snapshot> newest() const {
    std::lock_guard guard(mutex);
    return latest;
  }

  snapshot_info take_snapshot();
  // Records a new durable snapshot, then removes the snapshots beyond the number kept and the
  // journal files that every kept snapshot covers. Removal failures go to stderr.
  void snapshot_taken(const snapshot_info& info, timestamp created_at);
  void prune();
};

durable_store::durable_store(const persistence_options& options, record_sink& loader)
    : impl_(std::make_unique<impl>(options)) {
  auto& d = *impl_;
  const auto& dir = d.options.data_dir;
  d.fs->create_directories(dir);
  d.lock = d.fs->lock_directory(dir);
  auto recovered = recover(*d.fs, dir, loader, warn);
  d.recovered = recovered.sequence;
  d.recovered_position = recovered.source_position;
  d.position = recovered.source_position;
  finish_recovery(*d.fs, dir, recovered);
  d.journal = std::make_unique<journal_writer>(*d.fs, dir, d.options.fsync, recovered.sequence + 1,
                                               recovered.continue_journal);
  if (recovered.snapshot)
    d.latest = last_snapshot{*recovered.snapshot, *recovered.snapshot_created_at};
}

durable_store::~durable_store() { close(); }

std::uint64_t durable_store::recovered_sequence() const noexcept { return impl_->recovered; }

std::optional<std::uint64_t> durable_store::recovered_source_position() const noexcept {
  return impl_->recovered_position;
}

void durable_store::start(table_source& source) {
  impl_->source = &source;
  impl_->scheduler = std::make_unique<snapshot_scheduler>(impl_->options.snapshot_interval,
                                                          impl_->options.snapshot_every_commits,
                                                          [this] { impl_->take_snapshot(); });
}

void durable_store::append(commit_changes&& changes) {
  auto& d = *impl_;
  const std::uint64_t sequence = changes.sequence();
  const auto carried = changes.source_position();
  d.journal->append(sequence, finish_record(std::move(changes)));
  d.last_carried_position = carried.has_value();
  if (carried) {
    d.position_before_last = d.position;
    d.position = carried;
  }
}

void durable_store::committed(std::uint64_t sequence) {
  if (impl_->scheduler) impl_->scheduler->committed();
  impl_->journal->wait_durable(sequence);
}

void durable_store::abandon(std::uint64_t sequence) noexcept {
  auto& d = *impl_;
  d.journal->abandon(sequence);
  if (d.last_carried_position) d.position = d.position_before_last;
  d.last_carried_position = false;
}

snapshot_info durable_store::snapshot() { return impl_->take_snapshot(); }

std::optional<durable_store::last_snapshot> durable_store::latest() const {
  return impl_->newest();
}

void durable_store::close() noexcept {
  auto& d = *impl_;
  {
    std::lock_guard guard(d.mutex);
    if (d.closed) return;
    d.closed = true;
  }
  if (d.scheduler) d.scheduler->stop();
  if (d.source && d.options.snapshot_on_close) {
    try {
      d.take_snapshot();
    } catch (const std::exception& e) {
      fmt::print(stderr, "customerdb: the final snapshot failed: {}\n", e.what());
    }
  }
  try {
    d.journal->close();
  } catch (const std::exception& e) {
    fmt::print(stderr, "customerdb: closing the journal failed: {}\n", e.what());
  }
}

// The cut is fixed while no commit can be appended, so that the journal can start a new file
// there; the rows are then read in batches and written with no lock held (table_source.hpp).
snapshot_info durable_store::impl::take_snapshot() {
  if (!source) throw std::logic_error("durable_store: snapshot() before start()");
  std::lock_guard one_at_a_time(snapshot_mutex);
  table_cut cut;
  std::uint64_t covered = 0;
  std::optional<snapshot_info> current;  // the newest snapshot, when it holds the cut
  bool journal_follows = false;          // journal-<cut + 1>.log holds the commits after it
  std::optional<std::uint64_t> journal_position;  // the last appended at the cut
  auto reader = source->begin_read([&](const table_cut& c) {
    cut = c;
    journal_position = position;
    covered = scheduler->commits();
    if (const auto last = newest(); last && last->info.sequence == c.sequence) {
      current = last->info;
      return false;
    }
    journal->rotate();  // the journal files before this one end at the cut
    journal_follows = journal->current_first_sequence() == c.sequence + 1;
    return true;
  });
  if (!reader) {
    scheduler->snapshot_done(covered);
    return *current;
  }
  const timestamp created_at =
      std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  snapshot_info info;
  {
    auto source_position = reader->source_position();
    if (!source_position) source_position = journal_position;
    snapshot_writer out(*fs, options.data_dir, cut.sequence, created_at, cut.rows,
                        journal_follows, source_position);
    copy_table<customer_group_record>(*reader, out, table::groups);
    copy_table<customer_record>(*reader, out, table::customers);
    copy_table<customer_address_record>(*reader, out, table::addresses);
    copy_table<customer_group_customer_record>(*reader, out, table::memberships);
    reader.reset();  // the read is over: the source drops what it kept for it
    info = out.finish();
  }
  snapshot_taken(info, created_at);
  scheduler->snapshot_done(covered);
  return info;
}

void durable_store::impl::snapshot_taken(const snapshot_info& info, timestamp created_at) {
  {
    std::lock_guard guard(mutex);
    latest = last_snapshot{info, created_at};
  }
  try {
    prune();
  } catch (const std::exception& e) {
    warn(fmt::format("removing old files after a snapshot: {}", e.what()));
  }
}

void durable_store::impl::prune() {
  const auto& dir = options.data_dir;
  const auto files = list_data_dir(*fs, dir);
  const std::size_t keep = std::max<std::size_t>(options.keep_snapshots, 1);
  if (files.snapshots.empty()) return;
  bool changed = false;
  const std::size_t drop = files.snapshots.size() > keep ? files.snapshots.size() - keep : 0;
  for (std::size_t i = 0; i < drop; ++i) {
    fs->remove(dir / files.snapshots[i].name);
    changed = true;
  }
  // A journal file is needed while some kept snapshot precedes one of its records; the file
  // being appended to (the last) always stays. The journal closes the others first, so that
  // their blocks are freed here rather than when a commit's sync would close them.
  const std::uint64_t oldest_kept = files.snapshots[drop].sequence;
  const auto& journals = files.journals;
  if (journals.size() > 1) journal->close_retired();
  for (std::size_t i = 0; i + 1 < journals.size(); ++i) {
    if (journals[i + 1].sequence > oldest_kept + 1) break;
    fs->remove(dir / journals[i].name);
    changed = true;
  }
  if (changed) fs->sync_directory(dir);
}

}  // namespace customerdb::persistence
