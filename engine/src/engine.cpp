#include "engine.hpp"

#include "errors.hpp"
#include "schema.hpp"

namespace customerdb::detail {
namespace {

std::string_view bool_text(bool b) { return b ? "true" : "false"; }

// (email, has_account) is unique among live customers (decision D1); null e-mails never clash.
void check_customer(const view& v, const customer_row& c) {
  if (c.deleted_at || !c.email) return;
  int live = 0;
  for (const auto& other : v.customers_with_email(*c.email))
    if (!other->deleted_at && other->has_account == c.has_account) ++live;
  if (live > 1)
    throw already_exists(schema_of<customer_row>().table_words,
                         {{"email", *c.email}, {"has_account", std::string(bool_text(c.has_account))}});
}

// A group name is unique among live groups (decision D2); null names never clash.
void check_group(const view& v, const group_row& g) {
  if (g.deleted_at || !g.name) return;
  int live = 0;
  for (const auto& other : v.groups_with_name(*g.name))
    if (!other->deleted_at) ++live;
  if (live > 1) throw already_exists(schema_of<group_row>().table_words, {{"name", *g.name}});
}

// One default shipping and one default billing address per customer.
void check_address(const view& v, const address_row& a) {
  if (!a.is_default_shipping && !a.is_default_billing) return;
  int shipping = 0, billing = 0;
  for (const auto& other : v.addresses_of(a.customer_id)) {
    shipping += other->is_default_shipping;
    billing += other->is_default_billing;
  }
  if ((a.is_default_shipping && shipping > 1) || (a.is_default_billing && billing > 1))
    throw already_exists(schema_of<address_row>().table_words, {{"customer_id", a.customer_id}});
}

template <class Row, class Check>
void check_all(const txn& t, Check check) {
  t.writes().of<Row>().for_each([&](const std::string&, const change<Row>& c) {
    if (c.after) check(t, *c.after);
  });
}

template <class Row>
void publish(const change_set<Row>& changes, store& s) {
  auto& table = s.of<Row>();
  changes.for_each([&](const std::string& id, const change<Row>& c) {
    if (c.after) {
      table.put(c.after);
    } else {
      table.erase(id);
    }
  });
}

}  // namespace

engine::engine(module_options options)
    : clock_(options.clock ? std::move(options.clock) : std::function<timestamp()>(&customerdb::now)) {}

void engine::commit(txn& t) {
  check_all<customer_row>(t, check_customer);
  check_all<group_row>(t, check_group);
  check_all<address_row>(t, check_address);
  const auto& w = t.writes();
  if (w.customers.empty() && w.groups.empty() && w.addresses.empty() && w.memberships.empty())
    return;
  publish(w.customers, store_);
  publish(w.groups, store_);
  publish(w.addresses, store_);
  publish(w.memberships, store_);
  ++store_.sequence;
}

}  // namespace customerdb::detail
