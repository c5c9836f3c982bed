// customer_module: the customer group methods.
#include "customerdb/customer_module.hpp"
#include "engine.hpp"
#include "ops.hpp"
#include "rules.hpp"

namespace customerdb {

using namespace detail;

namespace {

// Hard-deletes groups with their memberships.
void erase_groups(txn& t, const std::vector<std::string>& ids) {
  erase_rows<group_row>(t, ids, [](txn& t, const std::string& id) {
    for (const auto& m : t.memberships_of_group(id)) t.erase<membership_row>(m->id);
  });
}

template <class Target>
std::vector<customer_group> update_groups(engine& e, transaction* tx, const Target& target,
                                          const customer_group_updatable_fields& data) {
  return update_entities<group_row>(e, tx, target,
                                    [&](group_row& r) { return apply_update(r, data); });
}

}  // namespace

customer_group customer_module::create_customer_group(const create_customer_group_dto& data,
                                                      const context& ctx) {
  return create_customer_group(std::span(&data, 1), ctx).front();
}

std::vector<customer_group> customer_module::create_customer_group(
    std::span<const create_customer_group_dto> data, const context& ctx) {
  if (data.empty()) return {};
  return engine_->write(tx_of(ctx), [&](txn& t) {
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

customer_group customer_module::retrieve_customer_group(id_view id, const find_config& config,
                                                        const context& ctx) const {
  return engine_->read(tx_of(ctx),
                       [&](const view& v) { return detail::retrieve<group_row>(v, id, config); });
}

customer_group customer_module::update_customer_groups(id_view id,
                                                       const customer_group_updatable_fields& data,
                                                       const context& ctx) {
  return update_groups(*engine_, tx_of(ctx), single_id<group_row>(id), data).front();
}

std::vector<customer_group> customer_module::update_customer_groups(
    const std::vector<std::string>& ids, const customer_group_updatable_fields& data,
    const context& ctx) {
  if (ids.empty()) return {};
  return update_groups(*engine_, tx_of(ctx), ids, data);
}

std::vector<customer_group> customer_module::update_customer_groups(
    const filter& selector, const customer_group_updatable_fields& data, const context& ctx) {
  return update_groups(*engine_, tx_of(ctx), selector, data);
}

void customer_module::delete_customer_groups(id_view id, const context& ctx) {
  delete_customer_groups(single_id<group_row>(id), ctx);
}

void customer_module::delete_customer_groups(const std::vector<std::string>& ids,
                                             const context& ctx) {
  if (ids.empty()) return;
  engine_->write(tx_of(ctx), [&](txn& t) { erase_groups(t, unique_ids(ids)); });
}

void customer_module::delete_customer_groups(const filter& selector, const context& ctx) {
  engine_->write(tx_of(ctx), [&](txn& t) {
    erase_groups(t, ids_of(select_rows<group_row>(t, selector, query_kind::delete_selector)));
  });
}

std::vector<customer_group> customer_module::list_customer_groups(const filter& filters,
                                                                  const find_config& config,
                                                                  const context& ctx) const {
  return engine_->read(tx_of(ctx),
                       [&](const view& v) { return detail::list<group_row>(v, filters, config); });
}

list_and_count_result<customer_group> customer_module::list_and_count_customer_groups(
    const filter& filters, const find_config& config, const context& ctx) const {
  return engine_->read(tx_of(ctx), [&](const view& v) {
    return detail::list_and_count<group_row>(v, filters, config);
  });
}

linkable_ids customer_module::soft_delete_customer_groups(const std::vector<std::string>& ids,
                                                          const soft_delete_config& config,
                                                          const context& ctx) {
  if (ids.empty()) return {};
  return engine_->write(tx_of(ctx), [&](txn& t) {
    return detail::soft_delete<group_row>(t, ids, config, engine_->now());
  });
}

linkable_ids customer_module::soft_delete_customer_groups(id_view id,
                                                          const soft_delete_config& config,
                                                          const context& ctx) {
  return soft_delete_customer_groups(single_id<group_row>(id), config, ctx);
}

linkable_ids customer_module::restore_customer_groups(const std::vector<std::string>& ids,
                                                      const soft_delete_config& config,
                                                      const context& ctx) {
  if (ids.empty()) return {};
  return engine_->write(tx_of(ctx), [&](txn& t) {
    return detail::restore<group_row>(t, ids, config, engine_->now());
  });
}

linkable_ids customer_module::restore_customer_groups(id_view id, const soft_delete_config& config,
                                                      const context& ctx) {
  return restore_customer_groups(single_id<group_row>(id), config, ctx);
}

}  // namespace customerdb
