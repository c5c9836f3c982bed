// customer_module: the methods the entities have alike, each family defined once (in
// entity_calls.hpp, shared with customer_module_v2) and stated per entity below: retrieve, the
// one-row forms of create, update and delete (by id, by ids, by selector), list, listAndCount,
// softDelete and restore. What differs between entities: how rows are created (customers.cpp,
// groups.cpp, addresses.cpp, memberships.cpp), what an update checks afterwards
// (entity_hooks.hpp), and what a deletion takes with it (erase_with_dependents).
#include <span>
#include <string>
#include <vector>

#include "customerdb/customer_module.hpp"
#include "entity_calls.hpp"

namespace customerdb {

using namespace detail;

namespace {

entity_calls v1_calls(engine& e, const query_limits& limits) { return {e, limits, dialect::v1}; }

}  // namespace

// `Result name(const Input&, ctx)`: the one-row form of `name(span<const Input>, ctx)`. The
// result is moved out, not copied: a copy could run out of memory after the commit.
#define CUSTOMERDB_ONE_ROW_METHOD(Result, name, Input)                  \
  Result customer_module::name(const Input& data, const context& ctx) { \
    return std::move(name(std::span(&data, 1), ctx).front());           \
  }

#define CUSTOMERDB_RETRIEVE_METHOD(Row, name)                                                 \
  dto_t<Row> customer_module::name(id_view id, const find_config& config, const context& ctx) \
      const {                                                                                 \
    return v1_calls(*engine_, limits_).retrieve<Row>(call_of(ctx), id, config);               \
  }

#define CUSTOMERDB_UPDATE_METHODS(Row, name, Data)                                                \
  dto_t<Row> customer_module::name(id_view id, const Data& data, const context& ctx) {            \
    return std::move(                                                                             \
        v1_calls(*engine_, limits_).update<Row>(call_of(ctx), single_id<Row>(id), data).front()); \
  }                                                                                               \
  std::vector<dto_t<Row>> customer_module::name(const std::vector<std::string>& ids,              \
                                                const Data& data, const context& ctx) {           \
    return v1_calls(*engine_, limits_).update<Row>(call_of(ctx), ids, data);                      \
  }                                                                                               \
  std::vector<dto_t<Row>> customer_module::name(const filter& selector, const Data& data,         \
                                                const context& ctx) {                             \
    return v1_calls(*engine_, limits_).update<Row>(call_of(ctx), selector, data);                 \
  }

#define CUSTOMERDB_DELETE_METHODS(Row, name)                                                    \
  void customer_module::name(id_view id, const context& ctx) { name(single_id<Row>(id), ctx); } \
  void customer_module::name(const std::vector<std::string>& ids, const context& ctx) {         \
    v1_calls(*engine_, limits_).erase<Row>(call_of(ctx), ids);                                  \
  }                                                                                             \
  void customer_module::name(const filter& selector, const context& ctx) {                      \
    v1_calls(*engine_, limits_).erase<Row>(call_of(ctx), selector);                             \
  }

#define CUSTOMERDB_LIST_METHOD(Row, name, Result, run)                           \
  Result customer_module::name(const filter& filters, const find_config& config, \
                               const context& ctx) const {                       \
    return v1_calls(*engine_, limits_).run<Row>(call_of(ctx), filters, config);  \
  }

#define CUSTOMERDB_SOFT_DELETE_METHODS(Row, name, restoring)                                 \
  linkable_ids customer_module::name(const std::vector<std::string>& ids,                    \
                                     const soft_delete_config& config, const context& ctx) { \
    return v1_calls(*engine_, limits_)                                                       \
        .soft_delete_or_restore<Row, restoring>(call_of(ctx), ids, config);                  \
  }                                                                                          \
  linkable_ids customer_module::name(id_view id, const soft_delete_config& config,           \
                                     const context& ctx) {                                   \
    return name(single_id<Row>(id), config, ctx);                                            \
  }

// An entity's list and listAndCount methods.
#define CUSTOMERDB_LIST_METHODS(Row, list_name, list_and_count_name)                  \
  CUSTOMERDB_LIST_METHOD(Row, list_name, std::vector<dto_t<Row>>, list)               \
  CUSTOMERDB_LIST_METHOD(Row, list_and_count_name, list_and_count_result<dto_t<Row>>, \
                         list_and_count)

// The methods of an entity with soft deletion.
#define CUSTOMERDB_SOFT_DELETABLE_ENTITY(Row, retrieve_name, create_name, Input, update_name, \
                                         Data, delete_name, list_name, list_and_count_name,   \
                                         soft_delete_name, restore_name)                      \
  CUSTOMERDB_RETRIEVE_METHOD(Row, retrieve_name)                                              \
  CUSTOMERDB_ONE_ROW_METHOD(dto_t<Row>, create_name, Input)                                   \
  CUSTOMERDB_UPDATE_METHODS(Row, update_name, Data)                                           \
  CUSTOMERDB_DELETE_METHODS(Row, delete_name)                                                 \
  CUSTOMERDB_LIST_METHODS(Row, list_name, list_and_count_name)                                \
  CUSTOMERDB_SOFT_DELETE_METHODS(Row, soft_delete_name, false)                                \
  CUSTOMERDB_SOFT_DELETE_METHODS(Row, restore_name, true)

CUSTOMERDB_SOFT_DELETABLE_ENTITY(customer_row, retrieve, create, create_customer_dto, update,
                                 customer_updatable_fields, delete_customers, list, list_and_count,
                                 soft_delete, restore)
CUSTOMERDB_SOFT_DELETABLE_ENTITY(group_row, retrieve_customer_group, create_customer_group,
                                 create_customer_group_dto, update_customer_groups,
                                 customer_group_updatable_fields, delete_customer_groups,
                                 list_customer_groups, list_and_count_customer_groups,
                                 soft_delete_customer_groups, restore_customer_groups)

// Addresses: no soft deletion.
CUSTOMERDB_ONE_ROW_METHOD(customer_address, add_addresses, create_customer_address_dto)
CUSTOMERDB_UPDATE_METHODS(address_row, update_addresses, update_customer_address_dto)
CUSTOMERDB_DELETE_METHODS(address_row, delete_addresses)
CUSTOMERDB_LIST_METHODS(address_row, list_addresses, list_and_count_addresses)

// Memberships: created and removed by pairs (memberships.cpp); listed.
CUSTOMERDB_ONE_ROW_METHOD(std::string, add_customer_to_group, group_customer_pair)
CUSTOMERDB_LIST_METHOD(membership_row, list_customer_group_customers,
                       std::vector<customer_group_customer>, list)

}  // namespace customerdb
