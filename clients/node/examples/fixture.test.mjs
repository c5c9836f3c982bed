// A node:test suite that uses customerdb as its store, through the customerdb package: one store
// for the file, loaded once by `setup`, and rewound to that state after each test.
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { useCustomerDb } from "customerdb/testing";

const store = useCustomerDb({
  before, after, afterEach, // node:test's hooks (Jest and Vitest: found as globals)
  async setup(db) {
    const vip = await db.createCustomerGroup({ id: "cusgroup_vip", name: "VIP" });
    const john = await db.create({ email: "john@smith.com", first_name: "John",
                                   addresses: [{ city: "Oslo", is_default_billing: true }] });
    await db.addCustomerToGroup({ customer_id: john.id, customer_group_id: vip.id });
  },
});

test("lists VIP customers with their addresses", async () => {
  const [rows, count] = await store.db.listAndCount({ groups: "cusgroup_vip" },
                                                    { relations: ["addresses"] });
  assert.deepEqual([count, rows[0].addresses[0].city], [1, "Oslo"]);
});

test("errors carry Medusa's type and message", async () => {
  await assert.rejects(store.db.create({ email: "john@smith.com" }), {
    type: "invalid_data",
    message: "Customer with email: john@smith.com, has_account: false, already exists.",
  });
});

test("a transaction commits, or rolls back when its work throws", async () => {
  const { db } = store;
  await db.transaction(async (ctx) => {
    await db.create({ email: "ann@example.com" }, ctx);
    throw new Error("changed my mind");
  }).catch(() => {});
  await db.transaction((ctx) => db.create({ email: "bob@example.com" }, ctx));
  const found = await db.list({ email: ["ann@example.com", "bob@example.com"] });
  assert.deepEqual(found.map((c) => c.email), ["bob@example.com"]);
});

test("every test starts from what setup loaded", async () => {
  assert.equal((await store.db.stats()).customers, 1);
});
