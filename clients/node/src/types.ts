// The shapes of the Customer Module as customerdb serves them (docs/protocol.md: "Values",
// "Input objects", "Find config", "Filters", "Transactions"). Names follow Medusa's
// @medusajs/types where Medusa has one; one declaration per shape.

// ---- Values --------------------------------------------------------------------------------

/** A `metadata` value: a JSON object, stored exactly as given. */
export type Metadata = Record<string, unknown>;

/**
 * A timestamp as the program returns it: a UTC string with milliseconds,
 * `"2026-12-03T16:28:23.434Z"`.
 */
export type Timestamp = string;

/**
 * A customer (id prefix `cus_`). Every scalar field is present (`null` when unset) unless a
 * `select` narrowed the answer; a relation is present only when it was loaded.
 */
export interface CustomerDTO {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
  phone: string | null;
  has_account: boolean;
  metadata: Metadata | null;
  created_by: string | null;
  /** Derived from the addresses' `is_default_billing` flag; cannot be written. */
  default_billing_address_id: string | null;
  /** Derived from the addresses' `is_default_shipping` flag; cannot be written. */
  default_shipping_address_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
  groups?: CustomerGroupDTO[];
  addresses?: CustomerAddressDTO[];
}

/** A customer group (id prefix `cusgroup_`). */
export interface CustomerGroupDTO {
  id: string;
  name: string | null;
  metadata: Metadata | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
  customers?: CustomerDTO[];
}

/** A customer's address (id prefix `cuaddr_`). */
export interface CustomerAddressDTO {
  id: string;
  customer_id: string;
  address_name: string | null;
  is_default_shipping: boolean;
  is_default_billing: boolean;
  company: string | null;
  first_name: string | null;
  last_name: string | null;
  address_1: string | null;
  address_2: string | null;
  city: string | null;
  country_code: string | null;
  province: string | null;
  postal_code: string | null;
  phone: string | null;
  metadata: Metadata | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Loaded with `relations: ["customer"]`; `null` when the customer is soft-deleted. */
  customer?: CustomerDTO | null;
}

/** A group membership (id prefix `cusgc_`). */
export interface CustomerGroupCustomerDTO {
  id: string;
  customer_id: string;
  customer_group_id: string;
  metadata: Metadata | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  customer?: CustomerDTO | null;
  customer_group?: CustomerGroupDTO | null;
}

// ---- Inputs --------------------------------------------------------------------------------
// An unknown key is invalid_data. In create data `null` leaves a field unset (the three
// booleans cannot be null); in update data an absent key is left untouched and `null` clears it.

/** `addAddresses` input; also the items of `CreateCustomerDTO.addresses` (without `customer_id`). */
export interface CreateCustomerAddressDTO {
  id?: string | null;
  customer_id: string;
  address_name?: string | null;
  company?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  address_1?: string | null;
  address_2?: string | null;
  city?: string | null;
  country_code?: string | null;
  province?: string | null;
  postal_code?: string | null;
  phone?: string | null;
  is_default_shipping?: boolean;
  is_default_billing?: boolean;
  metadata?: Metadata | null;
}

/** `updateAddresses` data: the keys of `addAddresses` without `id`. */
export type UpdateCustomerAddressDTO = Partial<Omit<CreateCustomerAddressDTO, "id">>;

/** `create` input. Nested addresses get the new customer's id as their `customer_id`. */
export interface CreateCustomerDTO {
  id?: string | null;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  company_name?: string | null;
  phone?: string | null;
  has_account?: boolean;
  metadata?: Metadata | null;
  created_by?: string | null;
  addresses?: Omit<CreateCustomerAddressDTO, "customer_id">[];
}

/** `update` data. */
export type CustomerUpdatableFields = Omit<CreateCustomerDTO, "id" | "addresses">;

/** `createCustomerGroup` input. */
export interface CreateCustomerGroupDTO {
  id?: string | null;
  name?: string | null;
  metadata?: Metadata | null;
  created_by?: string | null;
}

/** `updateCustomerGroups` data. */
export type CustomerGroupUpdatableFields = Omit<CreateCustomerGroupDTO, "id">;

/** `addCustomerToGroup` and `removeCustomerFromGroup` input. */
export interface GroupCustomerPair {
  customer_id: string;
  customer_group_id: string;
}

// ---- Filters -------------------------------------------------------------------------------

/** A timestamp in a filter: an ISO string (`2024-05-24`, `...T10:00:00Z`, with an offset) or a Date. */
export type TimestampValue = string | Date;

/** An operator map: every operator given applies (AND). SQL's three-valued logic. */
export interface OperatorMap<T> {
  $eq?: T | null;
  $ne?: T | null;
  $in?: (T | null)[];
  $nin?: (T | null)[];
  $gt?: T;
  $gte?: T;
  $lt?: T;
  $lte?: T;
  /** A pattern on a text field: `%` any run, `_` one character. */
  $like?: string;
  /** As `$like`, ignoring case. */
  $ilike?: string;
  /** A regular expression (ECMAScript syntax) on a text field. */
  $re?: string;
  /** `true` is IS NOT NULL. */
  $exists?: boolean;
}

/** A condition on one field: equality, `null` (IS NULL), a list (IN), or an operator map. */
export type FieldFilter<T> = T | T[] | null | OperatorMap<T>;

/**
 * A relation filter: has a related row with this id (or one of these ids), has none (`null`),
 * or has at least one related row matching the sub-filter.
 */
export type RelationFilter<F> =
  | string
  | string[]
  | null
  | { $eq: string }
  | { $in: string[] }
  | F;

/**
 * A filter on `metadata` keys (nested objects reach nested keys), or `null` (IS NULL). Every
 * operator but `$re` works on key values.
 */
export type MetadataFilter = { [key: string]: unknown } | null;

/** `$and`, `$or` and `$not`, beside the fields of a filter. */
export interface BaseFilterable<F> {
  $and?: F[];
  $or?: F[];
  $not?: F;
}

/** A filter of customers (`list`, `listAndCount`, and selectors of `update`/`delete`). */
export interface FilterableCustomerProps extends BaseFilterable<FilterableCustomerProps> {
  /** Case-insensitive substring search over email, names, company and phone (top level only). */
  q?: string;
  id?: FieldFilter<string>;
  email?: FieldFilter<string>;
  first_name?: FieldFilter<string>;
  last_name?: FieldFilter<string>;
  company_name?: FieldFilter<string>;
  phone?: FieldFilter<string>;
  has_account?: FieldFilter<boolean>;
  metadata?: MetadataFilter;
  created_by?: FieldFilter<string>;
  default_billing_address_id?: FieldFilter<string>;
  default_shipping_address_id?: FieldFilter<string>;
  created_at?: FieldFilter<TimestampValue>;
  updated_at?: FieldFilter<TimestampValue>;
  deleted_at?: FieldFilter<TimestampValue>;
  groups?: RelationFilter<FilterableCustomerGroupProps>;
  addresses?: RelationFilter<FilterableCustomerAddressProps>;
}

/** A filter of customer groups. */
export interface FilterableCustomerGroupProps extends BaseFilterable<FilterableCustomerGroupProps> {
  q?: string;
  id?: FieldFilter<string>;
  name?: FieldFilter<string>;
  metadata?: MetadataFilter;
  created_by?: FieldFilter<string>;
  created_at?: FieldFilter<TimestampValue>;
  updated_at?: FieldFilter<TimestampValue>;
  deleted_at?: FieldFilter<TimestampValue>;
  customers?: RelationFilter<FilterableCustomerProps>;
}

/** A filter of addresses. */
export interface FilterableCustomerAddressProps
  extends BaseFilterable<FilterableCustomerAddressProps> {
  q?: string;
  id?: FieldFilter<string>;
  customer_id?: FieldFilter<string>;
  address_name?: FieldFilter<string>;
  is_default_shipping?: FieldFilter<boolean>;
  is_default_billing?: FieldFilter<boolean>;
  company?: FieldFilter<string>;
  first_name?: FieldFilter<string>;
  last_name?: FieldFilter<string>;
  address_1?: FieldFilter<string>;
  address_2?: FieldFilter<string>;
  city?: FieldFilter<string>;
  country_code?: FieldFilter<string>;
  province?: FieldFilter<string>;
  postal_code?: FieldFilter<string>;
  phone?: FieldFilter<string>;
  metadata?: MetadataFilter;
  created_at?: FieldFilter<TimestampValue>;
  updated_at?: FieldFilter<TimestampValue>;
  /** Set by Medusa 2.x's soft delete of addresses (`db.v2`); v1's results leave it out. */
  deleted_at?: FieldFilter<TimestampValue>;
  customer?: RelationFilter<FilterableCustomerProps>;
}

/** A filter of group memberships. */
export interface FilterableCustomerGroupCustomerProps
  extends BaseFilterable<FilterableCustomerGroupCustomerProps> {
  id?: FieldFilter<string>;
  customer_id?: FieldFilter<string>;
  customer_group_id?: FieldFilter<string>;
  metadata?: MetadataFilter;
  created_by?: FieldFilter<string>;
  created_at?: FieldFilter<TimestampValue>;
  updated_at?: FieldFilter<TimestampValue>;
  /** Medusa 2.x's models have it (see V2.CustomerGroupCustomerDTO); v1's results leave it out. */
  deleted_at?: FieldFilter<TimestampValue>;
  customer?: RelationFilter<FilterableCustomerProps>;
  customer_group?: RelationFilter<FilterableCustomerGroupProps>;
}

// ---- Find config ---------------------------------------------------------------------------

type Direction = "ASC" | "DESC" | "asc" | "desc";
/**
 * A sort direction, as SQL reads it after the column: ASC or DESC in any case, optionally
 * followed by NULLS FIRST or NULLS LAST, which place the nulls (by default last ascending, first
 * descending). These are the common spellings; other case and spacing is accepted too, and
 * other text is invalid_data.
 */
export type OrderDirection =
  | Direction
  | `${Direction} ${"NULLS FIRST" | "NULLS LAST" | "nulls first" | "nulls last"}`;

/**
 * The second param of `retrieve*` and the `list*` methods. An absent or `null` key means the
 * default; any other key is invalid_params.
 */
export interface FindConfig<Entity> {
  /**
   * Fields to return (`id` always comes). A relation name loads that relation; a dotted path
   * (`"customers.email"`) narrows a loaded relation's items. Default: every field.
   */
  select?: (Extract<keyof Entity, string> | `${string}.${string}`)[] | null;
  /** Relations to load, dotted for nested ones (`"customers.addresses"`). */
  relations?: string[] | null;
  /** Rows to skip; applies only together with a limit. */
  skip?: number | null;
  /** At most this many rows; `null` for no limit. Default 15 (no limit with a top-level `id`). */
  take?: number | null;
  /**
   * Field to direction, in priority order; a relation maps to a nested object, one level deep:
   * `{ groups: { name: "ASC" } }`. Ties end in `id` ascending.
   */
  order?: { [field: string]: OrderDirection | { [field: string]: OrderDirection } } | null;
  /**
   * Include soft-deleted rows, also in loaded relations: customers and groups, and the
   * addresses and memberships soft-deleted through Medusa 2.x's interface (`db.v2`).
   */
  withDeleted?: boolean | null;
}

/** `softDelete*` / `restore*` config: the result keeps only the keys listed. */
export interface SoftDeleteReturn {
  returnLinkableKeys?: string[] | null;
}

/** `restore*` config; the same shape as SoftDeleteReturn. */
export type RestoreReturn = SoftDeleteReturn;

/**
 * What `softDelete*` / `restore*` return: the ids acted on by linkable key, `{ customer_id: [...] }`
 * (or `customer_group_id`; v2's also `customer_address_id` and `customer_group_customer_id`),
 * or `{}`.
 */
export type LinkableKeys = Record<string, string[]>;

// ---- Context and transactions --------------------------------------------------------------

/**
 * Medusa's `sharedContext`: the optional last argument of every module method. Only
 * `transactionId` (a transaction begun by `beginTransaction` or `transaction()`) and `timeoutMs`
 * (the call's time budget, in milliseconds) reach the program; other keys that Medusa's callers
 * carry are left out, and `{}` means no transaction.
 */
export interface Context {
  transactionId?: string | null;
  timeoutMs?: number | null;
}

/** The context of an open transaction, as `beginTransaction` returns it. */
export interface TransactionContext {
  transactionId: string;
}

/** `beginTransaction` options: the transaction's lifetime, 1 to 600,000 ms (default 30,000). */
export interface TransactionOptions {
  timeoutMs?: number;
}

// ---- Results beyond the module -------------------------------------------------------------

/** What `stats` returns. */
export interface StoreStats {
  customers: number;
  customerGroups: number;
  customerAddresses: number;
  customerGroupCustomers: number;
  /** The number of the last commit. */
  sequence: number;
  memoryBytes: number;
  heapBytes: number;
  poolBytes: number;
  residentBytes: number;
  pinnedReads: number;
  lastSnapshotAt: Timestamp | null;
  lastSnapshotSequence: number | null;
}

/** What `snapshot` returns once the snapshot is durable. */
export interface SnapshotResult {
  path: string;
  bytes: number;
  sequence: number;
}

/** What `mark` returns: the commit marked. */
export interface MarkResult {
  sequence: number;
}

/** What `rewind` returns: the rows written back. */
export interface RewindResult {
  restored: number;
}

/** What `clear` returns: the rows erased. */
export interface ClearResult {
  erased: number;
}

/** What `loadFixture` returns: the rows added. */
export interface LoadFixtureResult {
  imported: number;
}

// ---- The process ---------------------------------------------------------------------------

/** A signal's name, as Node gives it: `"SIGTERM"`, `"SIGKILL"`, ... */
export type Signal = string;

/** Environment variables, as `process.env` holds them. */
export type Environment = Record<string, string | undefined>;
