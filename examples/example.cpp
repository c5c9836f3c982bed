// A tour of the customerdb engine: customers, groups, addresses, memberships and queries.
#include <fmt/format.h>

#include <customerdb/customerdb.hpp>

namespace {

std::string text(const std::optional<std::string>& s) { return s ? *s : "null"; }

void print(const customerdb::customer& c) {
  fmt::print("  {} {} {} <{}> default shipping: {}\n", c.id, text(c.first_name), text(c.last_name),
             text(c.email), text(c.default_shipping_address_id));
}

}  // namespace

int main() {
  using customerdb::where;
  customerdb::customer_module db;

  auto john = db.create({.email = "john@smith.com",
                         .first_name = "John",
                         .last_name = "Smith",
                         .addresses = {{{.is_default_shipping = true,
                                         .address_1 = "1 Main St",
                                         .city = "Copenhagen",
                                         .country_code = "DK"}}}});
  auto jane = db.create({.email = "jane@acme.com", .first_name = "Jane", .company_name = "Acme"});
  auto vip = db.create_customer_group({.name = "VIP"});
  db.add_customer_to_group({.customer_id = john.id, .customer_group_id = vip.id});

  fmt::print("All customers:\n");
  for (const auto& c : db.list()) print(c);

  fmt::print("Customers in VIP:\n");
  for (const auto& c : db.list(where("groups") == vip.id)) print(c);

  fmt::print("Search \"acme\":\n");
  for (const auto& c : db.list(customerdb::search("acme"))) print(c);

  db.update(jane.id, {.last_name = "Doe", .phone = "+45 1234"});
  auto [page, count] = db.list_and_count({}, {.take = 1, .order = {{"first_name", customerdb::sort_direction::asc}}});
  fmt::print("First of {} by first name:\n", count);
  for (const auto& c : page) print(c);

  auto group = db.retrieve_customer_group(vip.id, {.relations = {"customers"}});
  fmt::print("VIP has {} customer(s)\n", group.customers->size());

  try {
    db.create({.email = "john@smith.com"});
  } catch (const customerdb::error& e) {
    fmt::print("Error ({}): {}\n", customerdb::to_string(e.code()), e.what());
  }

  auto removed = db.soft_delete(john.id);
  fmt::print("Soft-deleted {} customer(s); {} live\n", removed["customer_id"].size(), db.list().size());
  return 0;
}
