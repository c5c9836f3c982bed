#include "schema.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

namespace customerdb::detail {
namespace {

cell text(const packed_optional& s) { return s ? cell(*s) : cell(nullptr); }
cell text(const packed_string& s) { return cell(s.view()); }
cell json(const opt_metadata& m) { return m ? cell(&*m) : cell(nullptr); }
cell time(const std::optional<timestamp>& t) { return t ? cell(*t) : cell(nullptr); }

// The id of the customer's default billing (or shipping) address, derived (decision D9).
template <std::string_view view::default_ids::*slot>
cell default_address(const customer_row& r, const view& v) {
  const std::string_view id = v.default_addresses_of(r.id).*slot;
  return id.empty() ? cell(nullptr) : cell(id);
}

#define CUSTOMERDB_TEXT(row, name, searchable)                                                  \
  field_desc<row> {                                                                             \
#name, field_kind::text, searchable, [](const row& r, const view&) { return text(r.name); } \
  }
#define CUSTOMERDB_BOOL(row, name)                                                            \
  field_desc<row> {                                                                           \
#name, field_kind::boolean, false, [](const row& r, const view&) { return cell(r.name); } \
  }
#define CUSTOMERDB_TIME(row, name)                                                         \
  field_desc<row> {                                                                        \
#name, field_kind::time, false, [](const row& r, const view&) { return cell(r.name); } \
  }
#define CUSTOMERDB_OPT_TIME(row, name)                                                     \
  field_desc<row> {                                                                        \
#name, field_kind::time, false, [](const row& r, const view&) { return time(r.name); } \
  }
#define CUSTOMERDB_JSON(row, name)                                                         \
  field_desc<row> {                                                                        \
#name, field_kind::json, false, [](const row& r, const view&) { return json(r.name); } \
  }

const std::array customer_fields{
    CUSTOMERDB_TEXT(customer_row, id, false),
    CUSTOMERDB_TEXT(customer_row, company_name, true),
    CUSTOMERDB_TEXT(customer_row, first_name, true),
    CUSTOMERDB_TEXT(customer_row, last_name, true),
    CUSTOMERDB_TEXT(customer_row, email, true),
    CUSTOMERDB_TEXT(customer_row, phone, true),
    CUSTOMERDB_BOOL(customer_row, has_account),
    CUSTOMERDB_JSON(customer_row, metadata),
    CUSTOMERDB_TEXT(customer_row, created_by, false),
    field_desc<customer_row>{"default_billing_address_id", field_kind::text, false,
                             &default_address<&view::default_ids::billing>},
    field_desc<customer_row>{"default_shipping_address_id", field_kind::text, false,
                             &default_address<&view::default_ids::shipping>},
    CUSTOMERDB_TIME(customer_row, created_at),
    CUSTOMERDB_TIME(customer_row, updated_at),
    CUSTOMERDB_OPT_TIME(customer_row, deleted_at),
};

const std::array group_fields{
    CUSTOMERDB_TEXT(group_row, id, false),      CUSTOMERDB_TEXT(group_row, name, true),
    CUSTOMERDB_JSON(group_row, metadata),       CUSTOMERDB_TEXT(group_row, created_by, false),
    CUSTOMERDB_TIME(group_row, created_at),     CUSTOMERDB_TIME(group_row, updated_at),
    CUSTOMERDB_OPT_TIME(group_row, deleted_at),
};

const std::array address_fields{
    CUSTOMERDB_TEXT(address_row, id, false),
    CUSTOMERDB_TEXT(address_row, customer_id, false),
    CUSTOMERDB_TEXT(address_row, address_name, true),
    CUSTOMERDB_BOOL(address_row, is_default_shipping),
    CUSTOMERDB_BOOL(address_row, is_default_billing),
    CUSTOMERDB_TEXT(address_row, company, true),
    CUSTOMERDB_TEXT(address_row, first_name, true),
    CUSTOMERDB_TEXT(address_row, last_name, true),
    CUSTOMERDB_TEXT(address_row, address_1, true),
    CUSTOMERDB_TEXT(address_row, address_2, true),
    CUSTOMERDB_TEXT(address_row, city, true),
    CUSTOMERDB_TEXT(address_row, country_code, false),
    CUSTOMERDB_TEXT(address_row, province, true),
    CUSTOMERDB_TEXT(address_row, postal_code, true),
    CUSTOMERDB_TEXT(address_row, phone, false),
    CUSTOMERDB_JSON(address_row, metadata),
    CUSTOMERDB_TIME(address_row, created_at),
    CUSTOMERDB_TIME(address_row, updated_at),
};

const std::array membership_fields{
    CUSTOMERDB_TEXT(membership_row, id, false),
    CUSTOMERDB_TEXT(membership_row, customer_id, false),
    CUSTOMERDB_TEXT(membership_row, customer_group_id, false),
    CUSTOMERDB_JSON(membership_row, metadata),
    CUSTOMERDB_TEXT(membership_row, created_by, false),
    CUSTOMERDB_TIME(membership_row, created_at),
    CUSTOMERDB_TIME(membership_row, updated_at),
};

#undef CUSTOMERDB_TEXT
#undef CUSTOMERDB_BOOL
#undef CUSTOMERDB_TIME
#undef CUSTOMERDB_OPT_TIME
#undef CUSTOMERDB_JSON

const std::array customer_relations{
    relation_desc{"groups", relation_kind::customer_groups, entity::group, "", ""},
    relation_desc{"addresses", relation_kind::customer_addresses, entity::address, "",
                  "customer_id"},
};
const std::array group_relations{
    relation_desc{"customers", relation_kind::group_customers, entity::customer, "", ""},
};
const std::array address_relations{
    relation_desc{"customer", relation_kind::address_customer, entity::customer, "customer_id",
                  ""},
};
const std::array membership_relations{
    relation_desc{"customer", relation_kind::membership_customer, entity::customer, "customer_id",
                  ""},
    relation_desc{"customer_group", relation_kind::membership_group, entity::group,
                  "customer_group_id", ""},
};

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

template <>
const schema<customer_row>& schema_of<customer_row>() {
  static const schema<customer_row> s{"Customer",    "customer",      "Customer",        "cus",
                                      "customer_id", customer_fields, customer_relations};
  return s;
}
template <>
const schema<group_row>& schema_of<group_row>() {
  static const schema<group_row> s{"CustomerGroup", "customerGroup",     "Customer group",
                                   "cusgroup",      "customer_group_id", group_fields,
                                   group_relations};
  return s;
}
template <>
const schema<address_row>& schema_of<address_row>() {
  static const schema<address_row> s{
      "Address",      "address",        "Customer address", "cuaddr", "customer_address_id",
      address_fields, address_relations};
  return s;
}
template <>
const schema<membership_row>& schema_of<membership_row>() {
  static const schema<membership_row> s{
      "CustomerGroupCustomer",      "customerGroupCustomer", "Customer group customer", "cusgc",
      "customer_group_customer_id", membership_fields,       membership_relations};
  return s;
}

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
    if (kind == relation_kind::customer_addresses) return v.addresses_of(row.id);
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
