// customerdb::customer_module_v2: Medusa 2.x's Customer Module service (ICustomerModuleService of
// @medusajs/customer 2.x: createCustomers, listCustomers, createCustomerAddresses, ...) on the
// same store as customer_module, whose methods keep the seed's (v1) names and behaviour. Get
// one with customer_module::v2(); it refers to the module, which must outlive it. Calls of
// both interfaces may be mixed freely, in one transaction too (the same context).
//
// Every method behaves as its v1 counterpart (customer_module.hpp, same errors and decisions),
// except where Medusa v2 changed the rule (docs/medusa-compatibility.md, "Medusa v2"):
//   - lists have no default take: unset or null take returns every match, and skip applies
//     without a take (v1: 15 rows, D12/D20/D24);
//   - `q` (customerdb::search) is split on white space: every word must be found in one of
//     the searchable fields, each word a literal substring, ignoring case (v1: the whole text
//     as one substring, D16);
//   - a `deleted_at` condition does not show soft-deleted rows by itself; with_deleted does
//     (v1: any deleted_at condition does, D28);
//   - a delete selector deletes soft-deleted rows it matches as well (v1: live rows only);
//   - a metadata update merges shallowly: a key's new value replaces the old one, objects
//     included, and a key given "" is removed (v1: deep merge, D10);
//   - a group's name is required: create_customer_groups without a name throws invalid_data
//     "Value for CustomerGroup.name is required, 'undefined' found", and update_customer_groups
//     with a null name "You must pass a non-null value to the property name of entity
//     CustomerGroup." once the update's targets are found (not_found, or nothing, first);
//     created groups carry an empty `customers`;
//   - unknown `select` and `relations` entries are dropped (v1: invalid_data, D11); a dotted
//     `select` path loads its relation (not with with_deleted), and a to-one relation brings
//     its key into a `select` that lacks it (v1: the relation is left out, D22/D23);
//   - a relation filter through the related rows' fields skips soft-deleted related rows
//     unless with_deleted (v1: it sees them, D28); a filter by id alone sees them in both;
//   - of several errors, a filter's first unknown key or misplaced `q` in key order comes
//     first, then its values, then take/skip; an address's customer_id is checked after its
//     other fields (D19);
//   - restore_* reports live rows without writing them (v1: updated_at moves);
//   - messages name the address model CustomerAddress (`CustomerAddress with id "a" not found`,
//     "customerAddress - id must be defined"), where v1 says Address; an unknown filter key (or
//     a `q` where v1's D27 refuses it) is invalid_data "Trying to query by not existing property
//     Customer.<key>", an unknown order key "Trying to order by not existing property
//     Customer.<key>" (v1: `Unknown field "<key>" for Customer`).
//   - addresses and memberships can be soft-deleted (deleted_at): reads of both interfaces hide
//     soft-deleted ones unless with_deleted, except that a soft-deleted membership still links
//     its customer and group in relations and relation filters (as in Medusa v2);
//     remove_customer_from_group leaves soft-deleted memberships alone; a soft-deleted default
//     address keeps its customer's default slot (Medusa's production schema);
//   - a missing single id (nullptr, std::nullopt) names no row for delete_*, soft_delete_* and
//     restore_*: they do nothing (soft_delete_* and restore_* answer {}); retrieve_* and
//     update_* refuse it, not_found "<model> - id must be defined" (v1 refuses it in every
//     single-id call);
//   - soft_delete_* and restore_* also take a selector (a filter, as Medusa v2's generated
//     methods take a filter object): a soft delete takes the live rows it matches, a restore the
//     soft-deleted ones too; `q` is refused there as in a delete selector;
//   - soft_delete_customers also stamps every address of each customer it deletes (already
//     deleted ones too), restore_customers clears them, and both report them under
//     "customer_address_id".
// Not served: Medusa v2's generated createCustomerGroupCustomers and
// updateCustomerGroupCustomers (add_customer_to_group adds memberships, decision D6).
//
// Thread-safe as customer_module is; a customer_module_v2 is a small value (one pointer).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "customerdb/customer_module.hpp"

namespace customerdb {

class customer_module_v2 {
 public:
  explicit customer_module_v2(customer_module& module) noexcept : module_(&module) {}

  // `e` with Medusa v2's model names (CustomerAddress where v1 says Address), for errors raised
  // outside these methods on their behalf: a decoder's non_null_field_error or
  // unknown_field_error for a v2 call's input data. The methods' own errors are already so
  // worded; rewording one again changes nothing.
  static error in_v2_words(const error& e);

  // ---- Customers -------------------------------------------------------------------------
  customer retrieve_customer(id_view id, const find_config& config = {},
                             const context& ctx = {}) const;
  customer create_customers(const create_customer_dto& data, const context& ctx = {});
  std::vector<customer> create_customers(std::span<const create_customer_dto> data,
                                         const context& ctx = {});
  std::vector<customer> create_customers(std::initializer_list<create_customer_dto> data,
                                         const context& ctx = {}) {
    return create_customers(std::span(data.begin(), data.size()), ctx);
  }
  customer update_customers(id_view id, const customer_updatable_fields& data,
                            const context& ctx = {});
  std::vector<customer> update_customers(const std::vector<std::string>& ids,
                                         const customer_updatable_fields& data,
                                         const context& ctx = {});
  std::vector<customer> update_customers(const filter& selector,
                                         const customer_updatable_fields& data,
                                         const context& ctx = {});
  void delete_customers(id_view id, const context& ctx = {});
  void delete_customers(const std::vector<std::string>& ids, const context& ctx = {});
  void delete_customers(const filter& selector, const context& ctx = {});
  std::vector<customer> list_customers(const filter& filters = {}, const find_config& config = {},
                                       const context& ctx = {}) const;
  list_and_count_result<customer> list_and_count_customers(const filter& filters = {},
                                                           const find_config& config = {},
                                                           const context& ctx = {}) const;
  linkable_ids soft_delete_customers(const std::vector<std::string>& ids,
                                     const soft_delete_config& config = {},
                                     const context& ctx = {});
  linkable_ids soft_delete_customers(id_view id, const soft_delete_config& config = {},
                                     const context& ctx = {});
  linkable_ids soft_delete_customers(const filter& selector, const soft_delete_config& config = {},
                                     const context& ctx = {});
  linkable_ids restore_customers(const std::vector<std::string>& ids,
                                 const soft_delete_config& config = {}, const context& ctx = {});
  linkable_ids restore_customers(id_view id, const soft_delete_config& config = {},
                                 const context& ctx = {});
  linkable_ids restore_customers(const filter& selector, const soft_delete_config& config = {},
                                 const context& ctx = {});

  // ---- Customer groups -------------------------------------------------------------------
  customer_group create_customer_groups(const create_customer_group_dto& data,
                                        const context& ctx = {});
  std::vector<customer_group> create_customer_groups(
      std::span<const create_customer_group_dto> data, const context& ctx = {});
  std::vector<customer_group> create_customer_groups(
      std::initializer_list<create_customer_group_dto> data, const context& ctx = {}) {
    return create_customer_groups(std::span(data.begin(), data.size()), ctx);
  }
  customer_group retrieve_customer_group(id_view id, const find_config& config = {},
                                         const context& ctx = {}) const;
  customer_group update_customer_groups(id_view id, const customer_group_updatable_fields& data,
                                        const context& ctx = {});
  std::vector<customer_group> update_customer_groups(const std::vector<std::string>& ids,
                                                     const customer_group_updatable_fields& data,
                                                     const context& ctx = {});
  std::vector<customer_group> update_customer_groups(const filter& selector,
                                                     const customer_group_updatable_fields& data,
                                                     const context& ctx = {});
  void delete_customer_groups(id_view id, const context& ctx = {});
  void delete_customer_groups(const std::vector<std::string>& ids, const context& ctx = {});
  void delete_customer_groups(const filter& selector, const context& ctx = {});
  std::vector<customer_group> list_customer_groups(const filter& filters = {},
                                                   const find_config& config = {},
                                                   const context& ctx = {}) const;
  list_and_count_result<customer_group> list_and_count_customer_groups(
      const filter& filters = {}, const find_config& config = {}, const context& ctx = {}) const;
  linkable_ids soft_delete_customer_groups(const std::vector<std::string>& ids,
                                           const soft_delete_config& config = {},
                                           const context& ctx = {});
  linkable_ids soft_delete_customer_groups(id_view id, const soft_delete_config& config = {},
                                           const context& ctx = {});
  linkable_ids soft_delete_customer_groups(const filter& selector,
                                           const soft_delete_config& config = {},
                                           const context& ctx = {});
  linkable_ids restore_customer_groups(const std::vector<std::string>& ids,
                                       const soft_delete_config& config = {},
                                       const context& ctx = {});
  linkable_ids restore_customer_groups(id_view id, const soft_delete_config& config = {},
                                       const context& ctx = {});
  linkable_ids restore_customer_groups(const filter& selector,
                                       const soft_delete_config& config = {},
                                       const context& ctx = {});

  // ---- Memberships -----------------------------------------------------------------------
  std::string add_customer_to_group(const group_customer_pair& pair, const context& ctx = {});
  std::vector<std::string> add_customer_to_group(std::span<const group_customer_pair> pairs,
                                                 const context& ctx = {});
  void remove_customer_from_group(const group_customer_pair& pair, const context& ctx = {});
  void remove_customer_from_group(std::span<const group_customer_pair> pairs,
                                  const context& ctx = {});
  std::vector<customer_group_customer> list_customer_group_customers(const filter& filters = {},
                                                                     const find_config& config = {},
                                                                     const context& ctx = {}) const;
  // Public at runtime in Medusa v2 (generated), though not in its interface. Deleting a
  // membership deletes that row alone; soft delete and restore return
  // {"customer_group_customer_id": [...]} or {}.
  customer_group_customer retrieve_customer_group_customer(id_view id,
                                                           const find_config& config = {},
                                                           const context& ctx = {}) const;
  list_and_count_result<customer_group_customer> list_and_count_customer_group_customers(
      const filter& filters = {}, const find_config& config = {}, const context& ctx = {}) const;
  void delete_customer_group_customers(id_view id, const context& ctx = {});
  void delete_customer_group_customers(const std::vector<std::string>& ids,
                                       const context& ctx = {});
  void delete_customer_group_customers(const filter& selector, const context& ctx = {});
  linkable_ids soft_delete_customer_group_customers(const std::vector<std::string>& ids,
                                                    const soft_delete_config& config = {},
                                                    const context& ctx = {});
  linkable_ids soft_delete_customer_group_customers(id_view id,
                                                    const soft_delete_config& config = {},
                                                    const context& ctx = {});
  linkable_ids soft_delete_customer_group_customers(const filter& selector,
                                                    const soft_delete_config& config = {},
                                                    const context& ctx = {});
  linkable_ids restore_customer_group_customers(const std::vector<std::string>& ids,
                                                const soft_delete_config& config = {},
                                                const context& ctx = {});
  linkable_ids restore_customer_group_customers(id_view id, const soft_delete_config& config = {},
                                                const context& ctx = {});
  linkable_ids restore_customer_group_customers(const filter& selector,
                                                const soft_delete_config& config = {},
                                                const context& ctx = {});

  // ---- Addresses -------------------------------------------------------------------------
  customer_address create_customer_addresses(const create_customer_address_dto& data,
                                             const context& ctx = {});
  std::vector<customer_address> create_customer_addresses(
      std::span<const create_customer_address_dto> data, const context& ctx = {});
  std::vector<customer_address> create_customer_addresses(
      std::initializer_list<create_customer_address_dto> data, const context& ctx = {}) {
    return create_customer_addresses(std::span(data.begin(), data.size()), ctx);
  }
  // Public at runtime in Medusa v2 (generated), though not in its interface.
  customer_address retrieve_customer_address(id_view id, const find_config& config = {},
                                             const context& ctx = {}) const;
  customer_address update_customer_addresses(id_view id, const update_customer_address_dto& data,
                                             const context& ctx = {});
  std::vector<customer_address> update_customer_addresses(const std::vector<std::string>& ids,
                                                          const update_customer_address_dto& data,
                                                          const context& ctx = {});
  std::vector<customer_address> update_customer_addresses(const filter& selector,
                                                          const update_customer_address_dto& data,
                                                          const context& ctx = {});
  void delete_customer_addresses(id_view id, const context& ctx = {});
  void delete_customer_addresses(const std::vector<std::string>& ids, const context& ctx = {});
  void delete_customer_addresses(const filter& selector, const context& ctx = {});
  std::vector<customer_address> list_customer_addresses(const filter& filters = {},
                                                        const find_config& config = {},
                                                        const context& ctx = {}) const;
  list_and_count_result<customer_address> list_and_count_customer_addresses(
      const filter& filters = {}, const find_config& config = {}, const context& ctx = {}) const;
  // Public at runtime in Medusa v2 (generated): {"customer_address_id": [...]} or {}.
  linkable_ids soft_delete_customer_addresses(const std::vector<std::string>& ids,
                                              const soft_delete_config& config = {},
                                              const context& ctx = {});
  linkable_ids soft_delete_customer_addresses(id_view id, const soft_delete_config& config = {},
                                              const context& ctx = {});
  linkable_ids soft_delete_customer_addresses(const filter& selector,
                                              const soft_delete_config& config = {},
                                              const context& ctx = {});
  linkable_ids restore_customer_addresses(const std::vector<std::string>& ids,
                                          const soft_delete_config& config = {},
                                          const context& ctx = {});
  linkable_ids restore_customer_addresses(id_view id, const soft_delete_config& config = {},
                                          const context& ctx = {});
  linkable_ids restore_customer_addresses(const filter& selector,
                                          const soft_delete_config& config = {},
                                          const context& ctx = {});

 private:
  customer_module* module_;
};

}  // namespace customerdb
