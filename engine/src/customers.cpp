// customer_module: the customer methods.
#include "addresses.hpp"
#include "customerdb/customer_module.hpp"
#include "engine.hpp"
#include "ops.hpp"
#include "rules.hpp"

namespace customerdb {

using namespace detail;

namespace {

// Hard-deletes customers with their addresses and memberships.
void erase_customers(txn& t, const std::vector<std::string>& ids) {
  erase_rows<customer_row>(t, ids, [](txn& t, const std::string& id) {
    for (const auto& a : t.addresses_of(id)) t.erase<address_row>(a->id);
    for (const auto& m : t.memberships_of_customer(id)) t.erase<membership_row>(m->id);
  });
}

// Inserts the customers, then their addresses, as Medusa's two statements do: a call that
// breaks several rules reports the first customer that breaks one, then the first address
// (decision D19).
std::vector<customer> create_customers(txn& t, std::span<const create_customer_dto> data,
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

template <class Target>
std::vector<customer> update_customers(engine& e, transaction* tx, const Target& target,
                                       const customer_updatable_fields& data) {
  return update_entities<customer_row>(e, tx, target,
                                       [&](customer_row& r) { return apply_update(r, data); });
}

}  // namespace

customer customer_module::retrieve(id_view id, const find_config& config,
                                   const context& ctx) const {
  return engine_->read(
      tx_of(ctx), [&](const view& v) { return detail::retrieve<customer_row>(v, id, config); });
}

customer customer_module::create(const create_customer_dto& data, const context& ctx) {
  return create(std::span(&data, 1), ctx).front();
}

std::vector<customer> customer_module::create(std::span<const create_customer_dto> data,
                                              const context& ctx) {
  if (data.empty()) return {};
  return engine_->write(tx_of(ctx),
                        [&](txn& t) { return create_customers(t, data, engine_->now()); });
}

customer customer_module::update(id_view id, const customer_updatable_fields& data,
                                 const context& ctx) {
  return update_customers(*engine_, tx_of(ctx), single_id<customer_row>(id), data).front();
}

std::vector<customer> customer_module::update(const std::vector<std::string>& ids,
                                              const customer_updatable_fields& data,
                                              const context& ctx) {
  if (ids.empty()) return {};
  return update_customers(*engine_, tx_of(ctx), ids, data);
}

std::vector<customer> customer_module::update(const filter& selector,
                                              const customer_updatable_fields& data,
                                              const context& ctx) {
  return update_customers(*engine_, tx_of(ctx), selector, data);
}

void customer_module::delete_customers(id_view id, const context& ctx) {
  delete_customers(single_id<customer_row>(id), ctx);
}

void customer_module::delete_customers(const std::vector<std::string>& ids, const context& ctx) {
  if (ids.empty()) return;
  engine_->write(tx_of(ctx), [&](txn& t) { erase_customers(t, unique_ids(ids)); });
}

void customer_module::delete_customers(const filter& selector, const context& ctx) {
  engine_->write(tx_of(ctx), [&](txn& t) {
    erase_customers(t, ids_of(select_rows<customer_row>(t, selector, query_kind::delete_selector)));
  });
}

std::vector<customer> customer_module::list(const filter& filters, const find_config& config,
                                            const context& ctx) const {
  return engine_->read(
      tx_of(ctx), [&](const view& v) { return detail::list<customer_row>(v, filters, config); });
}

list_and_count_result<customer> customer_module::list_and_count(const filter& filters,
                                                                const find_config& config,
                                                                const context& ctx) const {
  return engine_->read(tx_of(ctx), [&](const view& v) {
    return detail::list_and_count<customer_row>(v, filters, config);
  });
}

linkable_ids customer_module::soft_delete(const std::vector<std::string>& ids,
                                          const soft_delete_config& config, const context& ctx) {
  if (ids.empty()) return {};
  return engine_->write(tx_of(ctx), [&](txn& t) {
    return detail::soft_delete<customer_row>(t, ids, config, engine_->now());
  });
}

linkable_ids customer_module::soft_delete(id_view id, const soft_delete_config& config,
                                          const context& ctx) {
  return soft_delete(single_id<customer_row>(id), config, ctx);
}

linkable_ids customer_module::restore(const std::vector<std::string>& ids,
                                      const soft_delete_config& config, const context& ctx) {
  if (ids.empty()) return {};
  return engine_->write(tx_of(ctx), [&](txn& t) {
    return detail::restore<customer_row>(t, ids, config, engine_->now());
  });
}

linkable_ids customer_module::restore(id_view id, const soft_delete_config& config,
                                      const context& ctx) {
  return restore(single_id<customer_row>(id), config, ctx);
}

}  // namespace customerdb
