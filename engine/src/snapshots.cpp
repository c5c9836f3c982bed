// engine: taking a snapshot. The store is read through a read_view in chunks of
// `chunk_rows` rows, each under the shared latch for a few tens of microseconds, so commits
// wait at most that long; the rows are written to the file with no latch held.
#include <array>
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

}  // namespace

template <class Row>
void engine::copy_table(persistence::snapshot_writer& out, persistence::table t) {
  out.begin_table(t);
  std::vector<row_ptr<Row>> rows;
  rows.reserve(chunk_rows);
  typename Row::record_type record;  // reused: its strings keep their memory from row to row
  for (bool more = true; more;) {
    rows.clear();
    {
      std::shared_lock lock(latch_);
      more = view_.next_chunk<Row>(store_.of<Row>(), chunk_rows, rows);
    }
    for (const auto& row : rows) {
      copy_to_record(*row, record);
      out.write(record);
    }
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
