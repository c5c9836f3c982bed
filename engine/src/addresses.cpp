// customer_module: adding addresses, and the check of their customer. The methods all entities
// share are in entity_methods.cpp.
#include "addresses.hpp"

#include "customerdb/customer_module.hpp"
#include "engine.hpp"
#include "entity_hooks.hpp"
#include "entity_steps.hpp"
#include "rules.hpp"

namespace customerdb {

using namespace detail;

namespace detail {

void check_customer_exists(const view& v, std::string_view customer_id) {
  if (!v.find<customer_row>(customer_id)) throw relationship_missing("customer_id", customer_id);
}

row_ptr<address_row> insert_address(write_view& t, const create_customer_address_dto& d,
                                    timestamp now) {
  auto row = row_from_input<address_row>(t, d, now);
  put_checked<address_row>(t, row, nullptr);
  return row;
}

void check_update_references(const view& v, const update_customer_address_dto& data) {
  if (data.customer_id.has_value()) check_customer_exists(v, data.customer_id.value());
}

}  // namespace detail

std::vector<customer_address> customer_module::add_addresses(
    std::span<const create_customer_address_dto> data, const context& ctx) {
  if (data.empty()) return {};
  // Input checks, then every row's unique rules, then the references (decision D19).
  for (const auto& d : data)
    if (!d.customer_id) throw required_value(schema_of<address_row>().model, "customer_id");
  return engine_->write(call_of(ctx), [&](write_view& t) {
    std::vector<row_ptr<address_row>> rows;
    for (const auto& d : data) rows.push_back(insert_address(t, d, engine_->now()));
    for (const auto& d : data) check_customer_exists(t, *d.customer_id);
    return to_dtos(rows, t, load_plan{});
  });
}

}  // namespace customerdb
