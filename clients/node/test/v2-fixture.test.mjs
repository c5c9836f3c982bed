// The test helper with the v2 interface: a store loaded through db.v2 in `setup`, and tests that
// use `store.db.v2`, rewound after each test as with v1.
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";

import { useCustomerDb } from "customerdb/testing";

const store = useCustomerDb({
  before,
  after,
  afterEach,
  async setup(db) {
    const vip = await db.v2.createCustomerGroups({ id: "cusgroup_vip", name: "VIP" });
    const [ann] = await db.v2.createCustomers([
      { id: "cus_ann", email: "ann@example.com", addresses: [{ id: "cuaddr_ann", city: "Oslo" }] },
      { id: "cus_bob", email: "bob@example.com" },
    ]);
    await db.v2.addCustomerToGroup({ customer_id: ann.id, customer_group_id: vip.id });
  },
});

test("a test changes the store through v2", async () => {
  const { v2 } = store.db;
  await v2.updateCustomers("cus_ann", { first_name: "Ann" });
  await v2.deleteCustomers("cus_bob");
  await v2.softDeleteCustomerGroups(["cusgroup_vip"]);
  await v2.createCustomerAddresses({ customer_id: "cus_ann", city: "Bergen" });
  assert.deepEqual(await v2.softDeleteCustomerAddresses("cuaddr_ann"), { customer_address_id: ["cuaddr_ann"] });
  const [membership] = await v2.listCustomerGroupCustomers();
  assert.deepEqual(await v2.softDeleteCustomerGroupCustomers(membership.id), { customer_group_customer_id: [membership.id] });
  assert.deepEqual(await v2.listCustomers({}, { select: ["first_name"] }), [{ id: "cus_ann", first_name: "Ann" }]);
});

test("the next test starts from the setup's state", async () => {
  const { v2 } = store.db;
  assert.deepEqual(
    await v2.listCustomers(
      {},
      { select: ["first_name", "groups.name", "addresses.city", "addresses.deleted_at"], relations: ["groups", "addresses"] },
    ),
    [
      {
        id: "cus_ann",
        first_name: null,
        groups: [{ id: "cusgroup_vip", name: "VIP" }],
        addresses: [{ id: "cuaddr_ann", customer_id: "cus_ann", city: "Oslo", deleted_at: null }],
      },
      { id: "cus_bob", first_name: null, groups: [], addresses: [] },
    ],
  );
  assert.deepEqual(
    (await v2.listCustomerGroupCustomers({}, { select: ["customer_id", "deleted_at"] })).map((m) => [m.customer_id, m.deleted_at]),
    [["cus_ann", null]],
  );
});
