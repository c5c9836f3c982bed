// customer_module: creating customers (with their addresses). The methods all entities share
// are in entity_methods.cpp.
#include "addresses.hpp"
#include "customerdb/customer_module.hpp"
#include "engine.hpp"
#include "entity_steps.hpp"
#include "rules.hpp"

namespace customerdb {

using namespace detail;

namespace {

// Inserts the customers, then their addresses, as Medusa's two statements do: a call that
// breaks several rules reports the first customer that breaks one, then the first address
// (decision D19).
std::vector<customer> create_customers(write_view& t, std::span<const create_customer_dto> data,
                                       timestamp now) {
  std::vector<customer> out;
  std::vector<std::vector<row_ptr<address_row>>> addresses(data.size());
  std::vector<row_ptr<customer_row>> rows;
  for (const auto& d : data) {
    auto row = row_from_input<customer_row>(t, d, now);
    put_checked<customer_row>(t, row, nullptr);
    rows.push_back(std::move(row));
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (!data[i].addresses) continue;
    for (auto a : *data[i].addresses) {
      a.customer_id = rows[i]->id;
      addresses[i].push_back(insert_address(t, a, now));
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back(to_dto(*rows[i], t, load_plan{}));
    if (data[i].addresses) out.back().addresses = to_dtos(addresses[i], t, load_plan{});
  }
  return out;
}

}  // namespace

std::vector<customer> customer_module::create(std::span<const create_customer_dto> data,
                                              const context& ctx) {
  if (data.empty()) return {};
  return engine_->write(call_of(ctx),
                        [&](write_view& t) { return create_customers(t, data, engine_->now()); });
}

}  // namespace customerdb
