#include "durability.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "customerdb/error.hpp"
#include "data_dir.hpp"
#include "journal_format.hpp"
#include "recovery.hpp"

namespace customerdb::detail {
namespace {

using table_id = persistence::table;

void warn(const std::string& message) { fmt::print(stderr, "customerdb: warning: {}\n", message); }

// Fills a store from recovery: a snapshot's rows (inserted; an id twice is corruption), then
// journal records (rows replaced or erased), each row stamped with the commit that wrote it.
class store_loader final : public persistence::record_sink {
 public:
  explicit store_loader(store& s) : store_(s) {}

  void begin_table(table_id t, std::uint64_t count) override {
    on_table(t, [&](auto& table) { table.reserve(count); });
  }

  void end_table(table_id t) override {
    on_table(t, [&](auto& table) { insert_pending(table); });
  }

  void begin_commit(std::uint64_t sequence) override {
    version_ = sequence;
    replaying_ = true;
  }

  void put(const customer_group_record& r) override { add(store_.groups, r); }
  void put(const customer_record& r) override { add(store_.customers, r); }
  void put(const customer_address_record& r) override { add(store_.addresses, r); }
  void put(const customer_group_customer_record& r) override { add(store_.memberships, r); }

  void erase(table_id t, std::string&& id) override {
    on_table(t, [&](auto& table) { table.erase(id); });
  }

 private:
  // Calls f(the table `t` of the store).
  template <class F>
  void on_table(table_id t, F&& f) {
    switch (t) {
      case table_id::groups:
        return f(store_.groups);
      case table_id::customers:
        return f(store_.customers);
      case table_id::addresses:
        return f(store_.addresses);
      case table_id::memberships:
        return f(store_.memberships);
    }
  }

  template <class Table, class Record>
  void add(Table& t, const Record& r) {
    auto row = make_row(r, version_);
    if (replaying_) return t.put(std::move(row));
    auto& pending = pending_.of<typename Table::row_type>();
    pending.emplace_back(std::move(row));
    if (pending.size() == batch_size) insert_pending(t);
  }

  // Inserts the snapshot rows waiting for `t`. The index entries each insertion reads first
  // are requested for the whole batch before the first insertion, so that their cache misses
  // overlap instead of following one another (a load is mostly such misses).
  template <class Table>
  void insert_pending(Table& t) {
    auto& pending = pending_.of<typename Table::row_type>();
    for (const auto& s : pending) t.prefetch_insert(s);
    for (auto& s : pending) {
      if (!t.append(std::move(s)))  // a snapshot holds each table in id order
        throw std::runtime_error(fmt::format("the row {} appears twice", s->id.view()));
    }
    pending.clear();
  }

  static constexpr std::size_t batch_size = 16;
  template <class Row>
  using batch = std::vector<slot<Row>>;

  store& store_;
  std::uint64_t version_ = 0;
  bool replaying_ = false;
  per_entity<batch> pending_;  // snapshot rows not inserted yet, per table
};

template <class Row>
void encode_changes(const change_set<Row>& changes, table_id t, persistence::commit_encoder& out) {
  typename Row::record_type record;
  changes.for_each([&](const std::string& id, const change<Row>& c) {
    if (c.after) {
      copy_to_record(*c.after, record);
      out.put(record);
    } else {
      out.erase(t, id);
    }
  });
}

template <class Row>
void encode_rows(const row_vector<Row>& rows, persistence::commit_encoder& out) {
  typename Row::record_type record;
  for (const auto& row : rows) {
    copy_to_record(*row, record);
    out.put(record);
  }
}

}  // namespace

durability::durability(const persistence_options& options, store& s)
    : options_(options), fs_(options.file_system ? options.file_system : posix_file_system()) {
  const auto& dir = options_.data_dir;
  fs_->create_directories(dir);
  lock_ = fs_->lock_directory(dir);
  store_loader loader(s);
  auto recovered = persistence::recover(*fs_, dir, loader, warn);
  s.sequence = recovered.sequence;
  persistence::finish_recovery(*fs_, dir, recovered);
  journal_ = std::make_unique<persistence::journal_writer>(
      *fs_, dir, options_.fsync, recovered.sequence + 1, recovered.continue_journal);
  if (recovered.snapshot)
    latest_ = last_snapshot{*recovered.snapshot, *recovered.snapshot_created_at};
}

durability::~durability() {
  try {
    journal_->close();
  } catch (const std::exception& e) {
    warn(fmt::format("closing the journal: {}", e.what()));
  }
}

std::string durability::encode(const write_set& writes, std::uint64_t sequence) {
  persistence::commit_encoder out;
  encode_changes(writes.groups, table_id::groups, out);
  encode_changes(writes.customers, table_id::customers, out);
  encode_changes(writes.addresses, table_id::addresses, out);
  encode_changes(writes.memberships, table_id::memberships, out);
  return out.finish(sequence);
}

std::string durability::encode(const row_batch& rows, std::uint64_t sequence) {
  persistence::commit_encoder out;
  encode_rows(rows.groups, out);
  encode_rows(rows.customers, out);
  encode_rows(rows.addresses, out);
  encode_rows(rows.memberships, out);
  return out.finish(sequence);
}

void durability::snapshot_taken(const snapshot_info& info, timestamp created_at) {
  {
    std::lock_guard lock(mutex_);
    latest_ = last_snapshot{info, created_at};
  }
  try {
    prune();
  } catch (const std::exception& e) {
    warn(fmt::format("removing old files after a snapshot: {}", e.what()));
  }
}

void durability::prune() {
  const auto& dir = options_.data_dir;
  const auto files = persistence::list_data_dir(*fs_, dir);
  const std::size_t keep = std::max<std::size_t>(options_.keep_snapshots, 1);
  if (files.snapshots.empty()) return;
  bool changed = false;
  const std::size_t drop = files.snapshots.size() > keep ? files.snapshots.size() - keep : 0;
  for (std::size_t i = 0; i < drop; ++i) {
    fs_->remove(dir / files.snapshots[i].name);
    changed = true;
  }
  // A journal file is needed while some kept snapshot precedes one of its records; the file
  // being appended to (the last) always stays.
  const std::uint64_t oldest_kept = files.snapshots[drop].sequence;
  const auto& journals = files.journals;
  for (std::size_t i = 0; i + 1 < journals.size(); ++i) {
    if (journals[i + 1].sequence > oldest_kept + 1) break;
    fs_->remove(dir / journals[i].name);
    changed = true;
  }
  if (changed) fs_->sync_directory(dir);
}

std::optional<durability::last_snapshot> durability::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

}  // namespace customerdb::detail
