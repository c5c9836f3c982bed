// Customers: create, retrieve, update, delete, list, listAndCount, softDelete, restore.
import assert from "node:assert/strict";
import { test } from "node:test";

import { address, answered, customer, group, sharedServer, timeless } from "./helpers.mjs";

let db;
sharedServer((client) => {
  db = client;
});

test("create takes one customer or a list, with nested addresses", async () => {
  const ann = await db.create({
    id: "cus_ann",
    email: "ann@example.com",
    first_name: "Ann",
    metadata: { tier: "gold" },
    addresses: [{ id: "cuaddr_ann", city: "Oslo", is_default_billing: true }],
  });
  assert.deepEqual(
    timeless(ann),
    customer({
      id: "cus_ann",
      email: "ann@example.com",
      first_name: "Ann",
      metadata: { tier: "gold" },
      default_billing_address_id: "cuaddr_ann",
      addresses: [
        address({ id: "cuaddr_ann", customer_id: "cus_ann", city: "Oslo", is_default_billing: true }),
      ],
    }),
  );
  assert.equal(ann.updated_at, ann.created_at);

  const many = await db.create([
    { id: "cus_bob", email: "bob@example.com", has_account: true },
    { id: "cus_cid", last_name: "Cid" },
  ]);
  assert.deepEqual(timeless(many), [
    customer({ id: "cus_bob", email: "bob@example.com", has_account: true }),
    customer({ id: "cus_cid", last_name: "Cid" }),
  ]);
  assert.deepEqual(await db.create([]), []);

  const generated = await db.create({ email: "gen@example.com" });
  assert.match(generated.id, /^cus_[0-9A-Z]{26}$/);
});

test("retrieve finds one customer, with a find config, or fails with not_found", async () => {
  await db.create({ id: "cus_ann", email: "ann@example.com", addresses: [{ id: "cuaddr_1", city: "Oslo" }] });
  assert.deepEqual(timeless(await db.retrieve("cus_ann")), customer({ id: "cus_ann", email: "ann@example.com" }));
  assert.deepEqual(await db.retrieve("cus_ann", { select: ["email"] }), {
    id: "cus_ann",
    email: "ann@example.com",
  });
  assert.deepEqual(
    await db.retrieve("cus_ann", { select: ["email", "addresses.city"], relations: ["addresses"] }),
    { id: "cus_ann", email: "ann@example.com", addresses: [{ id: "cuaddr_1", customer_id: "cus_ann", city: "Oslo" }] },
  );
  await assert.rejects(
    db.retrieve("cus_nope"),
    answered("not_found", "Customer with id: cus_nope was not found", "retrieve"),
  );
  await assert.rejects(
    db.retrieve("cus_ann", { relations: ["orders"] }),
    answered("invalid_data", 'Unknown relation "orders" for Customer', "retrieve"),
  );
});

test("update by id, ids or selector; not_found names every missing id", async () => {
  await db.create([
    { id: "cus_a", email: "a@example.com", phone: "1" },
    { id: "cus_b", email: "b@example.com" },
    { id: "cus_c", email: "c@other.com" },
  ]);
  const one = await db.update("cus_a", { first_name: "Ann", phone: null });
  assert.deepEqual(timeless(one), customer({ id: "cus_a", email: "a@example.com", first_name: "Ann" }));

  const byIds = await db.update(["cus_b", "cus_a"], { company_name: "Acme" });
  assert.deepEqual(
    byIds.map((c) => [c.id, c.company_name]),
    [["cus_a", "Acme"], ["cus_b", "Acme"]],
  );
  const bySelector = await db.update({ email: { $like: "%@other.com" } }, { last_name: "Other" });
  assert.deepEqual(bySelector.map((c) => [c.id, c.last_name]), [["cus_c", "Other"]]);
  assert.deepEqual(await db.update({ email: "nobody@example.com" }, { last_name: "X" }), []);

  await assert.rejects(
    db.update(["cus_zz", "cus_a", "cus_yy"], { first_name: "X" }),
    answered("not_found", 'Customer with id "cus_zz, cus_yy" not found', "update"),
  );
  await assert.rejects(
    db.update("cus_a", { nickname: "A" }),
    answered("invalid_data", 'Unknown field "nickname" for Customer', "update"),
  );
});

test("delete by id, ids or selector removes customers with their addresses", async () => {
  await db.create([
    { id: "cus_a", email: "a@example.com", addresses: [{ id: "cuaddr_a", city: "Oslo" }] },
    { id: "cus_b", email: "b@example.com" },
    { id: "cus_c", email: "c@other.com" },
    { id: "cus_d", email: "d@other.com" },
  ]);
  assert.equal(await db.delete("cus_a"), undefined);
  assert.equal(await db.delete(["cus_b", "cus_nope"]), undefined);
  assert.equal(await db.delete({ email: "c@other.com" }), undefined);
  assert.deepEqual(await db.list({}, { select: ["id"] }), [{ id: "cus_d" }]);
  assert.deepEqual(await db.listAddresses(), []);
  await assert.rejects(
    db.delete({ q: "other" }),
    answered("invalid_data", 'Filter key "q" is not accepted in a selector that deletes Customer', "delete"),
  );
});

test("list and listAndCount take filters and a find config", async () => {
  const [vip] = await db.createCustomerGroup([{ id: "cusgroup_vip", name: "VIP" }]);
  await db.create([
    { id: "cus_1", email: "ann@example.com", metadata: { score: 7 } },
    { id: "cus_2", email: "bob@example.com", metadata: { score: 3 } },
    { id: "cus_3", email: "cid@example.org", has_account: true },
  ]);
  await db.addCustomerToGroup([
    { customer_id: "cus_1", customer_group_id: vip.id },
    { customer_id: "cus_2", customer_group_id: vip.id },
  ]);

  assert.deepEqual(await db.list({}, { select: ["email"] }), [
    { id: "cus_1", email: "ann@example.com" },
    { id: "cus_2", email: "bob@example.com" },
    { id: "cus_3", email: "cid@example.org" },
  ]);
  assert.deepEqual(await db.list(undefined, { select: ["email"], order: { email: "DESC" }, take: 1 }), [
    { id: "cus_3", email: "cid@example.org" },
  ]);
  // has_account: false for two, true for one; NULLS FIRST on a field with no nulls changes
  // nothing, and the groups order through a relation (cus_3 has none: a null, first).
  assert.deepEqual(
    await db.list({}, { select: ["id"], order: { groups: { name: "asc nulls first" }, id: "desc" } }),
    [{ id: "cus_3" }, { id: "cus_2" }, { id: "cus_1" }],
  );
  assert.deepEqual(await db.list({ $in: ["cus_1", "cus_3"] }, { select: ["id"] }), [
    { id: "cus_1" },
    { id: "cus_3" },
  ]);
  assert.deepEqual(
    await db.list({ groups: { name: "VIP" }, metadata: { score: { $gte: 5 } } }, { select: ["email"] }),
    [{ id: "cus_1", email: "ann@example.com" }],
  );
  assert.deepEqual(
    await db.list({ $or: [{ email: { $ilike: "%.ORG" } }, { id: "cus_2" }] }, { select: ["id"] }),
    [{ id: "cus_2" }, { id: "cus_3" }],
  );
  assert.deepEqual(await db.list({ q: "BOB" }, { select: ["id"] }), [{ id: "cus_2" }]);
  assert.deepEqual(
    await db.list({ id: "cus_1" }, { select: ["email"], relations: ["groups"] }).then(timeless),
    [{ id: "cus_1", email: "ann@example.com", groups: [group({ id: "cusgroup_vip", name: "VIP" })] }],
  );

  const [rows, count] = await db.listAndCount({ has_account: false }, { select: ["id"], take: 1, skip: 1 });
  assert.deepEqual([rows, count], [[{ id: "cus_2" }], 2]);

  await assert.rejects(
    db.list({}, { take: -1 }),
    answered("invalid_data", "Invalid value for take: -1", "list"),
  );
  // A `$` key that is no operator is a field name to Medusa's ORM, and so an unknown field.
  await assert.rejects(
    db.list({ email: { $regex: "a" } }),
    answered("invalid_data", 'Unknown field "$regex" for Customer', "list"),
  );
  await assert.rejects(
    db.list({}, { take: "1" }),
    (error) => error.type === "invalid_params" && error.code === -32602,
  );
});

test("softDelete and restore list the ids they changed", async () => {
  await db.create([{ id: "cus_a" }, { id: "cus_b" }]);
  assert.deepEqual(await db.softDelete(["cus_b", "cus_nope", "cus_a", "cus_b"]), {
    customer_id: ["cus_b", "cus_a"],
  });
  assert.deepEqual(await db.softDelete("cus_a"), {});
  assert.deepEqual(await db.list(), []);
  assert.deepEqual(
    await db.list({}, { select: ["deleted_at"], withDeleted: true }).then(timeless),
    [{ id: "cus_a", deleted_at: "<time>" }, { id: "cus_b", deleted_at: "<time>" }],
  );
  assert.deepEqual(await db.restore(["cus_a"]), { customer_id: ["cus_a"] });
  assert.deepEqual(await db.restore("cus_b", { returnLinkableKeys: [] }), {});
  assert.deepEqual(await db.list({}, { select: ["deleted_at"] }), [
    { id: "cus_a", deleted_at: null },
    { id: "cus_b", deleted_at: null },
  ]);
});
