#include "engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

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
// Refreshes the default address ids kept with customer `customer_id`; when there is no memory
// to look them up, marks them unknown instead (readers then find them among the addresses), so
// that a published commit never fails here.
void refresh_or_forget_defaults(const store& s, std::string_view customer_id) noexcept {
  try {
    refresh_default_addresses(s, customer_id);
  } catch (...) {
    if (const auto* slot = s.customers.find_slot(key(customer_id)))
      slot->extra.defaults.valid = false;
  }
}

void refresh_published_defaults(const write_set& w, const store& s) noexcept {
  w.customers.for_each([&](const std::string& id, const change<customer_row>& c) {
    if (c.before || !c.after) return;
    if (const auto* slot = s.customers.find_slot(key(id))) slot->extra.defaults.valid = true;
  });
  w.addresses.for_each([&](const std::string&, const change<address_row>& c) {
    if (c.before) refresh_or_forget_defaults(s, c.before->customer_id);
    if (c.after && !(c.before && c.before->customer_id == c.after->customer_id))
      refresh_or_forget_defaults(s, c.after->customer_id);
  });
}

// Hands the read view the images, as of its cut, of the rows `changes` replaces or erases.
template <class Row>
void keep_before_images(const change_set<Row>& changes, const store& s, snapshot_cut& view) {
  changes.for_each(
      [&](const std::string& id, const change<Row>&) { view.before_write<Row>(s.of<Row>(), id); });
}

// One table's changes of a commit, ready to publish: the slots of the rows it inserts and of
// those it replaces are built (allocating their keys) before anything is published.
template <class Row>
struct prepared_changes {
  std::vector<slot<Row>> inserted, replaced;
  std::vector<std::string_view> inserted_ids, erased;  // ids, in the change set

  prepared_changes(const change_set<Row>& changes, std::uint64_t sequence) {
    changes.for_each([&](const std::string& id, const change<Row>& c) {
      if (!c.after) {
        erased.push_back(id);
        return;
      }
      // After-images are built fresh by each write and unpublished until now, so stamping the
      // sequence does not change a row anyone else can see.
      const_cast<Row&>(*c.after).version = sequence;
      (c.before ? replaced : inserted).emplace_back(c.after);
      if (!c.before) inserted_ids.push_back(id);
    });
  }

  // Inserts the new rows: the one step of publishing that allocates (a node each). Throws
  // std::bad_alloc with none of them inserted.
  void insert_into(table_for_t<Row>& table) {
    std::size_t done = 0;
    try {
      for (; done < inserted.size(); ++done) table.put(std::move(inserted[done]));
    } catch (...) {
      erase_inserted(table, done);
      throw;
    }
  }
  // Removes the first `count` inserted rows again.
  void erase_inserted(table_for_t<Row>& table, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) table.erase(inserted_ids[i]);
  }
  // With pinned reads: makes the new elements of the replaced rows and room for the elements
  // they retire (allocating), so that replace_and_erase_in allocates nothing then either.
  void prepare_retiring(pinned_reads& pinned, std::uint64_t sequence) {
    retired = &pinned.retire_list<Row>(sequence);
    retired->reserve(retired->size() + replaced.size() + erased.size());
    replacing = table_for_t<Row>::make_nodes(replaced);
  }
  // Replaces and erases rows: allocates nothing (see table::put, table::put_node_retiring).
  void replace_and_erase_in(table_for_t<Row>& table) {
    if (retired) {
      for (auto& n : replacing) table.put_node_retiring(std::move(n), *retired);
      for (const auto id : erased) table.erase_retiring(id, *retired);
      return;
    }
    for (auto& s : replaced) table.put(std::move(s));
    for (const auto id : erased) table.erase(id);
  }

  std::vector<typename table_for_t<Row>::node_type> replacing;  // pinned reads: new elements
  retired_nodes<Row>* retired = nullptr;  // pinned reads: where replaced elements go
};

}  // namespace

engine::engine(module_options options)
    : long_reads_(options.long_reads != 0
                      ? options.long_reads
                      : std::max(2u, std::thread::hardware_concurrency()) - 1),
      clock_(options.clock ? std::move(options.clock)
                           : std::function<timestamp()>(&customerdb::now)),
      replica_of_(std::move(options.replica_of)) {
  if (options.persistence.data_dir.empty()) return;
  store_loader loader(store_, options.open_progress);
  if (options.persistence.read_only || options.persistence.copy_on_open) {
    read_only_ = std::make_unique<persistence::read_only_store>(options.persistence, loader);
    loader.finish();
    store_.sequence = read_only_->recovered_sequence();
    refresh_all_default_addresses(store_);
    if (options.persistence.copy_on_open) {  // from here on an in-memory store
      read_only_.reset();
      copy_of_ = options.persistence.data_dir;
      return;
    }
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
  if (!copy_of_.empty()) {
    throw error(error_code::invalid_data,
                fmt::format("Snapshots need a data directory (the store is an in-memory copy of {})",
                            copy_of_.string()));
  }
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
  const auto require_referenced = [&t](const auto& row) {
    for_each_reference(row, [&t](const auto&, auto referenced, std::string_view id) {
      require_exists<typename decltype(referenced)::type>(t, id);
    });
  };
  w.addresses.for_each([&](const std::string&, const change<address_row>& c) {
    if (c.after) require_referenced(*c.after);
  });
  w.memberships.for_each([&](const std::string& id, const change<membership_row>& c) {
    if (!c.after) return;
    require_referenced(*c.after);
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

std::unique_lock<latch> engine::lock_for_commit() {
  writers_waiting_.fetch_add(1, std::memory_order_relaxed);  // long reads give way (pinned_reads)
  latch_.lock();
  writers_waiting_.fetch_sub(1, std::memory_order_relaxed);
  return std::unique_lock(latch_, std::adopt_lock);
}

std::uint64_t engine::publish(const write_view& t, std::optional<std::uint64_t> source_position) {
  const auto& w = t.writes();
  if (w.customers.empty() && w.groups.empty() && w.addresses.empty() && w.memberships.empty() &&
      !source_position)
    return 0;
  const std::uint64_t sequence = store_.sequence + 1;
  prepared_changes<customer_row> customers(w.customers, sequence);
  prepared_changes<group_row> groups(w.groups, sequence);
  prepared_changes<address_row> addresses(w.addresses, sequence);
  prepared_changes<membership_row> memberships(w.memberships, sequence);
  if (mark_) {
    mark_->keep(w.customers, store_);
    mark_->keep(w.groups, store_);
    mark_->keep(w.addresses, store_);
    mark_->keep(w.memberships, store_);
  }
  if (hook_) {
    auto changes = changes_of(w, sequence);
    if (source_position) changes.set_source_position(*source_position);
    hook_->append(std::move(changes));
  }
  auto lock = lock_for_commit();
  // Until every new row is in, running out of memory leaves the store as it was (and the
  // journal: its record is cut off again).
  int inserted = 0;  // tables whose rows are in
  pinned_reads* pinned = pinned_.any() ? &pinned_ : nullptr;
  try {
    if (view_.active()) {
      keep_before_images(w.customers, store_, view_);
      keep_before_images(w.groups, store_, view_);
      keep_before_images(w.addresses, store_, view_);
      keep_before_images(w.memberships, store_, view_);
    }
    if (pinned) {
      // Pinned reads get the images as of their pin of every row this commit changes, and
      // what retiring elements needs is made, before any change is applied.
      pinned->keep_images(w.customers, store_);
      pinned->keep_images(w.groups, store_);
      pinned->keep_images(w.addresses, store_);
      pinned->keep_images(w.memberships, store_);
      customers.prepare_retiring(*pinned, sequence);
      groups.prepare_retiring(*pinned, sequence);
      addresses.prepare_retiring(*pinned, sequence);
      memberships.prepare_retiring(*pinned, sequence);
    }
    customers.insert_into(store_.customers);
    ++inserted;
    groups.insert_into(store_.groups);
    ++inserted;
    addresses.insert_into(store_.addresses);
    ++inserted;
    memberships.insert_into(store_.memberships);
  } catch (...) {
    if (inserted > 2) addresses.erase_inserted(store_.addresses, addresses.inserted.size());
    if (inserted > 1) groups.erase_inserted(store_.groups, groups.inserted.size());
    if (inserted > 0) customers.erase_inserted(store_.customers, customers.inserted.size());
    if (hook_) hook_->abandon(sequence);
    throw;
  }
  customers.replace_and_erase_in(store_.customers);
  groups.replace_and_erase_in(store_.groups);
  addresses.replace_and_erase_in(store_.addresses);
  memberships.replace_and_erase_in(store_.memberships);
  refresh_published_defaults(w, store_);
  store_.sequence = sequence;
  if (source_position) store_.source_position = source_position;
  if (pinned) pinned->release();
  return sequence;
}

std::uint64_t engine::mark() {
  check_writable();
  return writer_.run([&] {
    mark_.emplace(store_.sequence);
    return store_.sequence;
  });
}

std::size_t engine::rewind() {
  check_writable();
  std::uint64_t sequence = 0;
  std::size_t restored = 0;
  writer_.run([&] {
    if (!mark_)
      throw error(error_code::not_allowed, "There is no mark to rewind to: call mark first");
    write_view t(store_);
    mark_->undo_into(t);
    restored = t.touched().size();
    // Published without the log, which then starts again empty: the store is as at the mark.
    std::optional<undo_log> log;
    log.swap(mark_);
    try {
      sequence = publish(t);
    } catch (...) {
      mark_.swap(log);
      throw;
    }
    mark_.emplace(log->sequence());
  });
  committed(sequence);
  return restored;
}

std::size_t engine::clear() {
  check_writable();
  std::uint64_t sequence = 0;
  std::size_t erased = 0;
  writer_.run([&] {
    write_view t(store_);
    const auto erase_all = [&]<class Row>(const table_for_t<Row>& table) {
      table.scan(false, false, [&](const slot<Row>& s) {
        t.erase<Row>(s.id.text());
        return true;
      });
    };
    erase_all.operator()<membership_row>(store_.memberships);
    erase_all.operator()<address_row>(store_.addresses);
    erase_all.operator()<customer_row>(store_.customers);
    erase_all.operator()<group_row>(store_.groups);
    erased = t.touched().size();
    sequence = publish(t);
  });
  committed(sequence);
  return erased;
}

std::shared_ptr<transaction> engine::begin(const transaction_options& options) {
  std::shared_lock lock(latch_);  // a stable store_.sequence
  return std::make_shared<transaction>(store_, options);
}

void engine::commit(transaction& tx) {
  std::unique_lock call = enter(tx);
  std::uint64_t sequence = 0;
  writer_.run([&] {
    try {
      validate(tx.writes, tx.begin_sequence);
      sequence = publish(tx.writes);
    } catch (...) {
      tx.state = transaction::status::rolled_back;
      tx.writes.rollback_to(0);
      throw;
    }
    tx.state = transaction::status::committed;
  });
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
