#include "schema.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace customerdb::detail {
namespace {

cell value_cell(const packed_optional& s) { return s ? cell(*s) : cell(nullptr); }
cell value_cell(const packed_string& s) { return cell(s.view()); }
cell value_cell(const packed_metadata& m) { return m ? cell(&*m) : cell(nullptr); }
cell value_cell(const std::optional<timestamp>& t) { return t ? cell(*t) : cell(nullptr); }
cell value_cell(timestamp t) { return cell(t); }
cell value_cell(bool b) { return cell(b); }

// The derived columns of customers: the id of the default billing (or shipping) address,
// kept by the store (decision D9).
template <std::size_t I>
cell derived_cell(const customer_row& r, const view& v) {
  constexpr std::string_view name = std::get<I>(customer_columns::all).name;
  static_assert(name == "default_billing_address_id" || name == "default_shipping_address_id");
  const auto ids = v.default_addresses_of(r.id);
  const std::string_view id = name == "default_billing_address_id" ? ids.billing : ids.shipping;
  return id.empty() ? cell(nullptr) : cell(id);
}

// The value of column I of a row.
template <class Row, std::size_t I>
cell column_cell(const Row& r, const view& v) {
  constexpr const auto& column = std::get<I>(Row::columns::all);
  if constexpr (std::remove_cvref_t<decltype(column)>::template is<column_kind::derived>)
    return derived_cell<I>(r, v);
  else
    return value_cell(column.member(r));
}

template <class Kind>
constexpr field_kind field_kind_of() {
  if constexpr (std::is_same_v<Kind, column_kind::flag>) return field_kind::boolean;
  if constexpr (std::is_same_v<Kind, column_kind::json>) return field_kind::json;
  if constexpr (std::is_same_v<Kind, column_kind::stamp> ||
                std::is_same_v<Kind, column_kind::deleted>)
    return field_kind::time;
  return field_kind::text;
}

// The fields of `Row`: its columns (customerdb/columns.hpp), in declaration order.
template <class Row, std::size_t... I>
constexpr auto fields_of(std::index_sequence<I...>) {
  constexpr const auto& all = Row::columns::all;
  return std::array{field_desc<Row>{
      std::get<I>(all).name,
      field_kind_of<typename std::remove_cvref_t<decltype(std::get<I>(all))>::kind>(),
      std::get<I>(all).has(column_flag::q), &column_cell<Row, I>}...};
}
template <class Row>
constexpr auto fields_of() {
  return fields_of<Row>(std::make_index_sequence<std::tuple_size_v<decltype(Row::columns::all)>>());
}

template <class Row>
constexpr auto fields = fields_of<Row>();

// A to-one relation's own key is the reference column that points at its target, and the
// addresses of a customer link to it by theirs: named after the target (columns.hpp).
constexpr std::string_view customer_key = referenced_id_column<customer_columns>;
constexpr std::string_view group_key = referenced_id_column<customer_group_columns>;

const std::array customer_relations{
    relation_desc{"groups", relation_kind::customer_groups, entity::group, "", ""},
    relation_desc{"addresses", relation_kind::customer_addresses, entity::address, "",
                  customer_key},
};
const std::array group_relations{
    relation_desc{"customers", relation_kind::group_customers, entity::customer, "", ""},
};
const std::array address_relations{
    relation_desc{"customer", relation_kind::address_customer, entity::customer, customer_key, ""},
};
const std::array membership_relations{
    relation_desc{"customer", relation_kind::membership_customer, entity::customer, customer_key,
                  ""},
    relation_desc{"customer_group", relation_kind::membership_group, entity::group, group_key, ""},
};

// The relations of each entity, in `entity` order.
const std::array<std::span<const relation_desc>, 4> relations{
    group_relations, customer_relations, address_relations, membership_relations};

// "CustomerGroup" → "customerGroup".
std::string lower_first(std::string_view model) {
  std::string out(model);
  if (!out.empty()) out.front() = static_cast<char>(out.front() - 'A' + 'a');
  return out;
}

// "customer_group" → "Customer group".
std::string words_of(std::string_view table) {
  std::string out(table);
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!out.empty()) out.front() = static_cast<char>(out.front() - 'a' + 'A');
  return out;
}

template <class Row>
row_ptr<Row> visible(const view& v, std::string_view id, bool with_deleted) {
  auto row = v.find<Row>(id);
  return row && (with_deleted || !is_deleted(*row)) ? row : nullptr;
}

// The `Target` rows named by `ids_of(membership)` over `memberships`, visible, deduplicated,
// sorted by id.
template <class Target, class Id>
std::vector<row_ptr<Target>> through(const std::vector<row_ptr<membership_row>>& memberships,
                                     Id id_of, const view& v, bool with_deleted) {
  std::vector<row_ptr<Target>> out;
  for (const auto& m : memberships)
    if (auto t = visible<Target>(v, id_of(*m), with_deleted)) out.push_back(std::move(t));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) { return a->id == b->id; }),
            out.end());
  return out;
}

}  // namespace

template <class Row>
const schema<Row>& schema_of() {
  using columns = typename Row::columns;
  static const std::string model_lower = lower_first(columns::model);
  static const std::string table_words = words_of(columns::table);
  static const schema<Row> s{columns::model,
                             model_lower,
                             table_words,
                             columns::prefix,
                             referenced_id_column<columns>,
                             fields<Row>,
                             relations[static_cast<std::size_t>(Row::kind)]};
  return s;
}

template const schema<customer_row>& schema_of<customer_row>();
template const schema<group_row>& schema_of<group_row>();
template const schema<address_row>& schema_of<address_row>();
template const schema<membership_row>& schema_of<membership_row>();

template <class Target, class Row>
std::vector<row_ptr<Target>> related(relation_kind kind, const Row& row, const view& v,
                                     bool with_deleted) {
  std::vector<row_ptr<Target>> out;
  if constexpr (std::is_same_v<Row, customer_row> && std::is_same_v<Target, group_row>) {
    if (kind == relation_kind::customer_groups)
      return through<group_row>(
          v.memberships_of_customer(row.id),
          [](const membership_row& m) { return m.customer_group_id; }, v, with_deleted);
  } else if constexpr (std::is_same_v<Row, customer_row> && std::is_same_v<Target, address_row>) {
    if (kind == relation_kind::customer_addresses) {
      out = v.addresses_of(row.id);
      if (!with_deleted) std::erase_if(out, [](const auto& a) { return is_deleted(*a); });
    }
  } else if constexpr (std::is_same_v<Row, group_row> && std::is_same_v<Target, customer_row>) {
    if (kind == relation_kind::group_customers)
      return through<customer_row>(
          v.memberships_of_group(row.id), [](const membership_row& m) { return m.customer_id; }, v,
          with_deleted);
  } else if constexpr (std::is_same_v<Row, address_row> && std::is_same_v<Target, customer_row>) {
    if (kind == relation_kind::address_customer)
      if (auto c = visible<customer_row>(v, row.customer_id, with_deleted)) out.push_back(c);
  } else if constexpr (std::is_same_v<Row, membership_row> &&
                       std::is_same_v<Target, customer_row>) {
    if (kind == relation_kind::membership_customer)
      if (auto c = visible<customer_row>(v, row.customer_id, with_deleted)) out.push_back(c);
  } else if constexpr (std::is_same_v<Row, membership_row> && std::is_same_v<Target, group_row>) {
    if (kind == relation_kind::membership_group)
      if (auto g = visible<group_row>(v, row.customer_group_id, with_deleted)) out.push_back(g);
  }
  return out;
}

#define CUSTOMERDB_RELATED(target, row)                                                 \
  template std::vector<row_ptr<target>> related<target, row>(relation_kind, const row&, \
                                                             const view&, bool);
#define CUSTOMERDB_RELATED_ALL(row)     \
  CUSTOMERDB_RELATED(customer_row, row) \
  CUSTOMERDB_RELATED(group_row, row)    \
  CUSTOMERDB_RELATED(address_row, row)  \
  CUSTOMERDB_RELATED(membership_row, row)
CUSTOMERDB_RELATED_ALL(customer_row)
CUSTOMERDB_RELATED_ALL(group_row)
CUSTOMERDB_RELATED_ALL(address_row)
CUSTOMERDB_RELATED_ALL(membership_row)
#undef CUSTOMERDB_RELATED_ALL
#undef CUSTOMERDB_RELATED

}  // namespace customerdb::detail
