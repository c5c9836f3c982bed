// customer_module: adding customers to groups and removing them. Listing memberships is in
// entity_methods.cpp with the other entities' lists.
#include "customerdb/customer_module.hpp"
#include "engine.hpp"
#include "entity_steps.hpp"

namespace customerdb {

using namespace detail;

std::vector<std::string> customer_module::add_customer_to_group(
    std::span<const group_customer_pair> pairs, const context& ctx) {
  if (pairs.empty()) return {};
  return engine_->write(call_of(ctx), [&](write_view& t) {
    std::vector<std::string> ids;
    const timestamp now = engine_->now();
    for (const auto& p : pairs) {
      // The database checks the group's key before the customer's (decision D19).
      const auto group = t.find<group_row>(p.customer_group_id);
      if (!group) throw relationship_missing("customer_group_id", p.customer_group_id);
      const auto customer = t.find<customer_row>(p.customer_id);
      if (!customer) throw relationship_missing("customer_id", p.customer_id);
      // An existing membership is returned, not duplicated (decision D6).
      if (auto existing = t.memberships_of_pair(p.customer_id, p.customer_group_id);
          !existing.empty()) {
        ids.emplace_back(existing.front()->id.view());
        continue;
      }
      auto row = new_row<membership_row>();
      row->id = new_id(schema_of<membership_row>().prefix);
      row->customer_id = customer->id;  // the references share the ids' text
      row->customer_group_id = group->id;
      row->created_at = row->updated_at = now;
      t.put<membership_row>(row);
      ids.emplace_back(row->id.view());
    }
    return ids;
  });
}

void customer_module::remove_customer_from_group(const group_customer_pair& pair,
                                                 const context& ctx) {
  remove_customer_from_group(std::span(&pair, 1), ctx);
}

void customer_module::remove_customer_from_group(std::span<const group_customer_pair> pairs,
                                                 const context& ctx) {
  if (pairs.empty()) return;
  engine_->write(call_of(ctx), [&](write_view& t) {
    // A soft-deleted membership is not found, and stays (as in Medusa v2).
    for (const auto& p : pairs)
      for (const auto& m : t.memberships_of_pair(p.customer_id, p.customer_group_id))
        if (!m->deleted_at) t.erase<membership_row>(m->id);
  });
}

}  // namespace customerdb
