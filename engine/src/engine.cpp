#include "engine.hpp"

#include <fmt/format.h>

#include "customerdb/persistence/durable_store.hpp"
#include "customerdb/persistence/read_only_store.hpp"
#include "error_messages.hpp"
#include "memory_usage.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "store_records.hpp"

namespace customerdb::detail {
namespace {

template <class Row>
error changed_elsewhere(std::string_view id) {
  return error(
      error_code::conflict,
      fmt::format("Transaction conflict: {} with id: {} was changed by another transaction",
                  schema_of<Row>().model, id));
}

template <class Row>
void require_exists(const view& v, std::string_view id) {
  if (!v.find<Row>(id)) throw changed_elsewhere<Row>(id);
}

// No row `t` wrote was inserted, replaced or erased by a commit after `begin_sequence`.
template <class Row>
void check_unchanged(const write_view& t, std::uint64_t begin_sequence) {
  const auto& table = t.committed().of<Row>();
  t.writes().of<Row>().for_each([&](const std::string& id, const change<Row>& c) {
    const auto current = table.find(id);
    const bool changed =
        c.before ? !current || current->version > begin_sequence : current != nullptr;
    if (changed) throw changed_elsewhere<Row>(id);
  });
}

// Keeps the default address ids stored with the customers right after `w` is published: a new
// customer has no committed addresses but the ones `w` adds, and a customer whose addresses
// `w` changed is recomputed. (A replaced customer row keeps its ids: see table::put.)
void refresh_published_defaults(const write_set& w, const store& s) {
  w.customers.for_each([&](const std::string& id, const change<customer_row>& c) {
    if (c.before || !c.after) return;
    if (const auto* slot = s.customers.find_slot(key(id))) slot->extra.defaults.valid = true;
  });
  w.addresses.for_each([&](const std::string&, const change<address_row>& c) {
    if (c.before) refresh_default_addresses(s, c.before->customer_id);
    if (c.after && !(c.before && c.before->customer_id == c.after->customer_id))
      refresh_default_addresses(s, c.after->customer_id);
  });
}

// Hands the read view the images, as of its cut, of the rows `changes` replaces or erases.
template <class Row>
void keep_before_images(const change_set<Row>& changes, const store& s, snapshot_cut& view) {
  changes.for_each(
      [&](const std::string& id, const change<Row>&) { view.before_write<Row>(s.of<Row>(), id); });
}

// Applies `changes` to the store as commit `sequence`. With pinned reads, the images as of each
// read's pin are handed to it first, and replaced or erased elements are retired, not changed
// (pinned_reads.hpp).
template <class Row>
void publish_changes(const change_set<Row>& changes, store& s, std::uint64_t sequence,
                     pinned_reads& pinned) {
  auto& table = s.of<Row>();
  retired_nodes<Row>* retired = nullptr;
  if (pinned.any()) {
    pinned.keep_images(changes, s);
    retired = &pinned.retire_list<Row>(sequence);
  }
  changes.for_each([&](const std::string& id, const change<Row>& c) {
    if (c.after) {
      // After-images are built fresh by each write and unpublished until now, so stamping the
      // sequence does not change a row anyone else can see.
      std::const_pointer_cast<Row>(c.after)->version = sequence;
      if (retired) {
        table.put_retiring(c.after, *retired);
      } else {
        table.put(c.after);
      }
    } else if (retired) {
      table.erase_retiring(id, *retired);
    } else {
      table.erase(id);
    }
  });
}

}  // namespace

engine::engine(module_options options)
    : clock_(options.clock ? std::move(options.clock)
                           : std::function<timestamp()>(&customerdb::now)) {
  if (options.persistence.data_dir.empty()) return;
  store_loader loader(store_, options.open_progress);
  if (options.persistence.read_only) {
    read_only_ = std::make_unique<persistence::read_only_store>(options.persistence, loader);
    loader.finish();
    store_.sequence = read_only_->recovered_sequence();
    refresh_all_default_addresses(store_);
    hook_ = read_only_.get();
    return;
  }
  durable_ = std::make_unique<persistence::durable_store>(options.persistence, loader);
  loader.finish();
  store_.sequence = durable_->recovered_sequence();
  refresh_all_default_addresses(store_);
  durable_->start(*this);  // background snapshots read this engine from now on
  hook_ = durable_.get();
}

engine::~engine() {
  // Before any member goes: background snapshots stop, the final one is taken, the journal
  // closes.
  if (durable_) durable_->close();
}

snapshot_info engine::snapshot() {
  if (read_only_) return read_only_->snapshot();
  if (!durable_) throw error(error_code::invalid_data, "Snapshots need a data directory");
  return durable_->snapshot();
}

void engine::committed(std::uint64_t sequence) {
  if (sequence == 0 || !hook_) return;
  hook_->committed(sequence);
}

module_stats engine::stats() const {
  module_stats s;
  {
    std::shared_lock lock(latch_);
    s.customers = store_.of<customer_row>().size();
    s.customer_groups = store_.of<group_row>().size();
    s.customer_addresses = store_.of<address_row>().size();
    s.customer_group_customers = store_.of<membership_row>().size();
    s.sequence = store_.sequence;
  }
  s.pinned_reads = pinned_.pins();
  const memory_usage memory = measure_memory_usage();
  s.heap_bytes = memory.heap_bytes;
  s.pool_bytes = memory.pool_bytes;
  s.memory_bytes = memory.heap_bytes + memory.pool_bytes;
  s.resident_bytes = memory.resident_bytes;
  const auto last = durable_     ? durable_->latest()
                    : read_only_ ? read_only_->latest()
                                 : std::nullopt;
  if (last) {
    s.last_snapshot_at = last->created_at;
    s.last_snapshot_sequence = last->info.sequence;
  }
  return s;
}

std::unique_lock<std::mutex> engine::enter(transaction& tx) const {
  std::unique_lock lock(tx.mutex);
  if (tx.state == transaction::status::active && tx.deadline &&
      std::chrono::steady_clock::now() >= *tx.deadline) {
    tx.state = transaction::status::expired;
    tx.writes.rollback_to(0);  // its writes are discarded
  }
  switch (tx.state) {
    case transaction::status::active:
      return lock;
    case transaction::status::expired:
      throw error(error_code::conflict, "Transaction has expired");
    default:
      throw error(error_code::conflict, "Transaction is no longer active");
  }
}

void engine::validate(const write_view& t, std::uint64_t begin_sequence) const {
  check_unchanged<customer_row>(t, begin_sequence);
  check_unchanged<group_row>(t, begin_sequence);
  check_unchanged<address_row>(t, begin_sequence);
  check_unchanged<membership_row>(t, begin_sequence);
  const auto& w = t.writes();
  // Rows this transaction refers to still exist, and rows it erased gained no dependants.
  w.addresses.for_each([&](const std::string&, const change<address_row>& c) {
    if (c.after) require_exists<customer_row>(t, c.after->customer_id);
  });
  w.memberships.for_each([&](const std::string& id, const change<membership_row>& c) {
    if (!c.after) return;
    require_exists<customer_row>(t, c.after->customer_id);
    require_exists<group_row>(t, c.after->customer_group_id);
    // One membership per pair (decision D6): another commit may have added the same pair.
    if (t.memberships_of_pair(c.after->customer_id, c.after->customer_group_id).size() > 1)
      throw changed_elsewhere<membership_row>(id);
  });
  w.customers.for_each([&](const std::string& id, const change<customer_row>& c) {
    if (!c.after && (!t.addresses_of(id).empty() || !t.memberships_of_customer(id).empty()))
      throw changed_elsewhere<customer_row>(id);
  });
  w.groups.for_each([&](const std::string& id, const change<group_row>& c) {
    if (!c.after && !t.memberships_of_group(id).empty()) throw changed_elsewhere<group_row>(id);
  });
  check_unique(t);
}

std::uint64_t engine::publish(const write_view& t) {
  const auto& w = t.writes();
  if (w.customers.empty() && w.groups.empty() && w.addresses.empty() && w.memberships.empty())
    return 0;
  const std::uint64_t sequence = store_.sequence + 1;
  if (hook_) hook_->append(changes_of(w, sequence));
  writers_waiting_.fetch_add(1, std::memory_order_relaxed);  // long reads give way (pinned_reads)
  std::unique_lock lock(latch_);
  writers_waiting_.fetch_sub(1, std::memory_order_relaxed);
  if (view_.active()) {
    keep_before_images(w.customers, store_, view_);
    keep_before_images(w.groups, store_, view_);
    keep_before_images(w.addresses, store_, view_);
    keep_before_images(w.memberships, store_, view_);
  }
  publish_changes(w.customers, store_, sequence, pinned_);
  publish_changes(w.groups, store_, sequence, pinned_);
  publish_changes(w.addresses, store_, sequence, pinned_);
  publish_changes(w.memberships, store_, sequence, pinned_);
  refresh_published_defaults(w, store_);
  store_.sequence = sequence;
  if (pinned_.any()) pinned_.release();
  return sequence;
}

std::shared_ptr<transaction> engine::begin(const transaction_options& options) {
  std::shared_lock lock(latch_);  // a stable store_.sequence
  return std::make_shared<transaction>(store_, options);
}

void engine::commit(transaction& tx) {
  std::unique_lock call = enter(tx);
  std::uint64_t sequence = 0;
  {
    std::lock_guard writer(writer_);
    try {
      validate(tx.writes, tx.begin_sequence);
      sequence = publish(tx.writes);
    } catch (...) {
      tx.state = transaction::status::rolled_back;
      tx.writes.rollback_to(0);
      throw;
    }
    tx.state = transaction::status::committed;
  }
  committed(sequence);
}

void engine::rollback(transaction& tx) {
  std::lock_guard lock(tx.mutex);
  if (tx.state != transaction::status::active) return;
  // Past its deadline it has expired: later uses say so.
  const bool expired = tx.deadline && std::chrono::steady_clock::now() >= *tx.deadline;
  tx.state = expired ? transaction::status::expired : transaction::status::rolled_back;
  tx.writes.rollback_to(0);
}

}  // namespace customerdb::detail
