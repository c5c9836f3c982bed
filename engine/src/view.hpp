// The read path over the committed tables with a write set on top (view), and a view with its
// own write set, the unit of every write (write_view). A view reads the write set first and the
// committed tables second, so a transaction sees its own writes and nobody else's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "call_budget.hpp"
#include "rows.hpp"
#include "store.hpp"
#include "tables.hpp"
#include "write_set.hpp"

namespace customerdb::detail {

// Reads the committed tables with an optional write set on top. Thread-compatible; the caller
// holds the store's latch while it reads.
//
// With a budget (set by the engine for the call it serves), every row a scan, a lookup or a
// caller's loop visits is counted against it (tick), which throws timed_out when the call must
// stop (call_budget.hpp).
class view {
 public:
  view(const store& s, const write_set* writes) : store_(&s), writes_(writes) {}

  // The call the view serves from now on: the rows visited count against `budget` (null:
  // none), and `call_time`, by the module's clock, is what `now` and `today` in a filter's
  // timestamp operand mean (the epoch until the engine sets it). Not thread-safe: the call that
  // owns the view sets it.
  void serve(call_budget* budget, timestamp call_time) noexcept {
    budget_ = budget;
    call_time_ = call_time;
  }
  timestamp call_time() const noexcept { return call_time_; }
  // Counts one row visited by the caller (see call_budget::tick).
  void tick() const {
    if (budget_) budget_->tick();
  }
  // tick(), where the caller holds no iterator into a table, so that a read may give way to
  // commits here (call_budget::pause, pinned_reads.hpp).
  void pause() const {
    if (budget_) budget_->pause();
  }
  // Reads `writes` on top of the committed tables from now on: for a pinned read, the images of
  // the rows changed since its pin.
  void read_through(const write_set* writes) noexcept { writes_ = writes; }

  // The visible row with `id` (soft-deleted rows included), or null.
  template <class Row>
  row_ptr<Row> find(std::string_view id) const {
    if (writes_) {
      if (const auto* c = writes_->of<Row>().find(id)) return c->after;
    }
    return store_->of<Row>().find(id);
  }

  // Whether this view has uncommitted writes to rows of this type.
  template <class Row>
  bool has_writes() const noexcept {
    return writes_ && !writes_->of<Row>().empty();
  }

  // Calls f(slot) for every visible row in id order until f returns false; only live rows when
  // `live_only`. `whole`: the caller means to visit every row (f returns false rarely), which
  // lets a large scan walk several stretches of the index at once (table::scan).
  template <class Row, class F>
  void scan(bool live_only, F&& f, bool whole = false) const {
    if (budget_ && budget_->may_yield()) return scan_in_chunks<Row>(live_only, f);
    const auto visit = [&](const slot<Row>& s) {
      tick();
      return f(s);
    };
    const auto& table = store_->of<Row>();
    if (!has_writes<Row>()) return table.scan(live_only, whole, visit);
    const auto& changes = writes_->of<Row>();
    table.scan_under(
        changes.afters(), live_only,
        [&](const slot<Row>& s) { return changes.find(s.id.text()) != nullptr; }, visit);
  }

  // Rows [skip, end) of the rows in id order (live ones when `live_only`) and how many such
  // rows there are, in O(log n + end - skip). REQUIRES: !has_writes<Row>().
  template <class Row>
  std::size_t page(bool live_only, std::size_t skip, std::size_t end,
                   std::vector<const slot<Row>*>& out) const {
    return store_->of<Row>().page(live_only, skip, end, out);
  }

  // Calls f(slot) for every visible row whose indexed field `Field` (table::lookup_by) equals
  // `k`, in no particular order.
  template <class Row, class Field, class F>
  void lookup_by(const key& k, F&& f) const {
    const auto* changes = has_writes<Row>() ? &writes_->of<Row>() : nullptr;
    store_->of<Row>().template lookup_by<Field>(k, [&](const slot<Row>& s) {
      tick();
      if (!changes || !changes->find(s.id.text())) f(s);
    });
    if (changes) changes->afters().template lookup_by<Field>(k, f);
  }
  // lookup_by for the indexed field named `Name`, e.g. lookup<address_row, "customer_id">.
  template <class Row, field_name Name, class F>
  void lookup(const key& k, F&& f) const {
    lookup_by<Row, typename table_for_t<Row>::template field_named<Name>>(k, std::forward<F>(f));
  }

  // Domain lookups, each sorted by id.
  std::vector<row_ptr<address_row>> addresses_of(std::string_view customer_id) const;
  std::vector<row_ptr<membership_row>> memberships_of_customer(std::string_view customer_id) const;
  std::vector<row_ptr<membership_row>> memberships_of_group(std::string_view group_id) const;
  std::vector<row_ptr<membership_row>> memberships_of_pair(std::string_view customer_id,
                                                           std::string_view group_id) const;
  // The ids of the customer's default billing and shipping addresses (empty when none; the
  // smallest id if a transaction briefly holds two). Read from the customer's slot when this
  // view has no address writes, else from the addresses.
  struct default_ids {
    std::string_view billing;
    std::string_view shipping;
  };
  default_ids default_addresses_of(std::string_view customer_id) const;
  // The same for the customer in slot `customer`, without looking it up.
  default_ids default_addresses_of(const slot<customer_row>& customer) const;

  // The visible slot of the row with `id` (soft-deleted rows included), or null; valid until
  // the view's tables change.
  template <class Row>
  const slot<Row>* find_slot(std::string_view id) const {
    const key k(id);
    if (writes_) {
      if (const auto* c = writes_->of<Row>().find(id))
        return c->after ? writes_->of<Row>().afters().find_slot(k) : nullptr;
    }
    return store_->of<Row>().find_slot(k);
  }

  const store& committed() const noexcept { return *store_; }

 private:
  // scan() for a read that may give way to commits: gathers the rows a chunk at a time (holding
  // no iterator between chunks), pausing before each row, and resumes after the last id read.
  template <class Row, class F>
  void scan_in_chunks(bool live_only, F& f) const;

  const store* store_;
  const write_set* writes_;
  call_budget* budget_ = nullptr;
  timestamp call_time_{};
};

template <class Row, class F>
void view::scan_in_chunks(bool live_only, F& f) const {
  constexpr std::size_t first_chunk = 64, largest_chunk = 256, prefetch_distance = 16;
  const auto& table = store_->of<Row>();
  std::vector<const slot<Row>*> gathered, rows;
  std::string last;  // the id the next chunk follows, once started
  bool started = false;
  for (std::size_t n = first_chunk;; n = std::min(2 * n, largest_chunk)) {
    const key after(last);
    gathered.clear();
    const bool more = table.gather_after(started ? &after : nullptr, n, gathered);
    // The chunk covers the ids after `last` up to the last one gathered (all, at the end); a
    // write set on top replaces the rows it wrote there.
    const std::string bound = more ? std::string(gathered.back()->id.text()) : std::string();
    rows.clear();
    const auto keep = [&](const slot<Row>& s) {
      if (!live_only || !s.deleted) rows.push_back(&s);
    };
    if (!has_writes<Row>()) {
      for (const auto* s : gathered) keep(*s);
    } else {
      const auto& changes = writes_->of<Row>();
      const auto& written = changes.afters().in_id_order();
      auto next = started ? written.upper_bound(after) : written.begin();
      const auto within = [&](const slot<Row>& s) { return !more || s.id.text() <= bound; };
      for (const auto* s : gathered) {
        for (; next != written.end() && next->id < s->id; ++next) keep(*next);
        if (!changes.find(s->id.text())) keep(*s);
      }
      for (; next != written.end() && within(*next); ++next) keep(*next);
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i + prefetch_distance < rows.size()) prefetch_row(*rows[i + prefetch_distance]);
      pause();
      if (!f(*rows[i])) return;
    }
    if (!more) return;
    last = bound;
    started = true;
  }
}

// A view with a private write set: the unit of every write. Thread-compatible.
//
// With `savepoints`, every write is logged so that rollback_to(mark()) undoes the writes made
// after the mark: a failed call inside a longer transaction leaves it as it was.
class write_view : public view {
 public:
  struct touch {
    entity kind;
    std::string id;
  };

  explicit write_view(const store& s, bool savepoints = false)
      : view(s, &writes_), savepoints_(savepoints) {}
  write_view(const write_view&) = delete;
  write_view& operator=(const write_view&) = delete;

  // Inserts `row` or replaces the visible row with its id.
  template <class Row>
  void put(row_ptr<Row> row) {
    const std::string id(row->id.view());
    record<Row>(id, std::move(row));
  }

  // Erases the visible row with `id`.
  template <class Row>
  void erase(const std::string& id) {
    record<Row>(id, nullptr);
  }
  template <class Row>
  void erase(std::string_view id) {
    record<Row>(std::string(id), nullptr);
  }

  // The rows written, in order (an id may appear more than once).
  const std::vector<touch>& touched() const noexcept { return touched_; }
  std::size_t mark() const noexcept { return touched_.size(); }
  // Undoes every write made since `mark`. REQUIRES: savepoints.
  void rollback_to(std::size_t mark) {
    while (touched_.size() > mark) {
      undo_.back()();
      undo_.pop_back();
      touched_.pop_back();
    }
  }

  const write_set& writes() const noexcept { return writes_; }

 private:
  template <class Row>
  void record(const std::string& id, row_ptr<Row> after) {
    auto& changes = writes_.of<Row>();
    const auto* c = changes.find(id);
    // Whatever allocates comes before the write is recorded, or undoes it: out of memory, the
    // write is not made, and rollback_to() pairs each touch with its undo.
    touch t{entity_of<Row>(), id};
    reserve_one_more(touched_);
    if (savepoints_) {
      std::optional<change<Row>> previous;
      if (c) previous = *c;
      undo_.push_back([&changes, id, previous] { changes.undo(id, previous); });
    }
    row_ptr<Row> before = c ? c->before : committed().of<Row>().find(id);
    try {
      changes.record(id, before, std::move(after));
    } catch (...) {
      if (savepoints_) undo_.pop_back();
      throw;
    }
    touched_.push_back(std::move(t));
  }

  write_set writes_;
  bool savepoints_;
  std::vector<touch> touched_;
  std::vector<std::function<void()>> undo_;
};

}  // namespace customerdb::detail
