// The module service's methods: their typed signatures (an interface per version of Medusa's
// ICustomerModuleService) and one runtime table per version, mapping each method name to the
// number of positional params that come before the context (docs/protocol.md, "Methods").
// The client installs one method per table entry; the v2 interface (createCustomers, ...) is
// added beside v1 as another interface and table once the program serves it.

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
