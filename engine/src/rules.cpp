#include "rules.hpp"

#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "error_messages.hpp"
#include "schema.hpp"

namespace customerdb::detail {
namespace {

std::string_view bool_text(bool b) { return b ? "true" : "false"; }

// Column I of `r` as part of its unique key: the columns flagged `unique`
// (customerdb/columns.hpp), and the soft deletion (the rules hold among live rows).
template <std::size_t I, class Row>
auto key_part(const Row& r) {
  constexpr const auto& column = std::get<I>(Row::columns::all);
  using column_type = std::remove_cvref_t<decltype(column)>;
  if constexpr (column_type::stored &&
                (column.has(column_flag::unique) || column_type::template is<column_kind::deleted>))
    return std::tie(column.member(r));
  else
    return std::tuple<>{};
}

template <class Row, std::size_t... I>
auto unique_key(const Row& r, std::index_sequence<I...>) {
  return std::tuple_cat(key_part<I>(r)...);
}

// The part of a row that its unique rule looks at.
template <class Row>
auto unique_key(const Row& r) {
  return unique_key(r, std::make_index_sequence<std::tuple_size_v<decltype(Row::columns::all)>>());
}

void check_rule(const view& v, const customer_row& r) { check_customer(v, r); }
void check_rule(const view& v, const group_row& r) { check_group(v, r); }
void check_rule(const view& v, const address_row& r) { check_address(v, r); }
void check_rule(const view&, const membership_row&) {}  // no unique rule (decision D6 aside)

// Checks the row `id` that `t` wrote, unless its unique key is the one its committed image had:
// a row whose key is unchanged cannot break the rule (a clash would have failed the commit that
// made it).
template <class Row>
void check_written(const write_view& t, const std::string& id) {
  const auto row = t.find<Row>(id);
  if (!row) return;
  const auto* c = t.writes().of<Row>().find(id);
  if (c && c->before && unique_key(*c->before) == unique_key(*row)) return;
  check_rule(t, *row);
}

}  // namespace

// (email, has_account) is unique among live customers (decision D1); null e-mails never clash.
void check_customer(const view& v, const customer_row& c) {
  if (c.deleted_at || !c.email) return;
  int live = 0;
  v.lookup<customer_row, "email">(key(*c.email), [&](const row_ptr<customer_row>& o) {
    live += !o->deleted_at && o->has_account == c.has_account && o->email == c.email;
  });
  if (live > 1)
    throw already_exists(
        schema_of<customer_row>().table_words,
        {{"email", std::string(*c.email)}, {"has_account", std::string(bool_text(c.has_account))}});
}

// A group name is unique among live groups (decision D2); null names never clash.
void check_group(const view& v, const group_row& g) {
  if (g.deleted_at || !g.name) return;
  int live = 0;
  v.lookup<group_row, "name">(key(*g.name), [&](const row_ptr<group_row>& o) {
    live += !o->deleted_at && o->name == g.name;
  });
  if (live > 1)
    throw already_exists(schema_of<group_row>().table_words, {{"name", std::string(*g.name)}});
}

// One default shipping and one default billing address per customer.
void check_address(const view& v, const address_row& a) {
  if (!a.is_default_shipping && !a.is_default_billing) return;
  int shipping = 0, billing = 0;
  v.lookup<address_row, "customer_id">(key(a.customer_id), [&](const row_ptr<address_row>& other) {
    shipping += other->is_default_shipping;
    billing += other->is_default_billing;
  });
  if ((a.is_default_shipping && shipping > 1) || (a.is_default_billing && billing > 1))
    throw already_exists(schema_of<address_row>().table_words,
                         {{"customer_id", a.customer_id.str()}});
}

template <class Row>
void put_checked(write_view& t, row_ptr<Row> row, const Row* before) {
  const Row& written = *row;  // held by the write set once put
  t.put<Row>(std::move(row));
  if (!before || unique_key(*before) != unique_key(written)) check_rule(t, written);
}

template void put_checked<customer_row>(write_view&, row_ptr<customer_row>, const customer_row*);
template void put_checked<group_row>(write_view&, row_ptr<group_row>, const group_row*);
template void put_checked<address_row>(write_view&, row_ptr<address_row>, const address_row*);
template void put_checked<membership_row>(write_view&, row_ptr<membership_row>,
                                          const membership_row*);

void check_unique(const write_view& t) {
  for (const write_view::touch& touched : t.touched()) {
    const std::string& id = touched.id;  // not a structured binding, which clang 14 refuses here
    with_entity(touched.kind, [&](auto row_type) {
      using Row = typename decltype(row_type)::type;
      if constexpr (!std::is_same_v<Row, membership_row>) check_written<Row>(t, id);  // no rule
    });
  }
}

}  // namespace customerdb::detail
