// customer_module_v2: Medusa 2.x's interface on the engine. The methods whose rules changed in v2
// run the shared bodies (entity_calls.hpp) with dialect::v2; the others are the v1 methods
// with v2's checks around them.
#include "customerdb/customer_module_v2.hpp"

#include <algorithm>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "entity_calls.hpp"
#include "error_messages.hpp"
#include "load_paths.hpp"

namespace customerdb {

using namespace detail;

customer_module_v2 customer_module::v2() noexcept { return customer_module_v2(*this); }

// The address model is CustomerAddress (v1: Address).
error customer_module_v2::in_v2_words(const error& e) {
  static const std::regex model(R"(\bAddress\b)");
  static const std::regex model_lower(R"(\baddress - id must be defined)");
  std::string message = std::regex_replace(e.what(), model, "CustomerAddress");
  message = std::regex_replace(message, model_lower, "customerAddress - id must be defined");
  return error(e.code(), message);
}

namespace {

// Checks the order keys of `config` as Medusa v2 does: a key that names neither a field nor a
// relation (the part before a dot) fails with invalid_data "Trying to order by not existing
// property <Model>.<key>".
template <class Row>
void check_order_keys(const find_config& config) {
  const auto& s = schema_of<Row>();
  for (const auto& [key, direction] : config.order) {
    const auto dot = key.find('.');
    const bool known = dot == std::string::npos ? s.field(key) || s.relation(key)
                                                : s.relation(key.substr(0, dot)) != nullptr;
    // In the model's v1 name: worded_as_v2 names the address model.
    if (!known) throw order_by_unknown_property(s.model, key);
  }
}

// The config as Medusa v2 reads it: without the `select` and `relations` entries the entity
// does not have (load_paths.hpp; dropped silently), with the relation of each dotted `select`
// path added to `relations` and the key of each to-one relation added to `select`; throws for
// an unknown order key (check_order_keys).
template <class Row>
find_config known_paths_only(const find_config& config) {
  check_order_keys<Row>(config);
  find_config out = config;
  std::erase_if(out.select, [](const std::string& path) {
    return unknown_in_select_path<Row>(path).has_value();
  });
  // A select of unknown entries only selects the id alone, as an empty one does in Medusa (an
  // empty find_config::select is every field).
  if (out.select.empty() && !config.select.empty()) out.select = {"id"};
  std::erase_if(out.relations, [](const std::string& path) {
    return unknown_in_relation_path<Row>(path).has_value();
  });
  // A dotted select path loads its relation, narrowed to the path's fields as D23 narrows a
  // loaded relation; not with with_deleted, where Medusa v2 leaves it out.
  if (!out.with_deleted) {
    for (const auto& path : out.select) {
      const auto dot = path.rfind('.');
      if (dot == std::string::npos) continue;
      std::string relation = path.substr(0, dot);
      if (std::find(out.relations.begin(), out.relations.end(), relation) == out.relations.end())
        out.relations.push_back(std::move(relation));
    }
  }
  // A to-one relation brings its key into a select that lacks it (v1's D22 leaves the
  // relation out instead).
  if (!out.select.empty()) {
    for (const auto& path : out.relations) {
      const auto* rel = schema_of<Row>().relation(path.substr(0, path.find('.')));
      if (!rel || rel->foreign_key.empty()) continue;
      const std::string key(rel->foreign_key);
      if (std::find(out.select.begin(), out.select.end(), key) == out.select.end())
        out.select.push_back(key);
    }
  }
  return out;
}

// Runs `f`, rewording an error it throws as Medusa v2 words it: the model names
// (customer_module_v2::in_v2_words), and an unknown field that the code both interfaces share
// meets past v2's own checks of the keys (check_keys_in_order, check_order_keys), in a
// relation's sub-filter (compile) or in an order key through a relation (compile_order), as
// "Trying to query by not existing property <Model>.<key>" (v1: `Unknown field "<key>" for
// <Model>`, decision D11).
template <class F>
decltype(auto) worded_as_v2(F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const error& e) {
    // The key is everything between the first `"` and the last `" for ` (a key may hold both).
    static const std::regex unknown_field_text(R"re(^Unknown field "(.*)" for (\w+)$)re");
    const std::string message = customer_module_v2::in_v2_words(e).what();
    std::smatch unknown;
    if (std::regex_match(message, unknown, unknown_field_text))
      throw query_by_unknown_property(unknown[2].str(), unknown[1].str());
    throw error(e.code(), message);
  }
}

// A group's name is required at create (Medusa v2's ValidationError).
void check_group_names(std::span<const create_customer_group_dto> data) {
  for (const auto& d : data) {
    if (!d.name) throw required_value(schema_of<group_row>().model, "name");
  }
}

void check_group_name(const customer_group_updatable_fields& data) {
  if (data.name.is_null()) throw non_null_property("name", schema_of<group_row>().model);
}

// The ids of a single-id delete, soft delete or restore: Medusa v2's generated methods take a
// missing id (null) as none, so they do nothing and answer {}. Retrieve and update refuse it
// (single_id); Medusa's updates fail on it with a TypeError.
std::vector<std::string> given_ids(id_view id) {
  if (!id.defined()) return {};
  return {std::string(id.value())};
}

}  // namespace

#define CUSTOMERDB_V2_CALLS \
  entity_calls { *module_->engine_, module_->limits_, dialect::v2 }
#define CUSTOMERDB_V2_CALL customer_module::call_of(ctx)

#define CUSTOMERDB_V2_READS(Row, retrieve_name, list_name, list_and_count_name)       \
  dto_t<Row> customer_module_v2::retrieve_name(id_view id, const find_config& config, \
                                               const context& ctx) const {            \
    return worded_as_v2([&] {                                                         \
      return CUSTOMERDB_V2_CALLS.retrieve<Row>(CUSTOMERDB_V2_CALL, id,                \
                                               known_paths_only<Row>(config));        \
    });                                                                               \
  }                                                                                   \
  CUSTOMERDB_V2_LIST(Row, list_name, std::vector<dto_t<Row>>, list)                   \
  CUSTOMERDB_V2_LIST(Row, list_and_count_name, list_and_count_result<dto_t<Row>>, list_and_count)

#define CUSTOMERDB_V2_LIST(Row, name, Result, run)                                  \
  Result customer_module_v2::name(const filter& filters, const find_config& config, \
                                  const context& ctx) const {                       \
    return worded_as_v2([&] {                                                       \
      return CUSTOMERDB_V2_CALLS.run<Row>(CUSTOMERDB_V2_CALL, filters,              \
                                          known_paths_only<Row>(config));           \
    });                                                                             \
  }

#define CUSTOMERDB_V2_WRITES(Row, update_name, Data, delete_name, check)                          \
  dto_t<Row> customer_module_v2::update_name(id_view id, const Data& data, const context& ctx) {  \
    return worded_as_v2([&] {                                                                     \
      return std::move(                                                                           \
          CUSTOMERDB_V2_CALLS.update<Row>(CUSTOMERDB_V2_CALL, single_id<Row>(id), data, check)    \
              .front());                                                                          \
    });                                                                                           \
  }                                                                                               \
  std::vector<dto_t<Row>> customer_module_v2::update_name(const std::vector<std::string>& ids,    \
                                                          const Data& data, const context& ctx) { \
    return worded_as_v2(                                                                          \
        [&] { return CUSTOMERDB_V2_CALLS.update<Row>(CUSTOMERDB_V2_CALL, ids, data, check); });   \
  }                                                                                               \
  std::vector<dto_t<Row>> customer_module_v2::update_name(const filter& selector,                 \
                                                          const Data& data, const context& ctx) { \
    return worded_as_v2([&] {                                                                     \
      return CUSTOMERDB_V2_CALLS.update<Row>(CUSTOMERDB_V2_CALL, selector, data, check);          \
    });                                                                                           \
  }                                                                                               \
  void customer_module_v2::delete_name(id_view id, const context& ctx) {                          \
    worded_as_v2([&] { CUSTOMERDB_V2_CALLS.erase<Row>(CUSTOMERDB_V2_CALL, given_ids(id)); });     \
  }                                                                                               \
  void customer_module_v2::delete_name(const std::vector<std::string>& ids, const context& ctx) { \
    CUSTOMERDB_V2_CALLS.erase<Row>(CUSTOMERDB_V2_CALL, ids);                                      \
  }                                                                                               \
  void customer_module_v2::delete_name(const filter& selector, const context& ctx) {              \
    worded_as_v2([&] { CUSTOMERDB_V2_CALLS.erase<Row>(CUSTOMERDB_V2_CALL, selector); });          \
  }

#define CUSTOMERDB_V2_SOFT_DELETE(Row, name, restoring)                                           \
  linkable_ids customer_module_v2::name(const std::vector<std::string>& ids,                      \
                                        const soft_delete_config& config, const context& ctx) {   \
    return CUSTOMERDB_V2_CALLS.soft_delete_or_restore<Row, restoring>(CUSTOMERDB_V2_CALL, ids,    \
                                                                      config);                    \
  }                                                                                               \
  linkable_ids customer_module_v2::name(id_view id, const soft_delete_config& config,             \
                                        const context& ctx) {                                     \
    return name(given_ids(id), config, ctx);                                                      \
  }                                                                                               \
  linkable_ids customer_module_v2::name(const filter& selector, const soft_delete_config& config, \
                                        const context& ctx) {                                     \
    return worded_as_v2([&] {                                                                     \
      return CUSTOMERDB_V2_CALLS.soft_delete_or_restore<Row, restoring>(CUSTOMERDB_V2_CALL,       \
                                                                        selector, config);        \
    });                                                                                           \
  }

namespace {
// No checks.
template <class Data>
void no_check(const Data&) {}
}  // namespace

// ---- Customers -----------------------------------------------------------------------------

CUSTOMERDB_V2_READS(customer_row, retrieve_customer, list_customers, list_and_count_customers)
CUSTOMERDB_V2_WRITES(customer_row, update_customers, customer_updatable_fields, delete_customers,
                     no_check<customer_updatable_fields>)

customer customer_module_v2::create_customers(const create_customer_dto& data, const context& ctx) {
  return module_->create(data, ctx);
}
std::vector<customer> customer_module_v2::create_customers(
    std::span<const create_customer_dto> data, const context& ctx) {
  return module_->create(data, ctx);
}

CUSTOMERDB_V2_SOFT_DELETE(customer_row, soft_delete_customers, false)
CUSTOMERDB_V2_SOFT_DELETE(customer_row, restore_customers, true)

// ---- Customer groups -----------------------------------------------------------------------

CUSTOMERDB_V2_READS(group_row, retrieve_customer_group, list_customer_groups,
                    list_and_count_customer_groups)
CUSTOMERDB_V2_WRITES(group_row, update_customer_groups, customer_group_updatable_fields,
                     delete_customer_groups, check_group_name)

namespace {
// Medusa v2's created groups carry an empty `customers` list.
customer_group with_no_customers(customer_group g) {
  g.customers.emplace();
  return g;
}
}  // namespace

customer_group customer_module_v2::create_customer_groups(const create_customer_group_dto& data,
                                                          const context& ctx) {
  check_group_names(std::span(&data, 1));
  return with_no_customers(module_->create_customer_group(data, ctx));
}
std::vector<customer_group> customer_module_v2::create_customer_groups(
    std::span<const create_customer_group_dto> data, const context& ctx) {
  check_group_names(data);
  auto groups = module_->create_customer_group(data, ctx);
  for (auto& g : groups) g = with_no_customers(std::move(g));
  return groups;
}

CUSTOMERDB_V2_SOFT_DELETE(group_row, soft_delete_customer_groups, false)
CUSTOMERDB_V2_SOFT_DELETE(group_row, restore_customer_groups, true)

// ---- Memberships ---------------------------------------------------------------------------

std::string customer_module_v2::add_customer_to_group(const group_customer_pair& pair,
                                                      const context& ctx) {
  return module_->add_customer_to_group(pair, ctx);
}
std::vector<std::string> customer_module_v2::add_customer_to_group(
    std::span<const group_customer_pair> pairs, const context& ctx) {
  return module_->add_customer_to_group(pairs, ctx);
}
void customer_module_v2::remove_customer_from_group(const group_customer_pair& pair,
                                                    const context& ctx) {
  module_->remove_customer_from_group(pair, ctx);
}
void customer_module_v2::remove_customer_from_group(std::span<const group_customer_pair> pairs,
                                                    const context& ctx) {
  module_->remove_customer_from_group(pairs, ctx);
}
CUSTOMERDB_V2_READS(membership_row, retrieve_customer_group_customer, list_customer_group_customers,
                    list_and_count_customer_group_customers)
CUSTOMERDB_V2_SOFT_DELETE(membership_row, soft_delete_customer_group_customers, false)
CUSTOMERDB_V2_SOFT_DELETE(membership_row, restore_customer_group_customers, true)

void customer_module_v2::delete_customer_group_customers(id_view id, const context& ctx) {
  CUSTOMERDB_V2_CALLS.erase<membership_row>(CUSTOMERDB_V2_CALL, given_ids(id));
}
void customer_module_v2::delete_customer_group_customers(const std::vector<std::string>& ids,
                                                         const context& ctx) {
  CUSTOMERDB_V2_CALLS.erase<membership_row>(CUSTOMERDB_V2_CALL, ids);
}
void customer_module_v2::delete_customer_group_customers(const filter& selector,
                                                         const context& ctx) {
  worded_as_v2([&] { CUSTOMERDB_V2_CALLS.erase<membership_row>(CUSTOMERDB_V2_CALL, selector); });
}

// ---- Addresses -----------------------------------------------------------------------------

CUSTOMERDB_V2_READS(address_row, retrieve_customer_address, list_customer_addresses,
                    list_and_count_customer_addresses)
CUSTOMERDB_V2_WRITES(address_row, update_customer_addresses, update_customer_address_dto,
                     delete_customer_addresses, no_check<update_customer_address_dto>)

CUSTOMERDB_V2_SOFT_DELETE(address_row, soft_delete_customer_addresses, false)
CUSTOMERDB_V2_SOFT_DELETE(address_row, restore_customer_addresses, true)

customer_address customer_module_v2::create_customer_addresses(
    const create_customer_address_dto& data, const context& ctx) {
  return worded_as_v2([&] { return module_->add_addresses(data, ctx); });
}
std::vector<customer_address> customer_module_v2::create_customer_addresses(
    std::span<const create_customer_address_dto> data, const context& ctx) {
  return worded_as_v2([&] { return module_->add_addresses(data, ctx); });
}

}  // namespace customerdb
