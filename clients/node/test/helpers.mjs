// Helpers of the package's tests: whole DTOs as the program returns them, with timestamps
// checked for their form and replaced by TIME so that results compare exactly.
import assert from "node:assert/strict";
import { after, afterEach, before } from "node:test";

import { CustomerDb } from "customerdb";

export const TIME = "<time>";
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A copy of `value` whose non-null `*_at` strings are checked to be UTC timestamps and replaced by TIME. */
export function timeless(value) {
  if (Array.isArray(value)) return value.map(timeless);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [key, field] of Object.entries(value)) {
    if (key.endsWith("_at") && typeof field === "string") {
      assert.match(field, ISO_UTC, `${key} is a UTC timestamp with milliseconds`);
      out[key] = TIME;
    } else {
      out[key] = timeless(field);
    }
  }
  return out;
}

/** A customer DTO with every field, as `timeless` leaves it. */
export function customer(fields) {
  return {
    id: fields.id,
    email: null,
    first_name: null,
    last_name: null,
    company_name: null,
    phone: null,
    has_account: false,
    metadata: null,
    created_by: null,
    default_billing_address_id: null,
    default_shipping_address_id: null,
    created_at: TIME,
    updated_at: TIME,
    deleted_at: null,
    ...fields,
  };
}

/** A customer group DTO with every field. */
export function group(fields) {
  return {
    id: fields.id,
    name: null,
    metadata: null,
    created_by: null,
    created_at: TIME,
    updated_at: TIME,
    deleted_at: null,
    ...fields,
  };
}

/** An address DTO with every field. */
export function address(fields) {
  return {
    id: fields.id,
    customer_id: fields.customer_id,
    address_name: null,
    is_default_shipping: false,
    is_default_billing: false,
    company: null,
    first_name: null,
    last_name: null,
    address_1: null,
    address_2: null,
    city: null,
    country_code: null,
    province: null,
    postal_code: null,
    phone: null,
    metadata: null,
    created_at: TIME,
    updated_at: TIME,
    ...fields,
  };
}

/** A membership DTO with every field. */
export function membership(fields) {
  return {
    id: fields.id,
    customer_id: fields.customer_id,
    customer_group_id: fields.customer_group_id,
    metadata: null,
    created_by: null,
    created_at: TIME,
    updated_at: TIME,
    ...fields,
  };
}

/** An address DTO of a v2 result: v1's fields and `deleted_at` (null unless given). */
export function addressV2(fields) {
  return address({ deleted_at: null, ...fields });
}

/** A membership DTO of a v2 result: v1's fields and `deleted_at` (null unless given). */
export function membershipV2(fields) {
  return membership({ deleted_at: null, ...fields });
}

/** The error a call rejects with, as assert.rejects matches it. */
export function answered(type, message, method) {
  return (error) => {
    assert.equal(error.name, "CustomerDbError");
    assert.deepEqual(
      { type: error.type, message: error.message, method: error.method },
      { type, message, method },
    );
    return true;
  };
}

/**
 * Starts one program for the calling file's tests and hands its client to `started` before the
 * first of them; empties the store after each test and closes the program after the last.
 */
export function sharedServer(started) {
  let db;
  before(async () => {
    db = await CustomerDb.start();
    started(db);
  });
  afterEach(async () => {
    await db.clear();
  });
  after(async () => {
    await db.close();
  });
}
