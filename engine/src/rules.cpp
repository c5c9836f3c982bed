#include "rules.hpp"

#include <string>
#include <string_view>

#include "errors.hpp"
#include "schema.hpp"

namespace customerdb::detail {
namespace {

std::string_view bool_text(bool b) { return b ? "true" : "false"; }

}  // namespace

// (email, has_account) is unique among live customers (decision D1); null e-mails never clash.
void check_customer(const view& v, const customer_row& c) {
  if (c.deleted_at || !c.email) return;
  int live = 0;
  v.lookup<customer_row, by_email>(key(*c.email), [&](const row_ptr<customer_row>& o) {
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
  v.lookup<group_row, by_name>(key(*g.name), [&](const row_ptr<group_row>& o) {
    live += !o->deleted_at && o->name == g.name;
  });
  if (live > 1)
    throw already_exists(schema_of<group_row>().table_words, {{"name", std::string(*g.name)}});
}

// One default shipping and one default billing address per customer.
void check_address(const view& v, const address_row& a) {
  if (!a.is_default_shipping && !a.is_default_billing) return;
  int shipping = 0, billing = 0;
  v.lookup<address_row, by_customer>(key(a.customer_id), [&](const row_ptr<address_row>& other) {
    shipping += other->is_default_shipping;
    billing += other->is_default_billing;
  });
  if ((a.is_default_shipping && shipping > 1) || (a.is_default_billing && billing > 1))
    throw already_exists(schema_of<address_row>().table_words,
                         {{"customer_id", a.customer_id.str()}});
}

}  // namespace customerdb::detail
