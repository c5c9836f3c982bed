// Transactions: sharedContext mapped to the protocol's transaction context.
import assert from "node:assert/strict";
import { test } from "node:test";

import { answered, sharedServer } from "./helpers.mjs";

let db;
sharedServer((client) => {
  db = client;
});

const emails = async (ctx) =>
  (await db.list({}, { select: ["email"], order: { email: "ASC" } }, ctx)).map((customer) => customer.email);

test("transaction() commits when the work resolves, and resolves with its value", async () => {
  let seenOutside;
  const result = await db.transaction(async (ctx) => {
    assert.match(ctx.transactionId, /^tx_[0-9a-f]{32}$/);
    const ann = await db.create({ id: "cus_ann", email: "ann@example.com" }, ctx);
    const group = await db.createCustomerGroup({ id: "cusgroup_vip", name: "VIP" }, ctx);
    await db.addCustomerToGroup({ customer_id: ann.id, customer_group_id: group.id }, ctx);
    await db.addAddresses({ customer_id: ann.id, city: "Oslo" }, ctx);
    // The transaction sees its writes; nobody else does before the commit.
    assert.deepEqual(await emails(ctx), ["ann@example.com"]);
    assert.deepEqual(await db.retrieve("cus_ann", undefined, ctx).then((c) => c.email), "ann@example.com");
    seenOutside = await emails();
    return "done";
  });
  assert.equal(result, "done");
  assert.deepEqual(seenOutside, []);
  assert.deepEqual(await emails(), ["ann@example.com"]);
  assert.deepEqual(
    await db.list({ groups: "cusgroup_vip" }, { select: ["id"], relations: ["addresses"] }).then((rows) =>
      rows.map((c) => [c.id, c.addresses.map((a) => a.city)]),
    ),
    [["cus_ann", ["Oslo"]]],
  );
});

test("transaction() rolls back when the work throws, and rethrows its error", async () => {
  await db.create({ id: "cus_ann", email: "ann@example.com" });
  const failure = new Error("the work failed");
  let context;
  await assert.rejects(
    db.transaction(async (ctx) => {
      context = ctx;
      await db.update("cus_ann", { first_name: "Ann" }, ctx);
      await db.create({ email: "bob@example.com" }, ctx);
      await db.delete("cus_ann", ctx);
      throw failure;
    }),
    (error) => error === failure,
  );
  assert.deepEqual(await db.list({}, { select: ["email", "first_name"] }), [
    { id: "cus_ann", email: "ann@example.com", first_name: null },
  ]);
  await assert.rejects(
    db.commitTransaction(context),
    answered("conflict", "Transaction is no longer active", "commitTransaction"),
  );
});

test("a failed call inside a transaction rejects, and the transaction goes on", async () => {
  await db.create({ id: "cus_ann", email: "ann@example.com" });
  await db.transaction(async (ctx) => {
    await assert.rejects(
      db.create({ email: "ann@example.com" }, ctx),
      answered("invalid_data", "Customer with email: ann@example.com, has_account: false, already exists.", "create"),
    );
    await db.create({ email: "bob@example.com" }, ctx);
  });
  assert.deepEqual(await emails(), ["ann@example.com", "bob@example.com"]);
});

test("beginTransaction, commitTransaction and rollbackTransaction", async () => {
  const first = await db.beginTransaction();
  const second = await db.beginTransaction({ timeoutMs: 60_000 });
  await db.create({ id: "cus_1", email: "one@example.com" }, first);
  await db.create({ id: "cus_2", email: "two@example.com" }, second);
  assert.equal(await db.commitTransaction(first), undefined);
  assert.equal(await db.rollbackTransaction(second), undefined);
  assert.deepEqual(await emails(), ["one@example.com"]);
  await assert.rejects(
    db.rollbackTransaction(second),
    answered("conflict", "Transaction is no longer active", "rollbackTransaction"),
  );
  await assert.rejects(
    db.beginTransaction({ timeoutMs: 600_001 }),
    answered("invalid_params", "params[0].timeoutMs must be an integer from 1 to 600000", "beginTransaction"),
  );
});

test("the second of two transactions writing one customer fails its commit with conflict", async () => {
  await db.create({ id: "cus_ann", email: "ann@example.com" });
  const first = await db.beginTransaction();
  const second = await db.beginTransaction();
  await db.update("cus_ann", { first_name: "First" }, first);
  await db.update("cus_ann", { first_name: "Second" }, second);
  await db.commitTransaction(first);
  await assert.rejects(
    db.commitTransaction(second),
    answered(
      "conflict",
      "Transaction conflict: Customer with id: cus_ann was changed by another transaction",
      "commitTransaction",
    ),
  );
  assert.equal((await db.retrieve("cus_ann")).first_name, "First");
});

test("a context is sent after the skipped optional params; other context keys stay behind", async () => {
  const tx = await db.beginTransaction();
  await db.create({ id: "cus_ann", email: "ann@example.com" }, tx);
  // Medusa's callers pass their sharedContext as it is: keys other than transactionId and
  // timeoutMs (which the program would refuse) are not sent.
  const medusaContext = { transactionId: tx.transactionId, isolationLevel: "READ COMMITTED", manager: {} };
  assert.deepEqual(await db.list(undefined, undefined, medusaContext).then((rows) => rows.map((c) => c.id)), [
    "cus_ann",
  ]);
  assert.deepEqual(await db.listAndCount(null, null, tx).then(([rows, count]) => [rows.length, count]), [1, 1]);
  assert.deepEqual(await db.softDelete("cus_ann", undefined, tx), { customer_id: ["cus_ann"] });
  // An empty context, or one without a transaction id, means no transaction.
  assert.deepEqual(await db.list({}, null, {}), []);
  assert.deepEqual(await db.list({}, null, { transactionId: undefined, requestId: "r1" }), []);
  await db.rollbackTransaction(tx);

  // timeoutMs reaches the program as the call's budget.
  await assert.rejects(
    db.list({}, null, { timeoutMs: 0 }),
    answered("invalid_params", "params[2].timeoutMs must be an integer from 1 to 600000", "list"),
  );
  assert.deepEqual(await db.list({}, null, { timeoutMs: 5_000 }), []);
  await assert.rejects(
    db.create({ email: "x@example.com" }, { transactionId: "tx_00000000000000000000000000000000" }),
    answered("conflict", "Transaction tx_00000000000000000000000000000000 was not found", "create"),
  );
});
