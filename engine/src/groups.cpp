// customer_module: creating customer groups. The methods all entities share are in
// entity_methods.cpp.
#include "customerdb/customer_module.hpp"
#include "engine.hpp"
#include "entity_steps.hpp"
#include "rules.hpp"

namespace customerdb {

using namespace detail;

std::vector<customer_group> customer_module::create_customer_group(
    std::span<const create_customer_group_dto> data, const context& ctx) {
  if (data.empty()) return {};
  return engine_->write(call_of(ctx), [&](write_view& t) {
    std::vector<row_ptr<group_row>> rows;
    const timestamp now = engine_->now();
    for (const auto& d : data) {
      auto row = row_from_input<group_row>(t, d, now);
      put_checked<group_row>(t, row, nullptr);
      rows.push_back(std::move(row));
    }
    return to_dtos(rows, t, load_plan{});
  });
}

}  // namespace customerdb
