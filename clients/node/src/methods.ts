// The module service's methods: their typed signatures (an interface per version of Medusa's
// ICustomerModuleService) and one runtime table per version, mapping each method name to the
// number of positional params that come before the context (docs/protocol.md, "Methods").
// The client installs one method per table entry: the v1 methods on the client itself
// (`db.list`), the v2 methods (Medusa 2.x's names) on its `v2` service (`db.v2.listCustomers`),
// which calls them by their wire names, `v2.<name>`.

import type {
  Context,
  CreateCustomerAddressDTO,
  CreateCustomerDTO,
  CreateCustomerGroupDTO,
  CustomerAddressDTO,
  CustomerDTO,
  CustomerGroupCustomerDTO,
  CustomerGroupDTO,
  CustomerGroupUpdatableFields,
  CustomerUpdatableFields,
  FilterableCustomerAddressProps,
  FilterableCustomerGroupCustomerProps,
  FilterableCustomerGroupProps,
  FilterableCustomerProps,
  FindConfig,
  GroupCustomerPair,
  LinkableKeys,
  RestoreReturn,
  SoftDeleteReturn,
  UpdateCustomerAddressDTO,
} from "./types.js";
import type * as V2 from "./types-v2.js";

/** A target of update and delete methods: an id, a list of ids, or a selector (a filter). */
export type Target<Filter> = string | string[] | Filter;

/**
 * Medusa's ICustomerModuleService (the v1 method names), as customerdb serves it. Every method
 * takes an optional last `sharedContext`: `{ transactionId }` runs it inside a transaction.
 */
export interface CustomerModuleServiceV1 {
  // Customers
  create(data: CreateCustomerDTO, sharedContext?: Context): Promise<CustomerDTO>;
  create(data: CreateCustomerDTO[], sharedContext?: Context): Promise<CustomerDTO[]>;
  retrieve(
    customerId: string,
    config?: FindConfig<CustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<CustomerDTO>;
  update(
    customerId: string,
    data: CustomerUpdatableFields,
    sharedContext?: Context,
  ): Promise<CustomerDTO>;
  update(
    customerIds: string[] | FilterableCustomerProps,
    data: CustomerUpdatableFields,
    sharedContext?: Context,
  ): Promise<CustomerDTO[]>;
  delete(target: Target<FilterableCustomerProps>, sharedContext?: Context): Promise<void>;
  list(
    filters?: FilterableCustomerProps | null,
    config?: FindConfig<CustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<CustomerDTO[]>;
  listAndCount(
    filters?: FilterableCustomerProps | null,
    config?: FindConfig<CustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<[CustomerDTO[], number]>;
  softDelete(
    customerIds: string | string[],
    config?: SoftDeleteReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;
  restore(
    customerIds: string | string[],
    config?: RestoreReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;

  // Customer groups
  createCustomerGroup(
    data: CreateCustomerGroupDTO,
    sharedContext?: Context,
  ): Promise<CustomerGroupDTO>;
  createCustomerGroup(
    data: CreateCustomerGroupDTO[],
    sharedContext?: Context,
  ): Promise<CustomerGroupDTO[]>;
  retrieveCustomerGroup(
    groupId: string,
    config?: FindConfig<CustomerGroupDTO> | null,
    sharedContext?: Context,
  ): Promise<CustomerGroupDTO>;
  updateCustomerGroups(
    groupId: string,
    data: CustomerGroupUpdatableFields,
    sharedContext?: Context,
  ): Promise<CustomerGroupDTO>;
  updateCustomerGroups(
    groupIds: string[] | FilterableCustomerGroupProps,
    data: CustomerGroupUpdatableFields,
    sharedContext?: Context,
  ): Promise<CustomerGroupDTO[]>;
  deleteCustomerGroups(
    target: Target<FilterableCustomerGroupProps>,
    sharedContext?: Context,
  ): Promise<void>;
  listCustomerGroups(
    filters?: FilterableCustomerGroupProps | null,
    config?: FindConfig<CustomerGroupDTO> | null,
    sharedContext?: Context,
  ): Promise<CustomerGroupDTO[]>;
  listAndCountCustomerGroups(
    filters?: FilterableCustomerGroupProps | null,
    config?: FindConfig<CustomerGroupDTO> | null,
    sharedContext?: Context,
  ): Promise<[CustomerGroupDTO[], number]>;
  softDeleteCustomerGroups(
    groupIds: string | string[],
    config?: SoftDeleteReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;
  restoreCustomerGroups(
    groupIds: string | string[],
    config?: RestoreReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;

  // Addresses
  addAddresses(
    data: CreateCustomerAddressDTO,
    sharedContext?: Context,
  ): Promise<CustomerAddressDTO>;
  addAddresses(
    data: CreateCustomerAddressDTO[],
    sharedContext?: Context,
  ): Promise<CustomerAddressDTO[]>;
  updateAddresses(
    addressId: string,
    data: UpdateCustomerAddressDTO,
    sharedContext?: Context,
  ): Promise<CustomerAddressDTO>;
  updateAddresses(
    addressIds: string[] | FilterableCustomerAddressProps,
    data: UpdateCustomerAddressDTO,
    sharedContext?: Context,
  ): Promise<CustomerAddressDTO[]>;
  deleteAddresses(
    target: Target<FilterableCustomerAddressProps>,
    sharedContext?: Context,
  ): Promise<void>;
  listAddresses(
    filters?: FilterableCustomerAddressProps | null,
    config?: FindConfig<CustomerAddressDTO> | null,
    sharedContext?: Context,
  ): Promise<CustomerAddressDTO[]>;
  listAndCountAddresses(
    filters?: FilterableCustomerAddressProps | null,
    config?: FindConfig<CustomerAddressDTO> | null,
    sharedContext?: Context,
  ): Promise<[CustomerAddressDTO[], number]>;

  // Group memberships
  addCustomerToGroup(pair: GroupCustomerPair, sharedContext?: Context): Promise<{ id: string }>;
  addCustomerToGroup(
    pairs: GroupCustomerPair[],
    sharedContext?: Context,
  ): Promise<{ id: string }[]>;
  removeCustomerFromGroup(
    pairs: GroupCustomerPair | GroupCustomerPair[],
    sharedContext?: Context,
  ): Promise<void>;
  listCustomerGroupCustomers(
    filters?: FilterableCustomerGroupCustomerProps | null,
    config?: FindConfig<CustomerGroupCustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<CustomerGroupCustomerDTO[]>;
}

/** The number of positional params each method takes before its context. */
export type MethodTable<Service> = { readonly [Name in keyof Service]: number };

/** Every v1 method the program serves, with its params before the context. */
export const V1_METHODS = Object.freeze({
  create: 1,
  retrieve: 2,
  update: 2,
  delete: 1,
  list: 2,
  listAndCount: 2,
  softDelete: 2,
  restore: 2,
  createCustomerGroup: 1,
  retrieveCustomerGroup: 2,
  updateCustomerGroups: 2,
  deleteCustomerGroups: 1,
  listCustomerGroups: 2,
  listAndCountCustomerGroups: 2,
  softDeleteCustomerGroups: 2,
  restoreCustomerGroups: 2,
  addAddresses: 1,
  updateAddresses: 2,
  deleteAddresses: 1,
  listAddresses: 2,
  listAndCountAddresses: 2,
  addCustomerToGroup: 1,
  removeCustomerFromGroup: 1,
  listCustomerGroupCustomers: 2,
} as const satisfies MethodTable<CustomerModuleServiceV1>);

/** The names of the v1 methods. */
export type V1MethodName = keyof CustomerModuleServiceV1;

/**
 * Medusa 2.x's ICustomerModuleService (`@medusajs/customer` 2.x), as customerdb serves it under
 * the `v2.` names, on the same store as v1. Every method takes an optional last
 * `sharedContext`: `{ transactionId }` runs it inside a transaction. Where v2 and v1 differ: the
 * lists have no default limit, `q` matches every word it holds, metadata updates are a
 * shallow merge (a key given `""` is removed), a group's name is required, and messages name
 * the address model `CustomerAddress` (v1: `Address`); addresses (with their customer too) and
 * memberships are soft-deletable, and the addresses and memberships it returns carry
 * `deleted_at`.
 */
export interface CustomerModuleServiceV2 {
  // Customers
  retrieveCustomer(
    customerId: string,
    config?: V2.FindConfig<V2.CustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerDTO>;
  createCustomers(data: V2.CreateCustomerDTO[], sharedContext?: Context): Promise<V2.CustomerDTO[]>;
  createCustomers(data: V2.CreateCustomerDTO, sharedContext?: Context): Promise<V2.CustomerDTO>;
  updateCustomers(
    customerId: string,
    data: V2.CustomerUpdatableFields,
    sharedContext?: Context,
  ): Promise<V2.CustomerDTO>;
  updateCustomers(
    customerIds: string[] | V2.FilterableCustomerProps,
    data: V2.CustomerUpdatableFields,
    sharedContext?: Context,
  ): Promise<V2.CustomerDTO[]>;
  deleteCustomers(target: Target<V2.FilterableCustomerProps>, sharedContext?: Context): Promise<void>;
  listCustomers(
    filters?: V2.FilterableCustomerProps | null,
    config?: V2.FindConfig<V2.CustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerDTO[]>;
  listAndCountCustomers(
    filters?: V2.FilterableCustomerProps | null,
    config?: V2.FindConfig<V2.CustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<[V2.CustomerDTO[], number]>;
  /**
   * Soft-deletes customers and every address of each (already deleted ones too): returns
   * `{ customer_id: [...], customer_address_id: [...] }` (a key without ids left out), or `{}`.
   * `config.returnLinkableKeys` keeps only the keys it lists. A filter in place of the ids
   * soft-deletes the live customers it matches (`restore*` with a filter: the soft-deleted ones
   * too), as every v2 softDelete and restore method takes; `q` is refused there.
   */
  softDeleteCustomers(
    customerIds: string | string[] | V2.FilterableCustomerProps,
    config?: SoftDeleteReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;
  /** Restores customers and every address of each, listing them as softDeleteCustomers does. */
  restoreCustomers(
    customerIds: string | string[] | V2.FilterableCustomerProps,
    config?: RestoreReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;

  // Customer groups
  createCustomerGroups(
    data: V2.CreateCustomerGroupDTO[],
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupDTO[]>;
  createCustomerGroups(
    data: V2.CreateCustomerGroupDTO,
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupDTO>;
  retrieveCustomerGroup(
    groupId: string,
    config?: V2.FindConfig<V2.CustomerGroupDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupDTO>;
  updateCustomerGroups(
    groupId: string,
    data: V2.CustomerGroupUpdatableFields,
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupDTO>;
  updateCustomerGroups(
    groupIds: string[] | V2.FilterableCustomerGroupProps,
    data: V2.CustomerGroupUpdatableFields,
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupDTO[]>;
  deleteCustomerGroups(
    target: Target<V2.FilterableCustomerGroupProps>,
    sharedContext?: Context,
  ): Promise<void>;
  listCustomerGroups(
    filters?: V2.FilterableCustomerGroupProps | null,
    config?: V2.FindConfig<V2.CustomerGroupDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupDTO[]>;
  listAndCountCustomerGroups(
    filters?: V2.FilterableCustomerGroupProps | null,
    config?: V2.FindConfig<V2.CustomerGroupDTO> | null,
    sharedContext?: Context,
  ): Promise<[V2.CustomerGroupDTO[], number]>;
  softDeleteCustomerGroups(
    groupIds: string | string[] | V2.FilterableCustomerGroupProps,
    config?: SoftDeleteReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;
  restoreCustomerGroups(
    groupIds: string | string[] | V2.FilterableCustomerGroupProps,
    config?: RestoreReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;

  // Group memberships
  addCustomerToGroup(pair: GroupCustomerPair, sharedContext?: Context): Promise<{ id: string }>;
  addCustomerToGroup(
    pairs: GroupCustomerPair[],
    sharedContext?: Context,
  ): Promise<{ id: string }[]>;
  removeCustomerFromGroup(
    pairs: GroupCustomerPair | GroupCustomerPair[],
    sharedContext?: Context,
  ): Promise<void>;
  listCustomerGroupCustomers(
    filters?: V2.FilterableCustomerGroupCustomerProps | null,
    config?: V2.FindConfig<V2.CustomerGroupCustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupCustomerDTO[]>;
  // The generated methods of the membership model (public at runtime in Medusa 2.x, not in
  // its interface).
  /**
   * One membership by id; a soft-deleted one only with `withDeleted`. A missing one is
   * not_found `CustomerGroupCustomer with id: <id> was not found`.
   */
  retrieveCustomerGroupCustomer(
    membershipId: string,
    config?: V2.FindConfig<V2.CustomerGroupCustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerGroupCustomerDTO>;
  listAndCountCustomerGroupCustomers(
    filters?: V2.FilterableCustomerGroupCustomerProps | null,
    config?: V2.FindConfig<V2.CustomerGroupCustomerDTO> | null,
    sharedContext?: Context,
  ): Promise<[V2.CustomerGroupCustomerDTO[], number]>;
  /** Hard-deletes memberships (their customers and groups stay); unknown ids are ignored. */
  deleteCustomerGroupCustomers(
    target: Target<V2.FilterableCustomerGroupCustomerProps>,
    sharedContext?: Context,
  ): Promise<void>;
  /**
   * Soft-deletes memberships: `{ customer_group_customer_id: [...] }`, the ids it deleted
   * (unknown and already deleted ones skipped), or `{}`. A soft-deleted membership is left out
   * of `listCustomerGroupCustomers` unless `withDeleted`, but still links its customer and
   * group (a customer's `groups`, a `groups` filter), and `removeCustomerFromGroup` leaves it.
   */
  softDeleteCustomerGroupCustomers(
    membershipIds: string | string[] | V2.FilterableCustomerGroupCustomerProps,
    config?: SoftDeleteReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;
  /** Restores soft-deleted memberships: `{ customer_group_customer_id: [...] }`, every id found, or `{}`. */
  restoreCustomerGroupCustomers(
    membershipIds: string | string[] | V2.FilterableCustomerGroupCustomerProps,
    config?: RestoreReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;

  // Addresses
  createCustomerAddresses(
    data: V2.CreateCustomerAddressDTO[],
    sharedContext?: Context,
  ): Promise<V2.CustomerAddressDTO[]>;
  createCustomerAddresses(
    data: V2.CreateCustomerAddressDTO,
    sharedContext?: Context,
  ): Promise<V2.CustomerAddressDTO>;
  retrieveCustomerAddress(
    addressId: string,
    config?: V2.FindConfig<V2.CustomerAddressDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerAddressDTO>;
  updateCustomerAddresses(
    addressId: string,
    data: V2.UpdateCustomerAddressDTO,
    sharedContext?: Context,
  ): Promise<V2.CustomerAddressDTO>;
  updateCustomerAddresses(
    addressIds: string[] | V2.FilterableCustomerAddressProps,
    data: V2.UpdateCustomerAddressDTO,
    sharedContext?: Context,
  ): Promise<V2.CustomerAddressDTO[]>;
  deleteCustomerAddresses(
    target: Target<V2.FilterableCustomerAddressProps>,
    sharedContext?: Context,
  ): Promise<void>;
  listCustomerAddresses(
    filters?: V2.FilterableCustomerAddressProps | null,
    config?: V2.FindConfig<V2.CustomerAddressDTO> | null,
    sharedContext?: Context,
  ): Promise<V2.CustomerAddressDTO[]>;
  listAndCountCustomerAddresses(
    filters?: V2.FilterableCustomerAddressProps | null,
    config?: V2.FindConfig<V2.CustomerAddressDTO> | null,
    sharedContext?: Context,
  ): Promise<[V2.CustomerAddressDTO[], number]>;
  /**
   * Soft-deletes addresses (public at runtime in Medusa 2.x, not in its interface). Returns
   * `{ customer_address_id: [...] }`, the ids it deleted (unknown and already deleted ones
   * skipped), or `{}`.
   */
  softDeleteCustomerAddresses(
    addressIds: string | string[] | V2.FilterableCustomerAddressProps,
    config?: SoftDeleteReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;
  /** Restores soft-deleted addresses: `{ customer_address_id: [...] }`, every id found, or `{}`. */
  restoreCustomerAddresses(
    addressIds: string | string[] | V2.FilterableCustomerAddressProps,
    config?: RestoreReturn | null,
    sharedContext?: Context,
  ): Promise<LinkableKeys>;
}

/** Every v2 method the program serves, with its params before the context. */
export const V2_METHODS = Object.freeze({
  retrieveCustomer: 2,
  createCustomers: 1,
  updateCustomers: 2,
  deleteCustomers: 1,
  listCustomers: 2,
  listAndCountCustomers: 2,
  softDeleteCustomers: 2,
  restoreCustomers: 2,
  createCustomerGroups: 1,
  retrieveCustomerGroup: 2,
  updateCustomerGroups: 2,
  deleteCustomerGroups: 1,
  listCustomerGroups: 2,
  listAndCountCustomerGroups: 2,
  softDeleteCustomerGroups: 2,
  restoreCustomerGroups: 2,
  addCustomerToGroup: 1,
  removeCustomerFromGroup: 1,
  listCustomerGroupCustomers: 2,
  retrieveCustomerGroupCustomer: 2,
  listAndCountCustomerGroupCustomers: 2,
  deleteCustomerGroupCustomers: 1,
  softDeleteCustomerGroupCustomers: 2,
  restoreCustomerGroupCustomers: 2,
  createCustomerAddresses: 1,
  retrieveCustomerAddress: 2,
  updateCustomerAddresses: 2,
  deleteCustomerAddresses: 1,
  listCustomerAddresses: 2,
  listAndCountCustomerAddresses: 2,
  softDeleteCustomerAddresses: 2,
  restoreCustomerAddresses: 2,
} as const satisfies MethodTable<CustomerModuleServiceV2>);

/** The names of the v2 methods. */
export type V2MethodName = keyof CustomerModuleServiceV2;

/**
 * The name on the wire of each v2 method: `v2.<name>`. (The program also answers the names
 * only v2 has without the prefix, but a name v1 has too, such as `listCustomerGroups`, keeps
 * v1's behaviour when bare; so the client always calls the prefixed names.)
 */
export const V2_WIRE_NAMES: { readonly [Name in V2MethodName]: `v2.${Name}` } = Object.freeze(
  Object.fromEntries(Object.keys(V2_METHODS).map((name) => [name, `v2.${name}`])) as {
    [Name in V2MethodName]: `v2.${Name}`;
  },
);
