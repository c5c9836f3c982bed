// customer_module: the address methods.
#include "addresses.hpp"

#include "customerdb/customer_module.hpp"
#include "engine.hpp"
#include "ops.hpp"
#include "rules.hpp"

namespace customerdb {

using namespace detail;

namespace detail {

void check_customer_exists(const view& v, std::string_view customer_id) {
  if (!v.find<customer_row>(customer_id)) throw relationship_missing("customer_id", customer_id);
}

row_ptr<address_row> insert_address(txn& t, const create_customer_address_dto& d, timestamp now) {
  auto row = row_from_input<address_row>(t, d, now);
  put_checked<address_row>(t, row, nullptr);
  return row;
}

namespace {

template <class Target>
std::vector<customer_address> update_addresses_of(engine& e, transaction* tx, const Target& target,
                                                  const update_customer_address_dto& data) {
  return update_entities<address_row>(
      e, tx, target, [&](address_row& r) { return apply_update(r, data); },
      [&](const view& v) {
        if (data.customer_id.has_value()) check_customer_exists(v, data.customer_id.value());
      });
}

void erase_addresses(txn& t, const std::vector<std::string>& ids) {
  erase_rows<address_row>(t, ids, [](txn&, const std::string&) {});
}

}  // namespace
}  // namespace detail

customer_address customer_module::add_addresses(const create_customer_address_dto& data,
                                                const context& ctx) {
  return add_addresses(std::span(&data, 1), ctx).front();
}

std::vector<customer_address> customer_module::add_addresses(
    std::span<const create_customer_address_dto> data, const context& ctx) {
  if (data.empty()) return {};
  // Input checks, then every row's unique rules, then the references (decision D19).
  for (const auto& d : data)
    if (!d.customer_id) throw required_value(schema_of<address_row>().model, "customer_id");
  return engine_->write(tx_of(ctx), [&](txn& t) {
    std::vector<row_ptr<address_row>> rows;
    for (const auto& d : data) rows.push_back(insert_address(t, d, engine_->now()));
    for (const auto& d : data) check_customer_exists(t, *d.customer_id);
    return to_dtos(rows, t, load_plan{});
  });
}

customer_address customer_module::update_addresses(id_view id,
                                                   const update_customer_address_dto& data,
                                                   const context& ctx) {
  return update_addresses_of(*engine_, tx_of(ctx), single_id<address_row>(id), data).front();
}

std::vector<customer_address> customer_module::update_addresses(
    const std::vector<std::string>& ids, const update_customer_address_dto& data,
    const context& ctx) {
  if (ids.empty()) return {};
  return update_addresses_of(*engine_, tx_of(ctx), ids, data);
}

std::vector<customer_address> customer_module::update_addresses(
    const filter& selector, const update_customer_address_dto& data, const context& ctx) {
  return update_addresses_of(*engine_, tx_of(ctx), selector, data);
}

void customer_module::delete_addresses(id_view id, const context& ctx) {
  delete_addresses(single_id<address_row>(id), ctx);
}

void customer_module::delete_addresses(const std::vector<std::string>& ids, const context& ctx) {
  if (ids.empty()) return;
  engine_->write(tx_of(ctx), [&](txn& t) { erase_addresses(t, unique_ids(ids)); });
}

void customer_module::delete_addresses(const filter& selector, const context& ctx) {
  engine_->write(tx_of(ctx), [&](txn& t) {
    erase_addresses(t, ids_of(select_rows<address_row>(t, selector, query_kind::delete_selector)));
  });
}

std::vector<customer_address> customer_module::list_addresses(const filter& filters,
                                                              const find_config& config,
                                                              const context& ctx) const {
  return engine_->read(
      tx_of(ctx), [&](const view& v) { return detail::list<address_row>(v, filters, config); });
}

list_and_count_result<customer_address> customer_module::list_and_count_addresses(
    const filter& filters, const find_config& config, const context& ctx) const {
  return engine_->read(tx_of(ctx), [&](const view& v) {
    return detail::list_and_count<address_row>(v, filters, config);
  });
}

}  // namespace customerdb
