// The test helper: one store for this file, loaded once by `setup`, marked, and rewound after
// each test, so that every test starts from the state at the mark.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";

import { CustomerDbFixture, useCustomerDb } from "customerdb/testing";

/** Everything in the store, soft-deleted rows and timestamps included. */
async function everything(db) {
  const all = { take: null, withDeleted: true };
  return {
    customers: await db.list({}, all),
    groups: await db.listCustomerGroups({}, all),
    addresses: await db.listAddresses({}, all),
    memberships: await db.listCustomerGroupCustomers({}, all),
  };
}

let setups = 0;
const fixture = useCustomerDb({
  before,
  after,
  afterEach,
  async setup(db) {
    setups += 1;
    await db.createCustomerGroup([
      { id: "cusgroup_vip", name: "VIP" },
      { id: "cusgroup_b2b", name: "B2B" },
    ]);
    await db.create([
      { id: "cus_ann", email: "ann@example.com", addresses: [{ id: "cuaddr_ann", city: "Oslo", is_default_billing: true }] },
      { id: "cus_bob", email: "bob@example.com", metadata: { tier: "gold" } },
      { id: "cus_gone", email: "gone@example.com" },
    ]);
    await db.softDelete("cus_gone");
    await db.addCustomerToGroup([
      { customer_id: "cus_ann", customer_group_id: "cusgroup_vip" },
      { customer_id: "cus_bob", customer_group_id: "cusgroup_b2b" },
    ]);
  },
});

let atMark;

test("setup has run once, and the store is marked after it", async () => {
  atMark = await everything(fixture.db);
  assert.equal(setups, 1);
  assert.deepEqual(fixture.mark, { sequence: (await fixture.db.stats()).sequence });
  assert.deepEqual(
    [atMark.customers.length, atMark.groups.length, atMark.addresses.length, atMark.memberships.length],
    [3, 2, 1, 2],
  );
});

test("a test may change every kind of row", async () => {
  const { db } = fixture;
  await db.update("cus_ann", { first_name: "Ann", metadata: { changed: true } });
  await db.delete("cus_bob");
  await db.restore("cus_gone");
  await db.create({ id: "cus_new", email: "new@example.com", addresses: [{ city: "Bergen" }] });
  await db.updateCustomerGroups("cusgroup_vip", { name: "Very important" });
  await db.softDeleteCustomerGroups(["cusgroup_b2b"]);
  await db.updateAddresses("cuaddr_ann", { is_default_billing: false, city: "Trondheim" });
  await db.addCustomerToGroup({ customer_id: "cus_new", customer_group_id: "cusgroup_vip" });
  await db.removeCustomerFromGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" });
  await db.transaction(async (ctx) => {
    await db.create({ id: "cus_tx", email: "tx@example.com" }, ctx);
  });
  assert.notDeepEqual(await everything(db), atMark);
});

test("the next test starts from the state at the mark, timestamps and all", async () => {
  assert.deepEqual(await everything(fixture.db), atMark);
  assert.equal(setups, 1);
});

test("even after the store was cleared", async () => {
  await fixture.db.clear();
  assert.deepEqual((await fixture.db.stats()).customers, 0);
});

describe("in a describe block", () => {
  test("the store is still at the mark", async () => {
    assert.deepEqual(await everything(fixture.db), atMark);
  });
});

test("without hooks given or found, useCustomerDb throws", () => {
  assert.throws(() => useCustomerDb(), {
    name: "TypeError",
    message:
      "useCustomerDb: no test hooks found; pass { before, after, afterEach } " +
      '(from "node:test", or beforeAll/afterAll/afterEach from your framework), ' +
      "or run under Jest or Vitest with globals",
  });
});

test("with Jest's or Vitest's globals, useCustomerDb registers its hooks there", async () => {
  const hooks = {};
  const names = ["beforeAll", "afterAll", "afterEach"];
  for (const name of names) globalThis[name] = (fn) => (hooks[name] = fn);
  let other;
  try {
    other = useCustomerDb({ setup: (db) => db.create({ id: "cus_jest" }) });
  } finally {
    for (const name of names) delete globalThis[name];
  }
  assert.deepEqual(Object.keys(hooks).sort(), ["afterAll", "afterEach", "beforeAll"]);
  assert.throws(() => other.db, /the store is not running/);

  await hooks.beforeAll();
  const ids = async () => (await other.db.list({}, { select: ["id"] })).map((c) => c.id);
  assert.deepEqual(await ids(), ["cus_jest"]);
  await other.db.create({ id: "cus_more" });
  await hooks.afterEach();
  assert.deepEqual(await ids(), ["cus_jest"]);
  const { db } = other;
  await hooks.afterAll();
  assert.throws(() => other.db, /the store is not running/);
  await assert.rejects(db.ping(), { name: "CustomerDbProcessError" });
});

test("CustomerDbFixture: start, reset and stop by hand", async () => {
  const own = new CustomerDbFixture({ setup: (db) => db.create({ id: "cus_kept" }) });
  const db = await own.start();
  assert.equal(own.db, db);
  await db.create([{ id: "cus_x" }, { id: "cus_y" }]);
  assert.equal(await own.reset(), 2);
  assert.deepEqual(await db.list({}, { select: ["id"] }), [{ id: "cus_kept" }]);
  await own.stop();
  assert.deepEqual(await db.exited, { code: 0, signal: null });
});

test("a fixture file is loaded before setup, and a data directory opens as a copy", async () => {
  const { mkdtemp, readdir, readFile, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = await mkdtemp(join(tmpdir(), "customerdb-fixture-"));
  try {
    const lines = join(dir, "rows.jsonl");
    const stamp = "2024-05-24T10:00:00.000Z";
    await writeFile(
      lines,
      [
        { type: "customer", id: "cus_file", email: "file@example.com", created_at: stamp, updated_at: stamp },
        { type: "customer_address", id: "cuaddr_file", customer_id: "cus_file", city: "Oslo", created_at: stamp, updated_at: stamp },
      ]
        .map((row) => JSON.stringify(row) + "\n")
        .join(""),
    );
    const ids = async (db) => (await db.list({}, { select: ["id"] })).map((c) => c.id);
    const data = join(dir, "data");
    const loaded = new CustomerDbFixture({
      data,
      fixture: lines,
      setup: (db) => db.create({ id: "cus_setup" }),
    });
    const db = await loaded.start();
    assert.deepEqual(await ids(db), ["cus_file", "cus_setup"]);
    assert.equal((await db.retrieve("cus_file")).created_at, stamp);
    await db.snapshot();
    await assert.rejects(db.loadFixture(join(dir, "missing.jsonl")), {
      name: "CustomerDbError",
      type: "io_error",
      message: `Cannot open ${join(dir, "missing.jsonl")}: No such file or directory`,
    });
    await loaded.stop();

    const files = async () => {
      const out = {};
      for (const name of (await readdir(data)).sort()) out[name] = await readFile(join(data, name));
      return out;
    };
    const before = await files();
    const copy = new CustomerDbFixture({ data, copyOnOpen: true });
    const again = await copy.start();
    assert.deepEqual(await ids(again), ["cus_file", "cus_setup"]);
    await again.delete("cus_file");
    await again.create({ id: "cus_copy" });
    assert.deepEqual(await ids(again), ["cus_copy", "cus_setup"]);
    assert.equal(await copy.reset(), 3);
    await copy.stop();
    assert.deepEqual(await files(), before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
