// The bodies of the methods the entities have alike (retrieve, list, listAndCount, update and
// delete by ids or selector, softDelete, restore), shared by both interfaces: customer_module
// (v1) and customer_module_v2 call them with their dialect (dialect.hpp). The limits of the
// module are checked here, before the call starts working.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "customerdb/customer_module.hpp"
#include "dialect.hpp"
#include "engine.hpp"
#include "entity_hooks.hpp"
#include "entity_steps.hpp"
#include "limit_checks.hpp"

namespace customerdb::detail {

// Hard-deletes the existing rows among `ids` (unknown ids are ignored) with what depends on
// them, as Medusa's cascades do: a customer's addresses and memberships, a group's memberships.
template <class Row>
void erase_with_dependents(write_view& t, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (!t.find<Row>(id)) continue;
    if constexpr (std::is_same_v<Row, customer_row>) {
      for (const auto& a : t.addresses_of(id)) t.erase<address_row>(a->id);
      for (const auto& m : t.memberships_of_customer(id)) t.erase<membership_row>(m->id);
    } else if constexpr (std::is_same_v<Row, group_row>) {
      for (const auto& m : t.memberships_of_group(id)) t.erase<membership_row>(m->id);
    }
    t.erase<Row>(id);
  }
}

// One interface's view of the engine. Thread-safe as the engine is.
struct entity_calls {
  engine& e;
  const query_limits& limits;
  dialect d;

  template <class Row>
  dto_t<Row> retrieve(const call& c, id_view id, const find_config& config) const {
    check_relation_limits(config, limits);
    return e.read(c, [&](const view& v) {
      return detail::retrieve<Row>(v, id, config, limits.max_answer_rows, d);
    });
  }

  template <class Row>
  std::vector<dto_t<Row>> list(const call& c, const filter& filters,
                               const find_config& config) const {
    check_list_limits<Row>(filters, config);
    return e.read(c, [&](const view& v) {
      return detail::list<Row>(v, filters, config, limits.max_answer_rows, d);
    });
  }

  template <class Row>
  list_and_count_result<dto_t<Row>> list_and_count(const call& c, const filter& filters,
                                                   const find_config& config) const {
    check_list_limits<Row>(filters, config);
    return e.read(c, [&](const view& v) {
      return detail::list_and_count<Row>(v, filters, config, limits.max_answer_rows, d);
    });
  }

  // Updates `target` (ids or a selector) with `data`, then checks the data's references.
  // `check_data(data)` runs once the targets are found, before the first row changes: a call
  // whose targets are missing (not_found) or match nothing ([]) never meets it, as in Medusa.
  template <class Row, class Target, class Data, class CheckData = void (*)(const Data&)>
  std::vector<dto_t<Row>> update(
      const call& c, const Target& target, const Data& data,
      CheckData&& check_data = [](const Data&) {}) const {
    if constexpr (std::is_same_v<Target, std::vector<std::string>>) {
      if (target.empty()) return {};
    } else if constexpr (std::is_same_v<Target, filter>) {
      check_filter_limits<Row>(target, limits);
    }
    return update_entities<Row>(
        e, c, target, d,
        [&](Row& r) {
          check_data(data);
          return apply_update(r, data, d);
        },
        [&](const view& v) { check_update_references(v, data); });
  }

  template <class Row>
  void erase(const call& c, const std::vector<std::string>& ids) const {
    if (ids.empty()) return;
    e.write(c, [&](write_view& t) { erase_with_dependents<Row>(t, unique_ids(ids)); });
  }

  template <class Row>
  void erase(const call& c, const filter& selector) const {
    check_filter_limits<Row>(selector, limits);
    e.write(c, [&](write_view& t) {
      erase_with_dependents<Row>(
          t, ids_of(select_rows<Row>(t, selector, query_kind::delete_selector, d)));
    });
  }

  // soft_delete (Restore false) or restore (Restore true), with v2's cascade from customers to
  // their addresses.
  template <class Row, bool Restore>
  linkable_ids soft_delete_or_restore(const call& c, const std::vector<std::string>& ids,
                                      const soft_delete_config& config) const {
    if (ids.empty()) return {};
    return e.write(
        c, [&](write_view& t) { return soft_delete_or_restore_in<Row, Restore>(t, ids, config); });
  }

  // The same for the rows `selector` matches (Medusa v2 takes a filter object too): live rows
  // for a soft delete, soft-deleted ones too for a restore; `q` is refused as in a delete
  // selector (decision D27).
  template <class Row, bool Restore>
  linkable_ids soft_delete_or_restore(const call& c, const filter& selector,
                                      const soft_delete_config& config) const {
    check_filter_limits<Row>(selector, limits);
    return e.write(c, [&](write_view& t) {
      const auto ids =
          ids_of(select_rows<Row>(t, selector, query_kind::soft_delete_selector, d, Restore));
      return soft_delete_or_restore_in<Row, Restore>(t, ids, config);
    });
  }

 private:
  template <class Row, bool Restore>
  linkable_ids soft_delete_or_restore_in(write_view& t, const std::vector<std::string>& ids,
                                         const soft_delete_config& config) const {
    const timestamp now = e.now();
    std::vector<std::string> done;
    if constexpr (Restore) {
      done = detail::restore<Row>(t, ids, now, d);
    } else {
      done = detail::soft_delete<Row>(t, ids, now);
    }
    linkable_ids out;
    if constexpr (std::is_same_v<Row, customer_row>) {
      if (d == dialect::v2)
        add_linkable<address_row>(out, cascade_to_addresses(t, done, Restore, now), config);
    }
    add_linkable<Row>(out, std::move(done), config);
    return out;
  }

  template <class Row>
  void check_list_limits(const filter& filters, const find_config& config) const {
    check_filter_limits<Row>(filters, limits);
    check_relation_limits(config, limits);
  }
};

}  // namespace customerdb::detail
