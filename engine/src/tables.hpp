// One small class per entity over boost::multi_index_container, holding immutable rows.
//
// Every table has a hashed unique index by id (point lookups) and a ranked unique index by id
// (the default `id ASC` order, and `skip` in O(log n)). The entity tables add the indexes their
// foreign keys and unique rules need. Thread-compatible.
#pragma once

#include <boost/mpl/size.hpp>
#include <boost/multi_index/composite_key.hpp>
#include <boost/multi_index/global_fun.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/ordered_index.hpp>
#include <boost/multi_index/ranked_index.hpp>
#include <boost/multi_index_container.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "rows.hpp"

namespace customerdb::detail {

namespace mi = boost::multi_index;

// Index tags.
struct by_id {};
struct by_order {};
struct by_email {};
struct by_name {};
struct by_customer {};
struct by_group {};
struct by_pair {};
struct by_live {};     // ranked (deleted, id): live rows in id order, O(log n) rank and nth
struct by_company {};  // customers by company_name
struct by_created {};  // ordered by created_at

// Hashes any string-like key the same way, so that lookups take std::string_view.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Key of a nullable text column for a hashed index: null and "" share a bucket; lookups
// compare the real value afterwards.
inline std::string_view customer_email_key(const customer_row& r) noexcept {
  return r.email ? std::string_view(*r.email) : std::string_view();
}
inline std::string_view group_name_key(const group_row& r) noexcept {
  return r.name ? std::string_view(*r.name) : std::string_view();
}
inline std::string_view customer_company_key(const customer_row& r) noexcept {
  return r.company_name ? std::string_view(*r.company_name) : std::string_view();
}
template <class Row>
bool deleted_key(const Row& r) noexcept {
  return r.deleted_at.has_value();
}
template <class Row>
timestamp created_key(const Row& r) noexcept {
  return r.created_at;
}

template <class Row>
const std::string& row_id(const Row& r) noexcept {
  return r.id;
}
inline const std::string& customer_id_of(const address_row& r) noexcept { return r.customer_id; }
inline const std::string& customer_id_of(const membership_row& r) noexcept { return r.customer_id; }
inline const std::string& group_id_of(const membership_row& r) noexcept {
  return r.customer_group_id;
}

template <class Row>
using id_member = mi::global_fun<const Row&, const std::string&, &row_id<Row>>;

// Live rows first, each partition in id order.
template <class Row>
using live_index = mi::ranked_unique<
    mi::tag<by_live>,
    mi::composite_key<Row, mi::global_fun<const Row&, bool, &deleted_key<Row>>, id_member<Row>>>;

template <class Row>
using created_index =
    mi::ordered_non_unique<mi::tag<by_created>,
                           mi::global_fun<const Row&, timestamp, &created_key<Row>>>;

template <class Row, class... Extra>
using table_container = mi::multi_index_container<
    row_ptr<Row>,
    mi::indexed_by<mi::hashed_unique<mi::tag<by_id>, id_member<Row>, string_hash, std::equal_to<>>,
                   mi::ranked_unique<mi::tag<by_order>, id_member<Row>, std::less<>>, Extra...>>;

// The operations every table has. `Container` is a table_container.
template <class Row, class Container>
class table {
 public:
  using row_type = Row;
  using container_type = Container;

  // The row with `id`, or null.
  row_ptr<Row> find(std::string_view id) const {
    const auto& idx = rows_.template get<by_id>();
    auto it = idx.find(id, string_hash{}, std::equal_to<>{});
    return it == idx.end() ? nullptr : *it;
  }

  std::size_t size() const noexcept { return rows_.size(); }

  // Inserts `row`, or replaces the row with the same id.
  void put(row_ptr<Row> row) {
    auto& idx = rows_.template get<by_id>();
    auto it = idx.find(std::string_view(row->id), string_hash{}, std::equal_to<>{});
    if (it == idx.end()) {
      idx.insert(std::move(row));
    } else {
      idx.replace(it, std::move(row));
    }
  }

  // Inserts `row` unless a row with its id exists; returns whether it did.
  bool insert(row_ptr<Row> row) { return rows_.insert(std::move(row)).second; }

  // Prepares the hashed indexes for `n` rows in all.
  void reserve(std::size_t n) { reserve_hashed<0>(n); }

  // Removes the row with `id`, if any.
  void erase(std::string_view id) {
    auto& idx = rows_.template get<by_id>();
    auto it = idx.find(id, string_hash{}, std::equal_to<>{});
    if (it != idx.end()) idx.erase(it);
  }

  // Rows in id order.
  const auto& ordered() const noexcept { return rows_.template get<by_order>(); }

  template <class Tag>
  const auto& index() const noexcept {
    return rows_.template get<Tag>();
  }

  // Rows whose index `Tag` has key `key`.
  template <class Tag, class Key>
  auto equal_range(const Key& key) const {
    return rows_.template get<Tag>().equal_range(key);
  }

 private:
  template <std::size_t I>
  void reserve_hashed(std::size_t n) {
    if constexpr (I < boost::mpl::size<typename Container::index_type_list>::value) {
      auto& idx = rows_.template get<I>();
      if constexpr (requires { idx.reserve(n); }) idx.reserve(n);
      reserve_hashed<I + 1>(n);
    }
  }

  Container rows_;
};

using customer_table = table<
    customer_row,
    table_container<customer_row, live_index<customer_row>,
                    mi::hashed_non_unique<
                        mi::tag<by_email>,
                        mi::global_fun<const customer_row&, std::string_view, &customer_email_key>,
                        string_hash>,
                    mi::hashed_non_unique<mi::tag<by_company>,
                                          mi::global_fun<const customer_row&, std::string_view,
                                                         &customer_company_key>,
                                          string_hash>,
                    created_index<customer_row>>>;

using group_table =
    table<group_row,
          table_container<
              group_row, live_index<group_row>,
              mi::hashed_non_unique<
                  mi::tag<by_name>,
                  mi::global_fun<const group_row&, std::string_view, &group_name_key>, string_hash>,
              created_index<group_row>>>;

using address_table =
    table<address_row,
          table_container<address_row,
                          mi::hashed_non_unique<mi::tag<by_customer>,
                                                mi::global_fun<const address_row&,
                                                               const std::string&, &customer_id_of>,
                                                string_hash, std::equal_to<>>,
                          created_index<address_row>>>;

// by_group is ordered by (group, customer): a group's customers come in id order.
using membership_table =
    table<membership_row,
          table_container<
              membership_row,
              mi::hashed_non_unique<
                  mi::tag<by_customer>,
                  mi::global_fun<const membership_row&, const std::string&, &customer_id_of>,
                  string_hash, std::equal_to<>>,
              mi::ordered_non_unique<
                  mi::tag<by_group>,
                  mi::composite_key<
                      membership_row,
                      mi::global_fun<const membership_row&, const std::string&, &group_id_of>,
                      mi::global_fun<const membership_row&, const std::string&, &customer_id_of>>>,
              mi::hashed_non_unique<
                  mi::tag<by_pair>,
                  mi::composite_key<
                      membership_row,
                      mi::global_fun<const membership_row&, const std::string&, &customer_id_of>,
                      mi::global_fun<const membership_row&, const std::string&, &group_id_of>>,
                  mi::composite_key_hash<std::hash<std::string>, std::hash<std::string>>>,
              created_index<membership_row>>>;

template <class Row>
struct table_for;
template <>
struct table_for<customer_row> {
  using type = customer_table;
};
template <>
struct table_for<group_row> {
  using type = group_table;
};
template <>
struct table_for<address_row> {
  using type = address_table;
};
template <>
struct table_for<membership_row> {
  using type = membership_table;
};
template <class Row>
using table_for_t = typename table_for<Row>::type;

// Whether rows of this type can be soft-deleted (and so have the by_live index).
template <class Row>
inline constexpr bool soft_deletable =
    std::is_same_v<Row, customer_row> || std::is_same_v<Row, group_row>;

}  // namespace customerdb::detail
