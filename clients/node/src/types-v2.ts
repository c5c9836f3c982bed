// The shapes of Medusa 2.x's Customer Module (`@medusajs/customer` 2.x, its ICustomerModuleService)
// as customerdb serves them under the `v2.` method names. The package exports them as the
// namespace V2 (`V2.CreateCustomerGroupDTO`), under Medusa's names; where a shape is the same as
// v1's it is v1's type. The results have v1's JSON shapes but for `deleted_at`: addresses and
// memberships are soft-deletable in Medusa 2.x's model, and every address and membership a v2
// method returns, nested ones included, carries it (v1's answers leave it out). The rest that
// differs is in the inputs (a group's name is required) and in how the program reads some of
// them (below).

import type {
  CreateCustomerAddressDTO as V1CreateCustomerAddressDTO,
  CreateCustomerDTO as V1CreateCustomerDTO,
  CustomerAddressDTO as V1CustomerAddressDTO,
  CustomerDTO as V1CustomerDTO,
  CustomerGroupCustomerDTO as V1CustomerGroupCustomerDTO,
  CustomerGroupDTO as V1CustomerGroupDTO,
  FilterableCustomerAddressProps as V1FilterableCustomerAddressProps,
  FilterableCustomerGroupCustomerProps as V1FilterableCustomerGroupCustomerProps,
  FilterableCustomerGroupProps as V1FilterableCustomerGroupProps,
  FilterableCustomerProps as V1FilterableCustomerProps,
  FindConfig as V1FindConfig,
  Metadata,
  Timestamp,
} from "./types.js";

export type {
  BaseFilterable,
  Context,
  FieldFilter,
  GroupCustomerPair,
  LinkableKeys,
  Metadata,
  MetadataFilter,
  OperatorMap,
  OrderDirection,
  RelationFilter,
  RestoreReturn,
  SoftDeleteReturn,
  Timestamp,
  TimestampValue,
  TransactionContext,
} from "./types.js";

// ---- Values --------------------------------------------------------------------------------

/** A customer (id prefix `cus_`): v1's shape, its relations holding v2's DTOs. */
export interface CustomerDTO extends Omit<V1CustomerDTO, "groups" | "addresses"> {
  groups?: CustomerGroupDTO[];
  addresses?: CustomerAddressDTO[];
}

/** A customer group (id prefix `cusgroup_`). */
export interface CustomerGroupDTO extends Omit<V1CustomerGroupDTO, "customers"> {
  customers?: CustomerDTO[];
}

/** A customer's address (id prefix `cuaddr_`); Medusa 2.x's model calls it CustomerAddress. */
export interface CustomerAddressDTO extends Omit<V1CustomerAddressDTO, "customer"> {
  /**
   * When the address was soft-deleted (`softDeleteCustomerAddresses`, or with its customer by
   * `softDeleteCustomers`); `null` while it is live. Soft-deleted addresses show only with
   * `withDeleted`.
   */
  deleted_at: Timestamp | null;
  /** Loaded with `relations: ["customer"]`; `null` when the customer is soft-deleted. */
  customer?: CustomerDTO | null;
}

/** A group membership (id prefix `cusgc_`). */
export interface CustomerGroupCustomerDTO
  extends Omit<V1CustomerGroupCustomerDTO, "customer" | "customer_group"> {
  /**
   * When the membership was soft-deleted (`softDeleteCustomerGroupCustomers`); `null` while it
   * is live. Soft-deleted memberships show in `listCustomerGroupCustomers` only with
   * `withDeleted`, but still link their customer and group (a customer's `groups`, a group's
   * `customers`, `groups` filters).
   */
  deleted_at: Timestamp | null;
  customer?: CustomerDTO | null;
  customer_group?: CustomerGroupDTO | null;
}

// ---- Inputs --------------------------------------------------------------------------------
// As in v1, an unknown key is invalid_data, `null` in create data leaves a field unset and in
// update data clears it. `metadata` in update data is a shallow merge (v1: a deep merge): each
// key given replaces the stored key's value, a key given `""` is removed, and `null` clears the
// whole object.

/** `createCustomerAddresses` input. */
export type CreateCustomerAddressDTO = V1CreateCustomerAddressDTO;

/** `updateCustomerAddresses` data. */
export type UpdateCustomerAddressDTO = Partial<Omit<CreateCustomerAddressDTO, "id">>;

/**
 * `createCustomers` input, `has_account` included (a guest and a registered customer may share
 * an e-mail). Nested addresses get the new customer's id as their `customer_id`.
 */
export type CreateCustomerDTO = V1CreateCustomerDTO;

/** `updateCustomers` data. */
export type CustomerUpdatableFields = Omit<CreateCustomerDTO, "id" | "addresses">;

/** `createCustomerGroups` input: `name` is required (v1 let it be left out). */
export interface CreateCustomerGroupDTO {
  id?: string | null;
  name: string;
  metadata?: Metadata | null;
  created_by?: string | null;
}

/** `updateCustomerGroups` data: a name cannot be cleared. */
export interface CustomerGroupUpdatableFields {
  name?: string;
  metadata?: Metadata | null;
  created_by?: string | null;
}

// ---- Filters and find config ---------------------------------------------------------------

/**
 * A filter of customers (`listCustomers`, `listAndCountCustomers`, and selectors of
 * `updateCustomers` / `deleteCustomers`). `q` is split at white space and every word must match
 * one of the searchable fields (case-insensitive substrings); v1 searches for the whole string.
 * A condition on `deleted_at` does not show soft-deleted rows by itself (`withDeleted` does),
 * and a delete selector also matches soft-deleted rows.
 */
export type FilterableCustomerProps = V1FilterableCustomerProps;

/** A filter of customer groups (`q` as in FilterableCustomerProps). */
export type FilterableCustomerGroupProps = V1FilterableCustomerGroupProps;

/** A filter of addresses (`q` as in FilterableCustomerProps). */
export type FilterableCustomerAddressProps = V1FilterableCustomerAddressProps;

/** A filter of group memberships. */
export type FilterableCustomerGroupCustomerProps = V1FilterableCustomerGroupCustomerProps;

/**
 * The second param of `retrieve*` and the `list*` methods, as in v1 but for paging and field
 * names: the v2 methods have no default limit, `skip` applies without a `take`, and `select`
 * and `relations` entries that name nothing of the entity are left out rather than refused.
 */
export interface FindConfig<Entity> extends V1FindConfig<Entity> {
  /** At most this many rows; left out or `null`: every row (v1: 15). */
  take?: number | null;
  /** Rows to skip, with or without a `take`. */
  skip?: number | null;
}
