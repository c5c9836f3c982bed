// engine: taking a snapshot. The store is read through a read_view in chunks of
// `chunk_rows` rows, each under the shared latch for a few tens of microseconds, so commits
// wait at most that long; the rows are written to the file with no latch held.
#include <array>
#include <functional>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "durability.hpp"
#include "engine.hpp"
#include "snapshot_scheduler.hpp"
#include "snapshot_writer.hpp"

namespace customerdb::detail {
namespace {

constexpr std::size_t chunk_rows = 512;
// Rows converted to records by one task of the helper thread, while this thread writes the
// records of the task before.
constexpr std::size_t chunks_per_batch = 16;

}  // namespace

// The table's rows are read in chunks under the latch and copied into records (rows keep their
// text packed: packed_text.hpp) on a helper thread, a batch ahead of this thread, which writes
// the records to the file: the copy costs the snapshot no time where a second core is free.
template <class Row>
void engine::copy_table(persistence::snapshot_writer& out, persistence::table t) {
  out.begin_table(t);
  using record_type = typename Row::record_type;
  std::vector<row_ptr<Row>> rows;
  rows.reserve(chunk_rows);
  // Reads the next batch into `into` (reusing its records' strings); false once the table is
  // done.
  const auto read_batch = [&](std::vector<record_type>& into) {
    std::size_t n = 0;
    bool more = true;
    for (std::size_t c = 0; c < chunks_per_batch && more; ++c) {
      rows.clear();
      {
        std::shared_lock lock(latch_);
        more = view_.next_chunk<Row>(store_.of<Row>(), chunk_rows, rows);
      }
      if (into.size() < n + rows.size()) into.resize(n + rows.size());
      for (const auto& row : rows) copy_to_record(*row, into[n++]);
    }
    into.resize(n);
    return more;
  };
  std::vector<record_type> ready, next;
  for (bool more = read_batch(ready);;) {
    std::future<bool> reading;
    if (more) reading = std::async(std::launch::async, read_batch, std::ref(next));
    for (const auto& r : ready) out.write(r);  // on failure, `reading` ends before the throw
    if (!more) break;
    more = reading.get();
    std::swap(ready, next);
  }
}

snapshot_info engine::take_snapshot() {
  std::lock_guard one_at_a_time(snapshot_mutex_);
  std::uint64_t sequence = 0;
  std::uint64_t covered = 0;
  std::array<std::uint64_t, persistence::table_count> counts{};
  {
    std::lock_guard writer(writer_);
    sequence = store_.sequence;
    covered = scheduler_->commits();
    if (const auto last = durable_->latest(); last && last->info.sequence == sequence) {
      scheduler_->snapshot_done(covered);
      return last->info;
    }
    counts = {store_.groups.size(), store_.customers.size(), store_.addresses.size(),
              store_.memberships.size()};
    durable_->rotate_journal();  // the journal files before this one end at `sequence`
    view_.start(sequence);
  }
  const auto stop_view = [this] {
    std::lock_guard writer(writer_);
    view_.stop();
  };
  const timestamp created_at = customerdb::now();
  snapshot_info info;
  try {
    persistence::snapshot_writer out(durable_->fs(), persistence_.data_dir, sequence, created_at,
                                     counts);
    copy_table<group_row>(out, persistence::table::groups);
    copy_table<customer_row>(out, persistence::table::customers);
    copy_table<address_row>(out, persistence::table::addresses);
    copy_table<membership_row>(out, persistence::table::memberships);
    stop_view();
    info = out.finish();
  } catch (...) {
    stop_view();
    throw;
  }
  durable_->snapshot_taken(info, created_at);
  scheduler_->snapshot_done(covered);
  return info;
}

}  // namespace customerdb::detail
