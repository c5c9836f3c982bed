// Addresses: addAddresses, updateAddresses, deleteAddresses, listAddresses, listAndCountAddresses.
import assert from "node:assert/strict";
import { test } from "node:test";

import { address, answered, sharedServer, timeless } from "./helpers.mjs";

let db;
sharedServer((client) => {
  db = client;
});

test("addAddresses adds one address or a list; default flags set the customer's ids", async () => {
  await db.create({ id: "cus_ann", email: "ann@example.com" });
  const home = await db.addAddresses({
    id: "cuaddr_home",
    customer_id: "cus_ann",
    address_name: "Home",
    city: "Oslo",
    country_code: "no",
    is_default_shipping: true,
  });
  assert.deepEqual(
    timeless(home),
    address({
      id: "cuaddr_home",
      customer_id: "cus_ann",
      address_name: "Home",
      city: "Oslo",
      country_code: "no",
      is_default_shipping: true,
    }),
  );
  const [work, cabin] = await db.addAddresses([
    { id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen", is_default_billing: true },
    { id: "cuaddr_cabin", customer_id: "cus_ann", city: "Geilo", metadata: { seasonal: true } },
  ]);
  assert.deepEqual(timeless([work, cabin]), [
    address({ id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen", is_default_billing: true }),
    address({ id: "cuaddr_cabin", customer_id: "cus_ann", city: "Geilo", metadata: { seasonal: true } }),
  ]);
  assert.deepEqual(
    await db.retrieve("cus_ann", { select: ["default_shipping_address_id", "default_billing_address_id"] }),
    { id: "cus_ann", default_shipping_address_id: "cuaddr_home", default_billing_address_id: "cuaddr_work" },
  );

  await assert.rejects(
    db.addAddresses({ city: "Nowhere" }),
    answered("invalid_data", "Value for Address.customer_id is required, 'undefined' found", "addAddresses"),
  );
  await assert.rejects(
    db.addAddresses({ customer_id: "cus_nope", city: "Nowhere" }),
    answered(
      "not_found",
      "You tried to set relationship customer_id: cus_nope, but such entity does not exist",
      "addAddresses",
    ),
  );
});

test("updateAddresses, listAddresses, listAndCountAddresses, deleteAddresses", async () => {
  await db.create([
    { id: "cus_ann", email: "ann@example.com" },
    { id: "cus_bob", email: "bob@example.com" },
  ]);
  await db.addAddresses([
    { id: "cuaddr_1", customer_id: "cus_ann", city: "Oslo" },
    { id: "cuaddr_2", customer_id: "cus_ann", city: "Bergen" },
    { id: "cuaddr_3", customer_id: "cus_bob", city: "Oslo" },
  ]);

  const one = await db.updateAddresses("cuaddr_1", { postal_code: "0150", city: null });
  assert.deepEqual(timeless(one), address({ id: "cuaddr_1", customer_id: "cus_ann", postal_code: "0150" }));
  const bySelector = await db.updateAddresses({ city: "Oslo" }, { province: "Viken" });
  assert.deepEqual(bySelector.map((a) => [a.id, a.province]), [["cuaddr_3", "Viken"]]);

  assert.deepEqual(
    await db.listAddresses({ customer: { email: "ann@example.com" } }, { select: ["city"], order: { city: "ASC" } }),
    [{ id: "cuaddr_2", city: "Bergen" }, { id: "cuaddr_1", city: null }],
  );
  assert.deepEqual(
    await db.listAndCountAddresses({ q: "oslo" }, { select: ["customer_id", "customer.email"], relations: ["customer"] }),
    [[{ id: "cuaddr_3", customer_id: "cus_bob", customer: { id: "cus_bob", email: "bob@example.com" } }], 1],
  );

  assert.equal(await db.deleteAddresses("cuaddr_1"), undefined);
  assert.equal(await db.deleteAddresses({ customer_id: "cus_bob" }), undefined);
  assert.deepEqual(await db.listAddresses({}, { select: ["id"] }), [{ id: "cuaddr_2" }]);
  await assert.rejects(
    db.updateAddresses("cuaddr_1", { city: "X" }),
    (error) => error.name === "CustomerDbError" && error.type === "not_found" && error.method === "updateAddresses",
  );
});
