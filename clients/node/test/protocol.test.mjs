// The protocol's own methods (ping, stats, mark, rewind, clear, snapshot), the generic call(),
// and how error answers reject.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { CustomerDb, CustomerDbError, ErrorTypes, V1_METHODS } from "customerdb";
import { answered } from "./helpers.mjs";

let db;
before(async () => {
  db = await CustomerDb.start();
});
after(async () => {
  await db.close();
});

test("ping, stats, mark, rewind and clear", async () => {
  assert.equal(await db.ping(), "pong");
  await db.create([{ id: "cus_a" }, { id: "cus_b", addresses: [{ id: "cuaddr_b" }] }]);
  const stats = await db.stats();
  assert.deepEqual(
    {
      customers: stats.customers,
      customerAddresses: stats.customerAddresses,
      customerGroups: stats.customerGroups,
      customerGroupCustomers: stats.customerGroupCustomers,
      lastSnapshotAt: stats.lastSnapshotAt,
      lastSnapshotSequence: stats.lastSnapshotSequence,
    },
    {
      customers: 2,
      customerAddresses: 1,
      customerGroups: 0,
      customerGroupCustomers: 0,
      lastSnapshotAt: null,
      lastSnapshotSequence: null,
    },
  );
  for (const key of ["sequence", "memoryBytes", "heapBytes", "poolBytes", "residentBytes", "pinnedReads"]) {
    assert.equal(Number.isInteger(stats[key]), true, key);
  }

  const mark = await db.mark();
  assert.deepEqual(mark, { sequence: stats.sequence });
  await db.update("cus_a", { email: "a@example.com" });
  await db.delete("cus_b");
  await db.create({ id: "cus_c" });
  assert.deepEqual(await db.rewind(), { restored: 4 });
  assert.deepEqual(await db.list({}, { select: ["email"] }), [
    { id: "cus_a", email: null },
    { id: "cus_b", email: null },
  ]);
  assert.deepEqual(await db.clear(), { erased: 3 });
  assert.deepEqual(await db.list(), []);
  assert.deepEqual(await db.rewind(), { restored: 3 });
  assert.equal((await db.stats()).customers, 2);
  await db.clear();
});

test("rewind without a mark fails with not_allowed", async () => {
  const fresh = await CustomerDb.start();
  try {
    await assert.rejects(
      fresh.rewind(),
      answered("not_allowed", "There is no mark to rewind to: call mark first", "rewind"),
    );
  } finally {
    await fresh.close();
  }
});

test("snapshot needs a data directory, and writes one there", async () => {
  await assert.rejects(db.snapshot(), answered("invalid_data", "Snapshots need a data directory", "snapshot"));
  const dir = await mkdtemp(join(tmpdir(), "customerdb-node-"));
  try {
    const durable = await CustomerDb.start({ data: join(dir, "data") });
    await durable.create({ id: "cus_kept", email: "kept@example.com" });
    const snapshot = await durable.snapshot();
    assert.deepEqual(snapshot, {
      path: join(dir, "data", "snapshot-00000000000000000001.snap"),
      bytes: snapshot.bytes,
      sequence: 1,
    });
    assert.equal(snapshot.bytes > 0, true);
    assert.deepEqual(await durable.close(), { code: 0, signal: null });

    const reopened = await CustomerDb.start({ data: join(dir, "data") });
    assert.deepEqual(await reopened.list({}, { select: ["email"] }), [{ id: "cus_kept", email: "kept@example.com" }]);
    assert.equal((await reopened.stats()).lastSnapshotSequence, 1);
    await reopened.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("call() sends any method with positional params, as on the wire", async () => {
  assert.equal(await db.call("ping"), "pong");
  const created = await db.call("create", [{ id: "cus_wire", email: "wire@example.com" }]);
  assert.equal(created.email, "wire@example.com");
  assert.deepEqual(await db.call("list", [{}, { select: ["email"] }, null]), [
    { id: "cus_wire", email: "wire@example.com" },
  ]);
  assert.equal(await db.call("delete", ["cus_wire"]), null);
  await assert.rejects(db.call("pong"), answered("method_not_found", "Method not found: pong", "pong"));
  await assert.rejects(
    db.call("retrieve", ["cus_1", null, null, null]),
    answered("invalid_params", "retrieve takes at most 3 params, got 4", "retrieve"),
  );
});

test("error answers reject with CustomerDbError: Medusa's type and message, the code, the method", async () => {
  let caught;
  try {
    await db.retrieve("cus_nope");
  } catch (error) {
    caught = error;
  }
  assert.equal(caught instanceof CustomerDbError, true);
  assert.equal(caught instanceof Error, true);
  assert.deepEqual(
    { name: caught.name, type: caught.type, message: caught.message, code: caught.code, method: caught.method },
    {
      name: "CustomerDbError",
      type: "not_found",
      message: "Customer with id: cus_nope was not found",
      code: -32001,
      method: "retrieve",
    },
  );
  assert.equal(caught.type, CustomerDbError.Types.NOT_FOUND);
  assert.equal(ErrorTypes.INVALID_DATA, "invalid_data");
  // The stack shows where the call was made, not the client's internals.
  assert.match(caught.stack.split("\n")[1], /protocol\.test\.mjs:\d+:\d+/);

  await assert.rejects(
    db.create({ email: 5 }),
    (error) =>
      error instanceof CustomerDbError &&
      error.type === "invalid_params" &&
      error.code === -32602 &&
      error.message === "params[0].email must be a string or null",
  );
  await assert.rejects(
    db.create({ has_account: null }),
    answered(
      "invalid_data",
      "You must pass a non-null value to the property has_account of entity Customer.",
      "create",
    ),
  );
  await assert.rejects(db.update(null, {}), answered("not_found", "customer - id must be defined", "update"));
});

test("the client has a method for every v1 method of the module", () => {
  assert.deepEqual(Object.keys(V1_METHODS), [
    "create",
    "retrieve",
    "update",
    "delete",
    "list",
    "listAndCount",
    "softDelete",
    "restore",
    "createCustomerGroup",
    "retrieveCustomerGroup",
    "updateCustomerGroups",
    "deleteCustomerGroups",
    "listCustomerGroups",
    "listAndCountCustomerGroups",
    "softDeleteCustomerGroups",
    "restoreCustomerGroups",
    "addAddresses",
    "updateAddresses",
    "deleteAddresses",
    "listAddresses",
    "listAndCountAddresses",
    "addCustomerToGroup",
    "removeCustomerFromGroup",
    "listCustomerGroupCustomers",
  ]);
  for (const name of Object.keys(V1_METHODS)) {
    assert.equal(typeof db[name], "function", name);
    assert.equal(db[name].name, name);
  }
});
