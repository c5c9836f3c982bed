// Customer groups and memberships: createCustomerGroup, retrieveCustomerGroup,
// updateCustomerGroups, deleteCustomerGroups, listCustomerGroups, listAndCountCustomerGroups,
// softDeleteCustomerGroups, restoreCustomerGroups, addCustomerToGroup, removeCustomerFromGroup,
// listCustomerGroupCustomers.
import assert from "node:assert/strict";
import { test } from "node:test";

import { answered, customer, group, membership, sharedServer, timeless } from "./helpers.mjs";

let db;
sharedServer((client) => {
  db = client;
});

test("groups: create, retrieve, update, list, listAndCount, delete", async () => {
  const vip = await db.createCustomerGroup({ id: "cusgroup_vip", name: "VIP", metadata: { level: 1 } });
  assert.deepEqual(timeless(vip), group({ id: "cusgroup_vip", name: "VIP", metadata: { level: 1 } }));
  const more = await db.createCustomerGroup([
    { id: "cusgroup_b2b", name: "B2B" },
    { id: "cusgroup_new", name: "New", created_by: "admin" },
  ]);
  assert.deepEqual(timeless(more), [
    group({ id: "cusgroup_b2b", name: "B2B" }),
    group({ id: "cusgroup_new", name: "New", created_by: "admin" }),
  ]);
  await assert.rejects(
    db.createCustomerGroup({ name: "VIP" }),
    answered("invalid_data", "Customer group with name: VIP, already exists.", "createCustomerGroup"),
  );

  assert.deepEqual(await db.retrieveCustomerGroup("cusgroup_vip", { select: ["name"] }), {
    id: "cusgroup_vip",
    name: "VIP",
  });
  await assert.rejects(
    db.retrieveCustomerGroup("cusgroup_nope"),
    answered("not_found", "CustomerGroup with id: cusgroup_nope was not found", "retrieveCustomerGroup"),
  );

  const renamed = await db.updateCustomerGroups("cusgroup_new", { name: "Newcomers" });
  assert.deepEqual(timeless(renamed), group({ id: "cusgroup_new", name: "Newcomers", created_by: "admin" }));
  const bySelector = await db.updateCustomerGroups({ name: { $in: ["VIP", "B2B"] } }, { created_by: "ops" });
  assert.deepEqual(bySelector.map((g) => [g.id, g.created_by]), [
    ["cusgroup_b2b", "ops"],
    ["cusgroup_vip", "ops"],
  ]);

  assert.deepEqual(await db.listCustomerGroups({ q: "new" }, { select: ["name"] }), [
    { id: "cusgroup_new", name: "Newcomers" },
  ]);
  assert.deepEqual(
    await db.listAndCountCustomerGroups({}, { select: ["name"], order: { name: "ASC" }, take: 2 }),
    [[{ id: "cusgroup_b2b", name: "B2B" }, { id: "cusgroup_new", name: "Newcomers" }], 3],
  );

  assert.equal(await db.deleteCustomerGroups(["cusgroup_b2b", "cusgroup_nope"]), undefined);
  assert.equal(await db.deleteCustomerGroups({ name: "Newcomers" }), undefined);
  assert.deepEqual(await db.listCustomerGroups({}, { select: ["id"] }), [{ id: "cusgroup_vip" }]);
});

test("groups: softDeleteCustomerGroups and restoreCustomerGroups", async () => {
  await db.createCustomerGroup([{ id: "cusgroup_a", name: "A" }, { id: "cusgroup_b", name: "B" }]);
  assert.deepEqual(await db.softDeleteCustomerGroups(["cusgroup_a", "cusgroup_nope"]), {
    customer_group_id: ["cusgroup_a"],
  });
  assert.deepEqual(await db.listCustomerGroups({}, { select: ["id"] }), [{ id: "cusgroup_b" }]);
  assert.deepEqual(await db.restoreCustomerGroups("cusgroup_a"), { customer_group_id: ["cusgroup_a"] });
  assert.deepEqual(await db.listCustomerGroups({}, { select: ["id"] }), [
    { id: "cusgroup_a" },
    { id: "cusgroup_b" },
  ]);
});

test("memberships: addCustomerToGroup, listCustomerGroupCustomers, removeCustomerFromGroup", async () => {
  await db.create([{ id: "cus_ann", email: "ann@example.com" }, { id: "cus_bob" }]);
  await db.createCustomerGroup({ id: "cusgroup_vip", name: "VIP" });

  const added = await db.addCustomerToGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" });
  assert.match(added.id, /^cusgc_[0-9A-Z]{26}$/);
  assert.deepEqual(Object.keys(added), ["id"]);
  const again = await db.addCustomerToGroup([
    { customer_id: "cus_ann", customer_group_id: "cusgroup_vip" },
    { customer_id: "cus_bob", customer_group_id: "cusgroup_vip" },
  ]);
  assert.equal(again.length, 2);
  assert.equal(again[0].id, added.id, "an existing pair answers its membership id");

  const memberships = await db.listCustomerGroupCustomers({ customer_group_id: "cusgroup_vip" });
  assert.deepEqual(timeless(memberships), [
    membership({ id: added.id, customer_id: "cus_ann", customer_group_id: "cusgroup_vip" }),
    membership({ id: again[1].id, customer_id: "cus_bob", customer_group_id: "cusgroup_vip" }),
  ]);
  assert.deepEqual(
    timeless(await db.listCustomerGroupCustomers({ customer: { email: "ann@example.com" } }, { relations: ["customer"] })),
    [
      membership({
        id: added.id,
        customer_id: "cus_ann",
        customer_group_id: "cusgroup_vip",
        customer: customer({ id: "cus_ann", email: "ann@example.com" }),
      }),
    ],
  );
  assert.deepEqual(
    await db.retrieveCustomerGroup("cusgroup_vip", { select: ["name", "customers.email"], relations: ["customers"] }),
    {
      id: "cusgroup_vip",
      name: "VIP",
      customers: [{ id: "cus_ann", email: "ann@example.com" }, { id: "cus_bob", email: null }],
    },
  );

  await assert.rejects(
    db.addCustomerToGroup({ customer_id: "cus_nope", customer_group_id: "cusgroup_vip" }),
    answered(
      "not_found",
      "You tried to set relationship customer_id: cus_nope, but such entity does not exist",
      "addCustomerToGroup",
    ),
  );

  assert.equal(
    await db.removeCustomerFromGroup([
      { customer_id: "cus_ann", customer_group_id: "cusgroup_vip" },
      { customer_id: "cus_nope", customer_group_id: "cusgroup_vip" },
    ]),
    undefined,
  );
  assert.equal(await db.removeCustomerFromGroup({ customer_id: "cus_bob", customer_group_id: "cusgroup_vip" }), undefined);
  assert.deepEqual(await db.listCustomerGroupCustomers(), []);
});
