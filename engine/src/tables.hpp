// One small class per entity over boost::multi_index_container, holding immutable rows in
// slots that carry the rows' index keys inline (slot.hpp, keys.hpp).
//
// Every table has a ranked unique index by id (the default `id ASC` order, and `skip` in
// O(log n)) and, next to the container, a flat hash index by id for point lookups
// (id_index.hpp: one cache miss fewer than a node-based hash index). The entity tables add the
// indexes their foreign keys and unique rules need. Each table declares the fields the query
// planner may find its rows by through these indexes (`indexed_fields`).
//
// A table is the only code that names its indexes: callers find rows by id, by an indexed field
// (lookup<"customer_id">), in id order (scan, page, in_id_order) or as a group's members, and
// change them through put/insert/append/erase, which update every index through the container
// (replace; an element whose keys all stay only takes the new row, see put). The prefetching that
// hides the indexes' cache misses lives here too. Thread-compatible.
#pragma once

#include <algorithm>
#include <array>
#include <boost/mpl/contains.hpp>
#include <boost/mpl/size.hpp>
#include <boost/multi_index/composite_key.hpp>
#include <boost/multi_index/global_fun.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/ordered_index.hpp>
#include <boost/multi_index/ranked_index.hpp>
#include <boost/multi_index_container.hpp>
#include <boost/tuple/tuple.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "id_index.hpp"
#include "keys.hpp"
#include "prefetch.hpp"
#include "rows.hpp"
#include "slot.hpp"

namespace customerdb::detail {

namespace mi = boost::multi_index;

// Index tags.
struct by_order {};
struct by_email {};
struct by_name {};
struct by_customer {};
struct by_group {};
struct by_live {};     // ranked (deleted, id): live rows in id order, O(log n) rank and nth
struct by_company {};  // customers by company_name

// Hashes any string-like key the same way, so that lookups take std::string_view.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

template <class Row>
const key& id_of(const slot<Row>& s) noexcept {
  return s.id;
}
template <class Row>
bool deleted_of(const slot<Row>& s) noexcept {
  return s.deleted;
}
inline const key& email_of(const slot<customer_row>& s) noexcept { return s.extra.email; }
inline const hashed_key& company_of(const slot<customer_row>& s) noexcept {
  return s.extra.company;
}
inline const key& name_of(const slot<group_row>& s) noexcept { return s.extra.name; }
template <class Row>
const auto& customer_of(const slot<Row>& s) noexcept {
  return s.extra.customer;
}
inline const key& group_of(const slot<membership_row>& s) noexcept { return s.extra.group; }

template <class Row>
using id_member = mi::global_fun<const slot<Row>&, const key&, &id_of<Row>>;

// A hash index by the key `Of` gives (a key or a hashed_key), found by a probe of either type.
template <class Row, class Tag, auto Of>
using hashed_by = mi::hashed_non_unique<
    mi::tag<Tag>,
    mi::global_fun<const slot<Row>&, decltype(Of(std::declval<const slot<Row>&>())), Of>, key_hash,
    key_equal>;

// Live rows first, each partition in id order.
template <class Row>
using live_index = mi::ranked_unique<
    mi::tag<by_live>,
    mi::composite_key<slot<Row>, mi::global_fun<const slot<Row>&, bool, &deleted_of<Row>>,
                      id_member<Row>>>;

// Nodes come from the pool (pool.hpp), like the rows they hold.
template <class Row, class... Extra>
using table_container = mi::multi_index_container<
    slot<Row>, mi::indexed_by<mi::ranked_unique<mi::tag<by_order>, id_member<Row>>, Extra...>,
    pool_allocator<slot<Row>>>;

// How a table finds the rows whose field equals a key, for the query planner (access_path.hpp).
enum class lookup_kind {
  id,             // the id index
  hashed,         // the hash index Tag, by the key
  leading,        // the ordered composite index Tag, by its leading key
  group_members,  // a relation through memberships: the customers of the group with the key
  member_groups,  // a relation through memberships: the groups of the customer with the key
};

// The name of an indexed field as a template argument: table::lookup<"customer_id">(...).
template <std::size_t N>
struct field_name {
  constexpr field_name(const char (&s)[N]) noexcept {  // NOLINT: implicit, for literals
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  constexpr std::string_view view() const noexcept { return {text, N - 1}; }
  char text[N]{};
};

// The fewest rows a scan walks in stretches (table::scan, `whole`); below it, one walk costs
// less than gathering. A variable so that tests can exercise both paths on small tables.
inline std::size_t gathered_scan_minimum = 4096;

// A field a table can find rows by: a column, or a relation compared with ids. `exact`: the
// rows found for a key are exactly the rows whose field equals it, unless the key is "" (which
// a text index shares with null); otherwise they may include others (a relation also needs the
// related row to exist), and the planner applies the filter to them.
template <lookup_kind Kind, class Tag = by_order>
struct indexed_field {
  static constexpr lookup_kind kind = Kind;
  using tag = Tag;
  std::string_view name;
  bool exact;
};

// The operations every table has. `Container` is a table_container; `IndexedFields` a tuple of
// indexed_field, the fields the table's indexes can find rows by.
template <class Row, class Container, const auto& IndexedFields>
class table {
 public:
  using row_type = Row;
  using container_type = Container;

  // Read by the query planner: no field outside this list is looked up through an index.
  static constexpr const auto& indexed_fields = IndexedFields;
  // Whether the table keeps its live rows apart (by_live), which makes a page of them O(log n).
  // Tables whose rows are seldom soft-deleted (addresses, memberships) do without: their
  // live-only scans skip the deleted rows, and pages count by walking.
  static constexpr bool ranks_live_rows =
      boost::mpl::contains<typename Container::index_specifier_type_list, live_index<Row>>::value;

  // Hash indexes keep up to max_bucket_load entries per bucket, not Boost's default of one:
  // half the bucket arrays (8 bytes a bucket), for a chain that is about half a node longer.
  table() {
    for_each_index(rows_, [](auto& idx) {
      if constexpr (requires { idx.max_load_factor(max_bucket_load); })
        idx.max_load_factor(max_bucket_load);
    });
  }
  static constexpr float max_bucket_load = 2.0f;
  // The id index points into the container's nodes: a copy would point into the original.
  table(const table&) = delete;
  table& operator=(const table&) = delete;

  // The row with `id`, or null.
  row_ptr<Row> find(std::string_view id) const { return find(key(id)); }
  row_ptr<Row> find(const key& id) const {
    const auto* s = find_slot(id);
    return s ? s->row : nullptr;
  }
  // The slot of the row with `id`, or null; valid until the table changes.
  const slot<Row>* find_slot(const key& id) const { return ids_.find(id); }

  std::size_t size() const noexcept { return rows_.size(); }

  // Inserts `row`, or replaces the row with the same id.
  void put(row_ptr<Row> row) { put(slot<Row>(std::move(row))); }
  // put(), with the row's slot built: replacing a row then allocates nothing. Inserting one
  // allocates its node, and throws std::bad_alloc with the table unchanged when
  // it cannot.
  void put(slot<Row>&& s) {
    const slot<Row>* found = ids_.find(s.id);
    if (!found) {
      add(std::move(s));
      return;
    }
    // A customer's addresses do not change when its row does.
    if constexpr (std::is_same_v<Row, customer_row>) s.extra.defaults = found->extra.defaults;
    if (same_keys(*found, s)) {
      // Every key is equal: the element takes the new row, the member no index reads, and keeps
      // its keys (those that refer to the row's text now refer to the new row's). replace() would
      // have every ordered index read the node's neighbours to check a position that cannot have
      // changed, cold cache lines in a large table: 16-18% more per one-row transaction at 10,000
      // customers and 7-18% at 1,000,000 (commit benchmark, docs/performance-history.md).
      found->take_row(std::move(s.row));
    } else {
      // Every index checks the new keys. The node, and so `found`, stays.
      auto& idx = rows_.template get<by_order>();
      if (!idx.replace(idx.iterator_to(*found), std::move(s)))
        throw std::logic_error("table::put: replacing a row broke a unique index");
    }
    ids_.set_row(*found);
  }

  // Inserts `row` unless a row with its id exists; returns whether it did.
  bool insert(row_ptr<Row> row) { return add(slot<Row>(std::move(row))); }

  // insert(), for rows that come in id order (a snapshot's): every ordered index is told that
  // the row goes last, so those whose order the rows follow (ids; and creation times or live
  // rows, when they follow the ids) link it after one comparison instead of a descent from the
  // root. An index the row does not go last in searches as insert() does. When a row with its
  // id exists, returns false and leaves `s` as it was.
  bool append(slot<Row>&& s) {
    auto& idx = rows_.template get<by_order>();
    // A row whose id follows the last cannot repeat one: the id index is not searched.
    const bool follows = idx.empty() || idx.rbegin()->id < s.id;
    if (!follows && ids_.find(s.id)) return false;
    ids_.reserve(ids_.size() + 1);  // so that indexing the new node below cannot fail
    ids_.insert(*idx.insert(idx.end(), std::move(s)));  // the id index holds every id: no clash
    return true;
  }

  // For bulk insertion: asks the CPU to fetch what inserting `s` reads first, the entry of the
  // id index and the first node of the bucket of each hash index. Once a table outgrows the
  // caches each of these is a miss; calling this for a batch of slots before inserting any of
  // them overlaps the batch's misses. Reads the buckets (the first node's address is in them),
  // so it costs a round of misses itself, shared by the batch.
  void prefetch_insert(const slot<Row>& s) const noexcept {
    ids_.prefetch(s.id.hash());
    for_each_index(rows_, [&](const auto& idx) {
      if constexpr (requires { idx.bucket(idx.key_extractor()(s)); })
        prefetch_bucket(idx, idx.key_extractor()(s));
    });
  }

  // Asks the CPU to fetch what lookup<Name>(k) reads first (see prefetch_insert): call it for
  // a batch of keys before looking up any of them. Name: a hashed indexed field.
  template <field_name Name>
  void prefetch_lookup(const key& k) const noexcept {
    using field = field_named<Name>;
    static_assert(field::kind == lookup_kind::hashed);
    prefetch_bucket(rows_.template get<typename field::tag>(), k);
  }

  // Prepares the hash indexes for `n` rows in all.
  void reserve(std::size_t n) {
    ids_.reserve(n);
    for_each_index(rows_, [n](auto& idx) {
      if constexpr (requires { idx.reserve(n); }) idx.reserve(n);
    });
  }

  // An element taken out of the container whole (put_retiring, erase_retiring).
  using node_type = typename Container::node_type;

  // put() and erase() for a table whose slots readers may still hold (pinned reads,
  // pinned_reads.hpp): the element replaced or erased is taken out of the container whole and
  // appended to `retired`, so that its address and contents stay as they were until the caller
  // drops the node; a replaced row gets a new element, made ahead by make_nodes. Neither
  // allocates when `retired` has room (the caller reserves it) and, for put_node_retiring, the
  // table held the id already (a customer's default address ids longer than a key keeps inline
  // aside, as for put).
  static std::vector<node_type> make_nodes(std::vector<slot<Row>>& slots) {
    std::vector<node_type> nodes;
    nodes.reserve(slots.size());
    Container scratch;
    for (auto& s : slots) nodes.push_back(scratch.extract(scratch.insert(std::move(s)).first));
    return nodes;
  }
  void put_node_retiring(node_type&& n, std::vector<node_type>& retired) {
    if (const slot<Row>* found = ids_.find(n.value().id)) {
      if constexpr (std::is_same_v<Row, customer_row>)
        n.value().extra.defaults = found->extra.defaults;
      retired.push_back(extract(*found));
    }
    ids_.reserve(ids_.size() + 1);
    ids_.insert(*rows_.template get<by_order>().insert(std::move(n)).position);
  }
  void erase_retiring(std::string_view id, std::vector<node_type>& retired) {
    if (const slot<Row>* found = ids_.find(key(id))) retired.push_back(extract(*found));
  }

  // Appends to `out` the slots of up to `n` rows that follow the id `after` in id order (from
  // the first row when null), soft-deleted ones included, walking several stretches of the
  // index at once when there are many (see scan). Returns whether rows remain after them.
  bool gather_after(const key* after, std::size_t n, std::vector<const slot<Row>*>& out) const {
    const auto& idx = rows_.template get<by_order>();
    const std::size_t begin = after ? idx.rank(idx.upper_bound(*after)) : 0;
    const std::size_t count = std::min(n, idx.size() - begin);
    out.reserve(out.size() + count);
    const auto push = [&](const slot<Row>& s) {
      out.push_back(&s);
      return true;
    };
    if (count >= gathered_scan_minimum / 4) {
      scan_gathered(idx, begin, count, push);
    } else {
      auto it = idx.nth(begin);
      for (std::size_t i = 0; i < count; ++i, ++it) push(*it);
    }
    return begin + count < idx.size();
  }

  // Removes the row with `id`, if any.
  void erase(std::string_view id) {
    const slot<Row>* found = ids_.find(key(id));
    if (!found) return;
    ids_.erase(*found);
    auto& idx = rows_.template get<by_order>();
    idx.erase(idx.iterator_to(*found));
  }

  // The rows in id order: a read-only ranked range (begin, end, size, nth, rank, upper_bound
  // by key). Valid until the table changes.
  const auto& in_id_order() const noexcept { return rows_.template get<by_order>(); }

  // The position in indexed_fields of the field `name` (indexed_fields' size when none).
  static constexpr std::size_t field_index(std::string_view name) {
    return std::apply(
        [&](const auto&... field) {
          std::size_t i = 0, found = sizeof...(field);
          ((found = field.name == name && found == sizeof...(field) ? i : found, ++i), ...);
          return found;
        },
        IndexedFields);
  }

  // The indexed field named `Name` (an element type of indexed_fields).
  template <field_name Name>
  using field_named = std::decay_t<decltype(std::get<field_index(Name.view())>(IndexedFields))>;

  // Calls f(slot) for each row whose field `Field` (an indexed_field of this table, hashed or
  // leading) equals `k`, in no particular order. On a hashed index it reads the node after the
  // last match only once f has seen the matches (equal_range reads it first), so the loads f
  // starts (a row prefetch) overlap with that cache miss.
  template <class Field, class F>
  void lookup_by(const key& k, F&& f) const {
    const auto& idx = rows_.template get<typename Field::tag>();
    if constexpr (Field::kind == lookup_kind::hashed) {
      for (auto it = idx.find(k); it != idx.end() && idx.key_eq()(idx.key_extractor()(*it), k);
           ++it)
        f(*it);
    } else {
      static_assert(Field::kind == lookup_kind::leading);
      for (auto [first, last] = idx.equal_range(boost::make_tuple(k)); first != last; ++first)
        f(*first);
    }
  }
  // lookup_by for the indexed field named `Name`, e.g. lookup<"customer_id">(k, f).
  template <field_name Name, class F>
  void lookup(const key& k, F&& f) const {
    lookup_by<field_named<Name>>(k, std::forward<F>(f));
  }

  // Calls f(customer key) for each customer that group `group` has a membership for, once, in
  // customer id order, until f returns false. Reads only the membership slots, not the rows.
  template <class F>
  requires std::is_same_v<Row, membership_row>
  void for_each_member_of(const key& group, F&& f) const {
    const auto& idx = rows_.template get<by_group>();
    const key* previous = nullptr;
    for (auto [first, last] = idx.equal_range(boost::make_tuple(group)); first != last; ++first) {
      const key& customer = first->extra.customer;
      if (previous && customer == *previous) continue;  // one customer appears once
      previous = &customer;
      if (!f(customer)) return;
    }
  }

  // Calls f(slot) for every row in id order (only the rows not soft-deleted when `live_only`)
  // until f returns false. `whole`: the caller means to visit every row (f returns false
  // rarely), which lets a large scan walk several stretches of the index at once. Rows are
  // prefetched ahead of f.
  template <class F>
  void scan(bool live_only, bool whole, F&& f) const {
    if constexpr (skips_deleted_rows) {
      if (live_only) return scan_all(whole, [&](const slot<Row>& s) { return s.deleted || f(s); });
    }
    scan_all(whole, f, live_only);
  }

 private:
  // scan() over the rows with_rows(live_only) gives.
  template <class F>
  void scan_all(bool whole, F&& f, bool live_only = false) const {
    with_rows(live_only, [&](const auto& idx, auto first, auto last) {
      if (whole) {
        const std::size_t begin = idx.rank(first), n = idx.rank(last) - begin;
        if (n >= gathered_scan_minimum) return scan_gathered(idx, begin, n, f);
      }
      // A second iterator walks `lookahead` nodes ahead and prefetches the rows, so that the
      // row misses overlap with the walk instead of following it.
      constexpr int lookahead = 16;
      auto lead = first;
      for (int i = 0; i < lookahead && lead != last; ++i, ++lead) prefetch_row(*lead);
      for (; first != last; ++first) {
        if (lead != last) prefetch_row(*lead++);
        if (!f(*first)) return;
      }
    });
  }

 public:
  // scan(live_only, false, f) over this table's rows merged in id order with the rows of
  // `overlay` (a write set's after-images), leaving out this table's rows for which
  // shadowed(slot) holds (the rows the write set replaced or erased).
  template <class Shadowed, class F>
  void scan_under(const table& overlay, bool live_only, Shadowed&& shadowed, F&& f) const {
    if constexpr (skips_deleted_rows) {
      if (live_only) {
        return merge_under(overlay, false, shadowed,
                           [&](const slot<Row>& s) { return s.deleted || f(s); });
      }
    }
    merge_under(overlay, live_only, shadowed, f);
  }

 private:
  // scan_under() over the rows with_rows(live_only) gives.
  template <class Shadowed, class F>
  void merge_under(const table& overlay, bool live_only, Shadowed& shadowed, F&& f) const {
    with_rows(live_only, [&](const auto&, auto first, auto last) {
      overlay.with_rows(live_only, [&](const auto&, auto next, auto stop) {
        for (; first != last; ++first) {
          for (; next != stop && next->id < first->id; ++next)
            if (!f(*next)) return;
          if (shadowed(*first)) continue;
          if (!f(*first)) return;
        }
        for (; next != stop; ++next)
          if (!f(*next)) return;
      });
    });
  }

 public:
  // Appends rows [skip, end) of the rows in id order (only the rows not soft-deleted when
  // `live_only`) to `out` and returns how many such rows there are, in O(log n + end - skip).
  std::size_t page(bool live_only, std::size_t skip, std::size_t end,
                   std::vector<const slot<Row>*>& out) const {
    if constexpr (skips_deleted_rows) {
      if (live_only) {  // O(n): a walk over every row
        std::size_t total = 0;
        scan(true, true, [&](const slot<Row>& s) {
          if (total >= skip && total < end) out.push_back(&s);
          ++total;
          return true;
        });
        return total;
      }
    }
    std::size_t total = 0;
    with_rows(live_only, [&](const auto& idx, auto lo, auto hi) {
      const std::size_t first = idx.rank(lo);
      total = idx.rank(hi) - first;
      if (skip >= total) return;
      const std::size_t stop = first + std::min(end, total);
      for (auto it = idx.nth(first + skip); first + skip < stop; ++it, ++skip) out.push_back(&*it);
    });
    return total;
  }

 private:
  // Live-only walks of this table test each row's deletion flag (no by_live index).
  static constexpr bool skips_deleted_rows = soft_deletable<Row> && !ranks_live_rows;

  // Calls f(index, first, last): the ranked index and range of the rows in id order, the live
  // ones (by_live) when `live_only` and the table ranks them apart.
  template <class F>
  void with_rows(bool live_only, F&& f) const {
    if constexpr (ranks_live_rows) {
      if (live_only) {
        const auto& idx = rows_.template get<by_live>();
        const auto [first, last] = idx.equal_range(boost::make_tuple(false));
        return f(idx, first, last);
      }
    }
    const auto& idx = rows_.template get<by_order>();
    f(idx, idx.begin(), idx.end());
  }

  // Calls f for the `n` rows of the ranked index `idx` from rank `begin` in order until it
  // returns false. A walk of an index is a chain of dependent cache misses, one node after the
  // other; this one walks `stretches` equal parts of the range in turn, so that their misses
  // overlap, gathering the slots in order, and then visits them with the rows prefetched.
  template <class Index, class F>
  static void scan_gathered(const Index& idx, std::size_t begin, std::size_t n, F& f) {
    constexpr std::size_t stretches = 8, prefetch_distance = 16;
    std::vector<const slot<Row>*> slots(n);
    std::array<typename Index::iterator, stretches> at;
    std::array<std::size_t, stretches> next{}, stop{};
    for (std::size_t k = 0; k < stretches; ++k) {
      next[k] = n * k / stretches;
      stop[k] = n * (k + 1) / stretches;
      at[k] = idx.nth(begin + next[k]);
    }
    for (bool more = true; more;) {
      more = false;
      for (std::size_t k = 0; k < stretches; ++k) {
        if (next[k] == stop[k]) continue;
        slots[next[k]++] = &*at[k];
        ++at[k];
        more = true;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (i + prefetch_distance < n) prefetch_row(*slots[i + prefetch_distance]);
      if (!f(*slots[i])) return;
    }
  }

  // Calls f(index) for each index of the container `rows` (this table's rows_, const or not).
  template <class Rows, class F>
  static void for_each_index(Rows& rows, F&& f) {
    constexpr std::size_t n = boost::mpl::size<typename Container::index_type_list>::value;
    [&]<std::size_t... I>(std::index_sequence<I...>) { (f(rows.template get<I>()), ...); }
    (std::make_index_sequence<n>{});
  }

  // Reads the bucket of `k` in the hash index `idx` and asks for its first node: the key and
  // links that a search or an insertion compares and follows.
  template <class Index, class Key>
  static void prefetch_bucket(const Index& idx, const Key& k) noexcept {
    const auto n = idx.bucket(k);
    const auto first = idx.begin(n);
    if (first == idx.end(n)) return;
    prefetch_lines(std::addressof(*first));
  }

  // Takes the element `s` out of the container and the id index.
  node_type extract(const slot<Row>& s) noexcept {
    ids_.erase(s);
    auto& idx = rows_.template get<by_order>();
    return idx.extract(idx.iterator_to(s));
  }

  // Inserts `s` into the container and the id index unless its id is taken.
  bool add(slot<Row>&& s) {
    ids_.reserve(ids_.size() + 1);  // so that indexing the new node below cannot fail
    auto [it, added] = rows_.insert(std::move(s));
    if (added) ids_.insert(*it);
    return added;
  }

  Container rows_;
  id_index<slot<Row>, Row> ids_;
};

inline constexpr std::tuple customer_indexed_fields{
    indexed_field<lookup_kind::id>{"id", true},
    indexed_field<lookup_kind::hashed, by_email>{"email", true},
    indexed_field<lookup_kind::hashed, by_company>{"company_name", true},
    indexed_field<lookup_kind::group_members>{"groups", false},
};
using customer_table = table<customer_row,
                             table_container<customer_row, live_index<customer_row>,
                                             hashed_by<customer_row, by_email, &email_of>,
                                             hashed_by<customer_row, by_company, &company_of>>,
                             customer_indexed_fields>;

inline constexpr std::tuple group_indexed_fields{
    indexed_field<lookup_kind::id>{"id", true},
    indexed_field<lookup_kind::hashed, by_name>{"name", true},
    indexed_field<lookup_kind::member_groups>{"customers", false},
};
using group_table = table<
    group_row,
    table_container<group_row, live_index<group_row>, hashed_by<group_row, by_name, &name_of>>,
    group_indexed_fields>;

inline constexpr std::tuple address_indexed_fields{
    indexed_field<lookup_kind::id>{"id", true},
    indexed_field<lookup_kind::hashed, by_customer>{"customer_id", true},
    indexed_field<lookup_kind::hashed, by_customer>{"customer", false},
};
using address_table = table<
    address_row,
    table_container<address_row, hashed_by<address_row, by_customer, &customer_of<address_row>>>,
    address_indexed_fields>;

inline constexpr std::tuple membership_indexed_fields{
    indexed_field<lookup_kind::id>{"id", true},
    indexed_field<lookup_kind::hashed, by_customer>{"customer_id", true},
    indexed_field<lookup_kind::hashed, by_customer>{"customer", false},
    indexed_field<lookup_kind::leading, by_group>{"customer_group_id", true},
    indexed_field<lookup_kind::leading, by_group>{"customer_group", false},
};
// by_group is ordered by (group, customer): a group's customers come in id order.
using membership_table = table<
    membership_row,
    table_container<
        membership_row, hashed_by<membership_row, by_customer, &customer_of<membership_row>>,
        mi::ordered_non_unique<
            mi::tag<by_group>,
            mi::composite_key<slot<membership_row>,
                              mi::global_fun<const slot<membership_row>&, const key&, &group_of>,
                              mi::global_fun<const slot<membership_row>&, const key&,
                                             &customer_of<membership_row>>>>>,
    membership_indexed_fields>;

// The tables, in `entity` order (rows.hpp).
using entity_tables = std::tuple<group_table, customer_table, address_table, membership_table>;

template <class Row>
using table_for_t = std::tuple_element_t<static_cast<std::size_t>(Row::kind), entity_tables>;
static_assert(std::is_same_v<table_for_t<customer_row>::row_type, customer_row> &&
              std::is_same_v<table_for_t<group_row>::row_type, group_row> &&
              std::is_same_v<table_for_t<address_row>::row_type, address_row> &&
              std::is_same_v<table_for_t<membership_row>::row_type, membership_row>);

}  // namespace customerdb::detail
