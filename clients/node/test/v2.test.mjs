// Medusa 2.x's interface, db.v2: every method under its v2 name on the wire (`v2.<name>`), on the
// same store as v1, and each behaviour where v2 differs from v1, with exact results.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CustomerDbV2, V2_METHODS, V2_WIRE_NAMES } from "customerdb";
import {
  TIME,
  address,
  addressV2,
  answered,
  customer,
  group,
  membership,
  membershipV2,
  sharedServer,
  timeless,
} from "./helpers.mjs";

let db;
let v2;
sharedServer((client) => {
  db = client;
  v2 = db.v2;
});

test("db.v2 has a method for every v2 method, called by its v2. name", async () => {
  assert.deepEqual(Object.keys(V2_METHODS), [
    "retrieveCustomer",
    "createCustomers",
    "updateCustomers",
    "deleteCustomers",
    "listCustomers",
    "listAndCountCustomers",
    "softDeleteCustomers",
    "restoreCustomers",
    "createCustomerGroups",
    "retrieveCustomerGroup",
    "updateCustomerGroups",
    "deleteCustomerGroups",
    "listCustomerGroups",
    "listAndCountCustomerGroups",
    "softDeleteCustomerGroups",
    "restoreCustomerGroups",
    "addCustomerToGroup",
    "removeCustomerFromGroup",
    "listCustomerGroupCustomers",
    "retrieveCustomerGroupCustomer",
    "listAndCountCustomerGroupCustomers",
    "deleteCustomerGroupCustomers",
    "softDeleteCustomerGroupCustomers",
    "restoreCustomerGroupCustomers",
    "createCustomerAddresses",
    "retrieveCustomerAddress",
    "updateCustomerAddresses",
    "deleteCustomerAddresses",
    "listCustomerAddresses",
    "listAndCountCustomerAddresses",
    "softDeleteCustomerAddresses",
    "restoreCustomerAddresses",
  ]);
  assert.equal(v2 instanceof CustomerDbV2, true);
  assert.equal(v2.db, db);
  assert.equal(db.v2, v2, "one v2 service per client");
  for (const name of Object.keys(V2_METHODS)) {
    assert.equal(typeof v2[name], "function", name);
    assert.equal(v2[name].name, name);
    assert.equal(V2_WIRE_NAMES[name], `v2.${name}`);
  }
  // The names v1 has too keep v1's behaviour on the client itself.
  assert.equal(typeof db.createCustomers, "undefined");
  assert.equal(typeof v2.create, "undefined");
  // Errors name the method on the wire.
  await assert.rejects(
    v2.retrieveCustomer("cus_nope"),
    answered("not_found", "Customer with id: cus_nope was not found", "v2.retrieveCustomer"),
  );
});

test("customers: createCustomers, retrieveCustomer, updateCustomers, listAndCountCustomers, deleteCustomers", async () => {
  const ann = await v2.createCustomers({
    id: "cus_ann",
    email: "ann@example.com",
    has_account: true,
    addresses: [{ id: "cuaddr_ann", city: "Oslo", is_default_shipping: true }],
  });
  assert.deepEqual(
    timeless(ann),
    customer({
      id: "cus_ann",
      email: "ann@example.com",
      has_account: true,
      default_shipping_address_id: "cuaddr_ann",
      addresses: [addressV2({ id: "cuaddr_ann", customer_id: "cus_ann", city: "Oslo", is_default_shipping: true })],
    }),
  );
  // A guest may share the e-mail of a customer with an account.
  const [guest, bob] = await v2.createCustomers([
    { id: "cus_guest", email: "ann@example.com" },
    { id: "cus_bob", email: "bob@example.com" },
  ]);
  assert.deepEqual(timeless([guest, bob]), [
    customer({ id: "cus_guest", email: "ann@example.com" }),
    customer({ id: "cus_bob", email: "bob@example.com" }),
  ]);
  await assert.rejects(
    v2.createCustomers({ email: "ann@example.com", has_account: true }),
    answered(
      "invalid_data",
      "Customer with email: ann@example.com, has_account: true, already exists.",
      "v2.createCustomers",
    ),
  );

  assert.deepEqual(await v2.retrieveCustomer("cus_ann", { select: ["email"] }), { id: "cus_ann", email: "ann@example.com" });
  assert.deepEqual(timeless(await v2.updateCustomers("cus_bob", { first_name: "Bob" })), customer({
    id: "cus_bob",
    email: "bob@example.com",
    first_name: "Bob",
  }));
  assert.deepEqual(
    (await v2.updateCustomers(["cus_bob", "cus_guest"], { company_name: "Acme" })).map((c) => [c.id, c.company_name]),
    [["cus_bob", "Acme"], ["cus_guest", "Acme"]],
  );
  assert.deepEqual(
    (await v2.updateCustomers({ has_account: true }, { last_name: "Smith" })).map((c) => [c.id, c.last_name]),
    [["cus_ann", "Smith"]],
  );
  assert.deepEqual(
    await v2.listAndCountCustomers({ email: "ann@example.com" }, { select: ["has_account"], order: { has_account: "DESC" } }),
    [[{ id: "cus_ann", has_account: true }, { id: "cus_guest", has_account: false }], 2],
  );

  assert.equal(await v2.deleteCustomers("cus_guest"), undefined);
  assert.equal(await v2.deleteCustomers(["cus_bob", "cus_nope"]), undefined);
  assert.equal(await v2.deleteCustomers({ email: "ann@example.com" }), undefined);
  assert.deepEqual(await v2.listCustomers(), []);
  assert.deepEqual(await v2.listCustomerAddresses(), []);
});

test("customers: softDeleteCustomers and restoreCustomers", async () => {
  await v2.createCustomers([{ id: "cus_a" }, { id: "cus_b" }]);
  assert.deepEqual(await v2.softDeleteCustomers(["cus_b", "cus_nope", "cus_a"]), { customer_id: ["cus_b", "cus_a"] });
  assert.deepEqual(await v2.softDeleteCustomers("cus_a"), {});
  assert.deepEqual(await v2.listCustomers(), []);
  await assert.rejects(
    v2.retrieveCustomer("cus_a"),
    answered("not_found", "Customer with id: cus_a was not found", "v2.retrieveCustomer"),
  );
  assert.deepEqual(await v2.retrieveCustomer("cus_a", { select: ["deleted_at"], withDeleted: true }).then(timeless), {
    id: "cus_a",
    deleted_at: "<time>",
  });
  assert.deepEqual(await v2.restoreCustomers(["cus_a"]), { customer_id: ["cus_a"] });
  assert.deepEqual(await v2.restoreCustomers("cus_b", { returnLinkableKeys: [] }), {});
  assert.deepEqual(await v2.listCustomers({}, { select: ["deleted_at"] }), [
    { id: "cus_a", deleted_at: null },
    { id: "cus_b", deleted_at: null },
  ]);
});

test("groups and memberships: the v2 methods", async () => {
  // As Medusa v2's, a created group carries an empty `customers` list.
  const vip = await v2.createCustomerGroups({ id: "cusgroup_vip", name: "VIP", metadata: { level: 1 } });
  assert.deepEqual(timeless(vip), { ...group({ id: "cusgroup_vip", name: "VIP", metadata: { level: 1 } }), customers: [] });
  assert.deepEqual(timeless(await v2.createCustomerGroups([{ id: "cusgroup_b2b", name: "B2B" }])), [
    { ...group({ id: "cusgroup_b2b", name: "B2B" }), customers: [] },
  ]);
  await assert.rejects(
    v2.createCustomerGroups({ name: "VIP" }),
    answered("invalid_data", "Customer group with name: VIP, already exists.", "v2.createCustomerGroups"),
  );
  assert.deepEqual(await v2.retrieveCustomerGroup("cusgroup_vip", { select: ["name"] }), { id: "cusgroup_vip", name: "VIP" });
  assert.deepEqual(timeless(await v2.updateCustomerGroups("cusgroup_b2b", { name: "Business" })), group({
    id: "cusgroup_b2b",
    name: "Business",
  }));
  assert.deepEqual(
    (await v2.updateCustomerGroups({ name: { $in: ["VIP", "Business"] } }, { created_by: "ops" })).map((g) => g.id),
    ["cusgroup_b2b", "cusgroup_vip"],
  );
  assert.deepEqual(await v2.listAndCountCustomerGroups({ q: "bus" }, { select: ["name"] }), [
    [{ id: "cusgroup_b2b", name: "Business" }],
    1,
  ]);

  await v2.createCustomers([{ id: "cus_ann", email: "ann@example.com" }, { id: "cus_bob" }]);
  const added = await v2.addCustomerToGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" });
  assert.match(added.id, /^cusgc_[0-9A-Z]{26}$/);
  const both = await v2.addCustomerToGroup([
    { customer_id: "cus_ann", customer_group_id: "cusgroup_vip" },
    { customer_id: "cus_bob", customer_group_id: "cusgroup_vip" },
  ]);
  assert.equal(both[0].id, added.id);
  assert.deepEqual(timeless(await v2.listCustomerGroupCustomers({ customer_group_id: "cusgroup_vip" })), [
    membershipV2({ id: added.id, customer_id: "cus_ann", customer_group_id: "cusgroup_vip" }),
    membershipV2({ id: both[1].id, customer_id: "cus_bob", customer_group_id: "cusgroup_vip" }),
  ]);
  assert.deepEqual(await v2.listCustomers({ groups: "cusgroup_vip" }, { select: ["id"] }), [{ id: "cus_ann" }, { id: "cus_bob" }]);
  assert.equal(await v2.removeCustomerFromGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" }), undefined);
  assert.deepEqual(await v2.listCustomerGroupCustomers({}, { select: ["customer_id"] }), [
    { id: both[1].id, customer_id: "cus_bob" },
  ]);

  assert.deepEqual(await v2.softDeleteCustomerGroups(["cusgroup_vip"]), { customer_group_id: ["cusgroup_vip"] });
  assert.deepEqual(await v2.listCustomerGroups({}, { select: ["id"] }), [{ id: "cusgroup_b2b" }]);
  assert.deepEqual(await v2.restoreCustomerGroups("cusgroup_vip"), { customer_group_id: ["cusgroup_vip"] });
  assert.equal(await v2.deleteCustomerGroups({ name: "Business" }), undefined);
  assert.equal(await v2.deleteCustomerGroups(["cusgroup_vip"]), undefined);
  assert.deepEqual(await v2.listCustomerGroups(), []);
  assert.deepEqual(await v2.listCustomerGroupCustomers(), []);
});

test("memberships: retrieveCustomerGroupCustomer, listAndCountCustomerGroupCustomers, deleteCustomerGroupCustomers", async () => {
  await v2.createCustomers([{ id: "cus_ann", email: "ann@example.com" }, { id: "cus_bob" }]);
  await v2.createCustomerGroups([{ id: "cusgroup_vip", name: "VIP" }, { id: "cusgroup_b2b", name: "B2B" }]);
  const [annVip, bobVip, annB2b] = (
    await v2.addCustomerToGroup([
      { customer_id: "cus_ann", customer_group_id: "cusgroup_vip" },
      { customer_id: "cus_bob", customer_group_id: "cusgroup_vip" },
      { customer_id: "cus_ann", customer_group_id: "cusgroup_b2b" },
    ])
  ).map((m) => m.id);

  assert.deepEqual(
    timeless(await v2.retrieveCustomerGroupCustomer(annVip)),
    membershipV2({ id: annVip, customer_id: "cus_ann", customer_group_id: "cusgroup_vip" }),
  );
  assert.deepEqual(
    await v2.retrieveCustomerGroupCustomer(annVip, {
      select: ["customer_group_id", "customer.email", "customer_group.name"],
      relations: ["customer", "customer_group"],
    }),
    {
      id: annVip,
      customer_id: "cus_ann",
      customer_group_id: "cusgroup_vip",
      customer: { id: "cus_ann", email: "ann@example.com" },
      customer_group: { id: "cusgroup_vip", name: "VIP" },
    },
  );
  await assert.rejects(
    v2.retrieveCustomerGroupCustomer("cusgc_nope"),
    answered("not_found", "CustomerGroupCustomer with id: cusgc_nope was not found", "v2.retrieveCustomerGroupCustomer"),
  );

  assert.deepEqual(await v2.listAndCountCustomerGroupCustomers({ customer_id: "cus_ann" }, { select: ["customer_group_id"] }), [
    [
      { id: annVip, customer_group_id: "cusgroup_vip" },
      { id: annB2b, customer_group_id: "cusgroup_b2b" },
    ],
    2,
  ]);
  const [page, count] = await v2.listAndCountCustomerGroupCustomers({}, { take: 1 });
  assert.deepEqual([timeless(page), count], [[membershipV2({ id: annVip, customer_id: "cus_ann", customer_group_id: "cusgroup_vip" })], 3]);
  assert.deepEqual(await v2.listAndCountCustomerGroupCustomers({ customer_group_id: "cusgroup_nope" }), [[], 0]);

  // Deletes the memberships only: their customers and groups stay.
  assert.equal(await v2.deleteCustomerGroupCustomers(annVip), undefined);
  assert.equal(await v2.deleteCustomerGroupCustomers(["cusgc_nope"]), undefined);
  assert.deepEqual(await v2.listCustomerGroupCustomers({}, { select: ["id"] }), [{ id: bobVip }, { id: annB2b }]);
  assert.equal(await v2.deleteCustomerGroupCustomers({ customer_group_id: "cusgroup_b2b" }), undefined);
  assert.deepEqual(await v2.listCustomerGroupCustomers({}, { select: ["id"] }), [{ id: bobVip }]);
  assert.deepEqual(await v2.listCustomers({}, { select: ["id"] }), [{ id: "cus_ann" }, { id: "cus_bob" }]);
  assert.deepEqual(await v2.listCustomerGroups({}, { select: ["id"] }), [{ id: "cusgroup_b2b" }, { id: "cusgroup_vip" }]);
  await assert.rejects(
    v2.deleteCustomerGroupCustomers({ q: "x" }),
    answered(
      "invalid_data",
      "Trying to query by not existing property CustomerGroupCustomer.q",
      "v2.deleteCustomerGroupCustomers",
    ),
  );
});

test("memberships: softDeleteCustomerGroupCustomers and restoreCustomerGroupCustomers", async () => {
  await v2.createCustomers([{ id: "cus_ann" }, { id: "cus_bob" }]);
  await v2.createCustomerGroups({ id: "cusgroup_vip", name: "VIP" });
  const [ann, bob] = (
    await v2.addCustomerToGroup([
      { customer_id: "cus_ann", customer_group_id: "cusgroup_vip" },
      { customer_id: "cus_bob", customer_group_id: "cusgroup_vip" },
    ])
  ).map((m) => m.id);

  assert.deepEqual(await v2.softDeleteCustomerGroupCustomers([bob, "cusgc_nope", bob]), { customer_group_customer_id: [bob] });
  assert.deepEqual(await v2.softDeleteCustomerGroupCustomers(bob), {}, "already deleted");
  assert.deepEqual(await v2.softDeleteCustomerGroupCustomers([]), {});
  // Hidden from the lists of both interfaces and from retrieve, unless withDeleted.
  assert.deepEqual(await v2.listCustomerGroupCustomers({}, { select: ["id"] }), [{ id: ann }]);
  assert.deepEqual(await db.listCustomerGroupCustomers({}, { select: ["id"] }), [{ id: ann }]);
  assert.deepEqual(await v2.listAndCountCustomerGroupCustomers({}, { select: ["id"] }), [[{ id: ann }], 1]);
  await assert.rejects(
    v2.retrieveCustomerGroupCustomer(bob),
    answered("not_found", `CustomerGroupCustomer with id: ${bob} was not found`, "v2.retrieveCustomerGroupCustomer"),
  );
  assert.deepEqual(
    timeless(await v2.retrieveCustomerGroupCustomer(bob, { withDeleted: true })),
    membershipV2({ id: bob, customer_id: "cus_bob", customer_group_id: "cusgroup_vip", deleted_at: TIME }),
  );
  assert.deepEqual(timeless(await v2.listCustomerGroupCustomers({}, { select: ["deleted_at"], withDeleted: true })), [
    { id: ann, deleted_at: null },
    { id: bob, deleted_at: TIME },
  ]);
  assert.deepEqual(await db.listCustomerGroupCustomers({}, { select: ["id"], withDeleted: true }), [{ id: ann }, { id: bob }]);

  // returnLinkableKeys narrows.
  assert.deepEqual(await v2.softDeleteCustomerGroupCustomers(ann, { returnLinkableKeys: ["customer_id"] }), {});
  assert.deepEqual(await v2.restoreCustomerGroupCustomers([ann, "cusgc_nope", bob]), { customer_group_customer_id: [ann, bob] });
  assert.deepEqual(await v2.restoreCustomerGroupCustomers("cusgc_nope"), {});
  assert.deepEqual(await v2.restoreCustomerGroupCustomers(ann, { returnLinkableKeys: [] }), {});
  assert.deepEqual(
    await v2.restoreCustomerGroupCustomers(bob, { returnLinkableKeys: ["customer_group_customer_id"] }),
    { customer_group_customer_id: [bob] },
  );
  assert.deepEqual(timeless(await v2.listCustomerGroupCustomers()), [
    membershipV2({ id: ann, customer_id: "cus_ann", customer_group_id: "cusgroup_vip" }),
    membershipV2({ id: bob, customer_id: "cus_bob", customer_group_id: "cusgroup_vip" }),
  ]);

  // In a transaction, rolled back.
  await assert.rejects(
    db.transaction(async (ctx) => {
      assert.deepEqual(await v2.softDeleteCustomerGroupCustomers([ann], null, ctx), { customer_group_customer_id: [ann] });
      assert.deepEqual(await v2.listCustomerGroupCustomers({}, { select: ["id"] }, ctx), [{ id: bob }]);
      throw new Error("undo");
    }),
    /undo/,
  );
  assert.deepEqual(await v2.listCustomerGroupCustomers({}, { select: ["id"] }), [{ id: ann }, { id: bob }]);
  // A selector, as Medusa v2 takes a filter object.
  assert.deepEqual(await v2.softDeleteCustomerGroupCustomers({ id: ann }), { customer_group_customer_id: [ann] });
  assert.deepEqual(await v2.restoreCustomerGroupCustomers({ customer_group_id: "cusgroup_vip" }), {
    customer_group_customer_id: [ann, bob],
  });
});

test("a soft-deleted membership still links its customer and group; removeCustomerFromGroup leaves it", async () => {
  await v2.createCustomers([{ id: "cus_ann" }, { id: "cus_bob" }]);
  await v2.createCustomerGroups({ id: "cusgroup_vip", name: "VIP" });
  const pair = { customer_id: "cus_bob", customer_group_id: "cusgroup_vip" };
  await v2.addCustomerToGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" });
  const { id: bob } = await v2.addCustomerToGroup(pair);
  assert.deepEqual(await v2.softDeleteCustomerGroupCustomers(bob), { customer_group_customer_id: [bob] });

  // The relations and relation filters of both interfaces still see it.
  assert.deepEqual(await v2.retrieveCustomer("cus_bob", { select: ["groups.name"], relations: ["groups"] }), {
    id: "cus_bob",
    groups: [{ id: "cusgroup_vip", name: "VIP" }],
  });
  assert.deepEqual(await db.retrieve("cus_bob", { select: ["groups.name"], relations: ["groups"] }), {
    id: "cus_bob",
    groups: [{ id: "cusgroup_vip", name: "VIP" }],
  });
  assert.deepEqual(await v2.retrieveCustomerGroup("cusgroup_vip", { select: ["customers.id"], relations: ["customers"] }), {
    id: "cusgroup_vip",
    customers: [{ id: "cus_ann" }, { id: "cus_bob" }],
  });
  assert.deepEqual(await v2.listCustomers({ groups: "cusgroup_vip" }, { select: ["id"] }), [{ id: "cus_ann" }, { id: "cus_bob" }]);
  assert.deepEqual(await db.list({ groups: "cusgroup_vip" }, { select: ["id"] }), [{ id: "cus_ann" }, { id: "cus_bob" }]);

  // removeCustomerFromGroup (v2's and v1's) leaves the soft-deleted membership in place.
  assert.equal(await v2.removeCustomerFromGroup(pair), undefined);
  assert.equal(await db.removeCustomerFromGroup([pair]), undefined);
  assert.deepEqual(timeless(await v2.listCustomerGroupCustomers({ customer_id: "cus_bob" }, { withDeleted: true })), [
    membershipV2({ id: bob, customer_id: "cus_bob", customer_group_id: "cusgroup_vip", deleted_at: TIME }),
  ]);
  assert.deepEqual(await v2.listCustomers({ groups: "cusgroup_vip" }, { select: ["id"] }), [{ id: "cus_ann" }, { id: "cus_bob" }]);
  // A hard delete ends the link.
  await v2.deleteCustomerGroupCustomers(bob);
  assert.deepEqual(await v2.listCustomers({ groups: "cusgroup_vip" }, { select: ["id"] }), [{ id: "cus_ann" }]);
});

test("addresses: the v2 methods", async () => {
  await v2.createCustomers({ id: "cus_ann", email: "ann@example.com" });
  const home = await v2.createCustomerAddresses({
    id: "cuaddr_home",
    customer_id: "cus_ann",
    city: "Oslo",
    is_default_billing: true,
  });
  assert.deepEqual(timeless(home), addressV2({ id: "cuaddr_home", customer_id: "cus_ann", city: "Oslo", is_default_billing: true }));
  const [work] = await v2.createCustomerAddresses([{ id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen" }]);
  assert.deepEqual(timeless(work), addressV2({ id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen" }));
  assert.deepEqual(timeless(await v2.retrieveCustomerAddress("cuaddr_home")), timeless(home));
  assert.deepEqual(
    await v2.retrieveCustomerAddress("cuaddr_home", { select: ["city", "customer.email"], relations: ["customer"] }),
    { id: "cuaddr_home", customer_id: "cus_ann", city: "Oslo", customer: { id: "cus_ann", email: "ann@example.com" } },
  );
  assert.deepEqual(
    timeless(await v2.updateCustomerAddresses("cuaddr_work", { postal_code: "5003" })),
    addressV2({ id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen", postal_code: "5003" }),
  );
  assert.deepEqual(
    (await v2.updateCustomerAddresses({ customer_id: "cus_ann" }, { country_code: "no" })).map((a) => [a.id, a.country_code]),
    [["cuaddr_home", "no"], ["cuaddr_work", "no"]],
  );
  assert.deepEqual(
    await v2.listAndCountCustomerAddresses({ city: "Bergen" }, { select: ["city"] }),
    [[{ id: "cuaddr_work", city: "Bergen" }], 1],
  );
  assert.equal(await v2.deleteCustomerAddresses("cuaddr_home"), undefined);
  assert.deepEqual(await v2.retrieveCustomer("cus_ann", { select: ["default_billing_address_id"] }), {
    id: "cus_ann",
    default_billing_address_id: null,
  });
  assert.equal(await v2.deleteCustomerAddresses({ customer_id: "cus_ann" }), undefined);
  assert.deepEqual(await v2.listCustomerAddresses(), []);
});

test("softDeleteCustomers takes each customer's addresses with it, and restoreCustomers brings them back", async () => {
  await v2.createCustomers([
    {
      id: "cus_ann",
      email: "ann@example.com",
      addresses: [
        { id: "cuaddr_home", city: "Oslo", is_default_shipping: true },
        { id: "cuaddr_work", city: "Bergen" },
      ],
    },
    { id: "cus_bob", email: "bob@example.com", addresses: [{ id: "cuaddr_bob", city: "Tromsø" }] },
  ]);
  assert.deepEqual(await v2.softDeleteCustomers("cus_ann"), {
    customer_id: ["cus_ann"],
    customer_address_id: ["cuaddr_home", "cuaddr_work"],
  });
  // Gone from every read, v1's too, unless withDeleted.
  assert.deepEqual(await v2.listCustomerAddresses({}, { select: ["id"] }), [{ id: "cuaddr_bob" }]);
  assert.deepEqual(await db.listAddresses({}, { select: ["id"] }), [{ id: "cuaddr_bob" }]);
  await assert.rejects(
    v2.retrieveCustomerAddress("cuaddr_home"),
    answered("not_found", "CustomerAddress with id: cuaddr_home was not found", "v2.retrieveCustomerAddress"),
  );
  const deleted = await v2.listCustomerAddresses({ customer_id: "cus_ann" }, { withDeleted: true });
  assert.deepEqual(timeless(deleted), [
    addressV2({ id: "cuaddr_home", customer_id: "cus_ann", city: "Oslo", is_default_shipping: true, deleted_at: TIME }),
    addressV2({ id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen", deleted_at: TIME }),
  ]);
  const customerDeletedAt = (await v2.retrieveCustomer("cus_ann", { select: ["deleted_at"], withDeleted: true })).deleted_at;
  assert.deepEqual(deleted.map((a) => a.deleted_at), [customerDeletedAt, customerDeletedAt], "one time for the customer and its addresses");
  // v1 shows them with withDeleted, without the field.
  assert.deepEqual(timeless(await db.listAddresses({ customer_id: "cus_ann" }, { withDeleted: true })), [
    address({ id: "cuaddr_home", customer_id: "cus_ann", city: "Oslo", is_default_shipping: true }),
    address({ id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen" }),
  ]);
  // The soft-deleted default address still holds the customer's default slot.
  assert.deepEqual(
    await v2.retrieveCustomer("cus_ann", { select: ["default_shipping_address_id"], withDeleted: true }),
    { id: "cus_ann", default_shipping_address_id: "cuaddr_home" },
  );
  assert.deepEqual(await v2.softDeleteCustomers(["cus_ann"]), {}, "already deleted");

  assert.deepEqual(await v2.restoreCustomers("cus_ann"), {
    customer_id: ["cus_ann"],
    customer_address_id: ["cuaddr_home", "cuaddr_work"],
  });
  assert.deepEqual(
    timeless(await v2.retrieveCustomer("cus_ann", { relations: ["addresses"], select: ["addresses.city", "addresses.deleted_at"] })),
    {
      id: "cus_ann",
      addresses: [
        { id: "cuaddr_home", customer_id: "cus_ann", city: "Oslo", deleted_at: null },
        { id: "cuaddr_work", customer_id: "cus_ann", city: "Bergen", deleted_at: null },
      ],
    },
  );
  assert.deepEqual(await v2.listCustomerAddresses({}, { select: ["id"] }), [
    { id: "cuaddr_bob" },
    { id: "cuaddr_home" },
    { id: "cuaddr_work" },
  ]);
  // An address deleted on its own goes with its customer all the same, and comes back with it.
  assert.deepEqual(await v2.softDeleteCustomerAddresses("cuaddr_work"), { customer_address_id: ["cuaddr_work"] });
  const both = { customer_id: ["cus_ann"], customer_address_id: ["cuaddr_home", "cuaddr_work"] };
  assert.deepEqual(await v2.softDeleteCustomers("cus_ann"), both);
  assert.deepEqual(await v2.restoreCustomers("cus_ann"), both);

  // returnLinkableKeys narrows; v1's softDelete and restore leave the addresses alone.
  assert.deepEqual(await v2.softDeleteCustomers(["cus_ann", "cus_bob"], { returnLinkableKeys: ["customer_address_id"] }), {
    customer_address_id: ["cuaddr_home", "cuaddr_work", "cuaddr_bob"],
  });
  assert.deepEqual(await v2.restoreCustomers(["cus_bob"], { returnLinkableKeys: ["customer_id"] }), { customer_id: ["cus_bob"] });
  assert.deepEqual(await v2.listCustomerAddresses({}, { select: ["id"] }), [{ id: "cuaddr_bob" }]);
  assert.deepEqual(await db.restore("cus_ann"), { customer_id: ["cus_ann"] });
  assert.deepEqual(await v2.listCustomerAddresses({ customer_id: "cus_ann" }, { select: ["id"] }), []);
  assert.deepEqual(await db.softDelete("cus_bob"), { customer_id: ["cus_bob"] });
  assert.deepEqual(await v2.listCustomerAddresses({}, { select: ["id"] }), [{ id: "cuaddr_bob" }]);
  // A customer without addresses: no customer_address_id key.
  await v2.createCustomers({ id: "cus_solo" });
  assert.deepEqual(await v2.softDeleteCustomers("cus_solo"), { customer_id: ["cus_solo"] });
  assert.deepEqual(await v2.restoreCustomers("cus_solo"), { customer_id: ["cus_solo"] });
});

test("softDeleteCustomerAddresses and restoreCustomerAddresses", async () => {
  await v2.createCustomers({
    id: "cus_ann",
    addresses: [
      { id: "cuaddr_1", city: "Oslo", is_default_billing: true },
      { id: "cuaddr_2", city: "Bergen" },
      { id: "cuaddr_3", city: "Trondheim" },
    ],
  });
  assert.deepEqual(await v2.softDeleteCustomerAddresses(["cuaddr_3", "cuaddr_nope", "cuaddr_1", "cuaddr_3"]), {
    customer_address_id: ["cuaddr_3", "cuaddr_1"],
  });
  assert.deepEqual(await v2.softDeleteCustomerAddresses("cuaddr_1"), {}, "already deleted");
  assert.deepEqual(await v2.softDeleteCustomerAddresses([]), {});
  assert.deepEqual(await v2.listCustomerAddresses({}, { select: ["city"] }), [{ id: "cuaddr_2", city: "Bergen" }]);
  assert.deepEqual(timeless(await v2.retrieveCustomerAddress("cuaddr_1", { withDeleted: true })),
    addressV2({ id: "cuaddr_1", customer_id: "cus_ann", city: "Oslo", is_default_billing: true, deleted_at: TIME }));
  assert.deepEqual(await v2.listCustomerAddresses({ deleted_at: { $ne: null } }, { select: ["id"], withDeleted: true }), [
    { id: "cuaddr_1" },
    { id: "cuaddr_3" },
  ]);
  // The customer stays, and so does its default billing address's id.
  assert.deepEqual(
    await v2.retrieveCustomer("cus_ann", { select: ["default_billing_address_id", "addresses.id"], relations: ["addresses"] }),
    { id: "cus_ann", default_billing_address_id: "cuaddr_1", addresses: [{ id: "cuaddr_2", customer_id: "cus_ann" }] },
  );
  assert.deepEqual(await v2.softDeleteCustomerAddresses("cuaddr_2", { returnLinkableKeys: ["customer_id"] }), {});

  assert.deepEqual(await v2.restoreCustomerAddresses(["cuaddr_1", "cuaddr_nope", "cuaddr_2"]), {
    customer_address_id: ["cuaddr_1", "cuaddr_2"],
  });
  assert.deepEqual(await v2.restoreCustomerAddresses("cuaddr_3", { returnLinkableKeys: [] }), {});
  assert.deepEqual(await v2.restoreCustomerAddresses("cuaddr_nope"), {});
  assert.deepEqual(timeless(await v2.listCustomerAddresses()), [
    addressV2({ id: "cuaddr_1", customer_id: "cus_ann", city: "Oslo", is_default_billing: true }),
    addressV2({ id: "cuaddr_2", customer_id: "cus_ann", city: "Bergen" }),
    addressV2({ id: "cuaddr_3", customer_id: "cus_ann", city: "Trondheim" }),
  ]);

  // In a transaction, rolled back.
  await assert.rejects(
    db.transaction(async (ctx) => {
      assert.deepEqual(await v2.softDeleteCustomerAddresses(["cuaddr_1", "cuaddr_2"], null, ctx), {
        customer_address_id: ["cuaddr_1", "cuaddr_2"],
      });
      assert.deepEqual(await v2.listCustomerAddresses({}, { select: ["id"] }, ctx), [{ id: "cuaddr_3" }]);
      throw new Error("undo");
    }),
    /undo/,
  );
  assert.equal((await v2.listCustomerAddresses()).length, 3);
  // A selector, as Medusa v2 takes a filter object; q is refused there, and errors name the
  // method on the wire.
  assert.deepEqual(await v2.softDeleteCustomerAddresses({ city: "Bergen" }), { customer_address_id: ["cuaddr_2"] });
  assert.deepEqual(await v2.restoreCustomerAddresses({ customer_id: "cus_ann" }), {
    customer_address_id: ["cuaddr_1", "cuaddr_2", "cuaddr_3"],
  });
  await assert.rejects(
    v2.softDeleteCustomerAddresses({ q: "Oslo" }),
    answered("invalid_data", "Trying to query by not existing property CustomerAddress.q", "v2.softDeleteCustomerAddresses"),
  );
});

test("the bare names only v2 has answer as v2", async () => {
  const group = await db.call("createCustomerGroups", [{ id: "cusgroup_vip", name: "VIP" }]);
  assert.deepEqual(timeless(group), { id: "cusgroup_vip", name: "VIP", metadata: null, created_by: null, created_at: TIME, updated_at: TIME, deleted_at: null, customers: [] });
  await assert.rejects(
    db.call("createCustomerGroups", [{}]),
    answered("invalid_data", "Value for CustomerGroup.name is required, 'undefined' found", "createCustomerGroups"),
  );
  await db.call("createCustomers", [{ id: "cus_ann", addresses: [{ id: "cuaddr_1" }] }]);
  assert.deepEqual(await db.call("softDeleteCustomerAddresses", [["cuaddr_1"]]), { customer_address_id: ["cuaddr_1"] });
  assert.deepEqual(timeless(await db.call("listCustomerAddresses", [{}, { select: ["deleted_at"], withDeleted: true }])), [
    { id: "cuaddr_1", deleted_at: TIME },
  ]);
  assert.deepEqual(await db.call("restoreCustomerAddresses", ["cuaddr_1"]), { customer_address_id: ["cuaddr_1"] });
  // A bare name v1 has too is v1's: its addresses have no deleted_at.
  assert.deepEqual(timeless(await db.call("listAddresses", [])), [address({ id: "cuaddr_1", customer_id: "cus_ann" })]);

  // The generated membership methods, bare.
  const { id } = await v2.addCustomerToGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" });
  const live = membershipV2({ id, customer_id: "cus_ann", customer_group_id: "cusgroup_vip" });
  assert.deepEqual(timeless(await db.call("retrieveCustomerGroupCustomer", [id])), live);
  assert.deepEqual(timeless(await db.call("listAndCountCustomerGroupCustomers", [])), [[live], 1]);
  assert.deepEqual(await db.call("softDeleteCustomerGroupCustomers", [[id]]), { customer_group_customer_id: [id] });
  assert.deepEqual(timeless(await db.call("listCustomerGroupCustomers", [{}, { withDeleted: true }])), [
    membership({ id, customer_id: "cus_ann", customer_group_id: "cusgroup_vip" }),
  ]);
  assert.deepEqual(await db.call("restoreCustomerGroupCustomers", [id]), { customer_group_customer_id: [id] });
  assert.equal(await db.call("deleteCustomerGroupCustomers", [[id]]), null);
  assert.deepEqual(await db.call("listAndCountCustomerGroupCustomers", [{}, null, {}]), [[], 0]);
});

// ---- Where v2 differs from v1 --------------------------------------------------------------

test("v2 lists have no default limit (v1 returns 15 rows)", async () => {
  await db.create(Array.from({ length: 20 }, (_, i) => ({ id: `cus_${String(i).padStart(2, "0")}` })));
  assert.equal((await db.list()).length, 15);
  assert.equal((await v2.listCustomers()).length, 20);
  const [rows, count] = await v2.listAndCountCustomers({}, { select: ["id"] });
  assert.deepEqual([rows.length, count], [20, 20]);
  const [v1Rows, v1Count] = await db.listAndCount({}, { select: ["id"] });
  assert.deepEqual([v1Rows.length, v1Count], [15, 20]);
  // skip applies on its own (v1: only together with a limit, its default 15 included)
  assert.deepEqual(await v2.listCustomers({}, { select: ["id"], skip: 18 }), [{ id: "cus_18" }, { id: "cus_19" }]);
  assert.deepEqual(await v2.listCustomers({}, { select: ["id"], skip: 18, take: null }), [{ id: "cus_18" }, { id: "cus_19" }]);
  assert.deepEqual(await v2.listCustomers({}, { select: ["id"], skip: 1, take: 1 }), [{ id: "cus_01" }]);
  assert.equal((await db.list({}, { select: ["id"], skip: 18, take: null })).length, 20);
  assert.equal((await db.list({}, { select: ["id"], skip: 18 })).length, 2);

  await db.createCustomerGroup(Array.from({ length: 16 }, (_, i) => ({ name: `Group ${i}` })));
  assert.deepEqual([(await db.listCustomerGroups()).length, (await v2.listCustomerGroups()).length], [15, 16]);
  await db.addAddresses(Array.from({ length: 17 }, () => ({ customer_id: "cus_00" })));
  assert.deepEqual([(await db.listAddresses()).length, (await v2.listCustomerAddresses()).length], [15, 17]);
  const groups = await v2.listCustomerGroups({}, { select: ["id"] });
  await db.addCustomerToGroup(groups.map((g) => ({ customer_id: "cus_00", customer_group_id: g.id })));
  assert.deepEqual([(await db.listCustomerGroupCustomers()).length, (await v2.listCustomerGroupCustomers()).length], [15, 16]);
});

test("v2's q: every whitespace-separated word must match (v1: the whole string)", async () => {
  await v2.createCustomers([
    { id: "cus_1", first_name: "Ann", last_name: "Smith", email: "ann@example.com" },
    { id: "cus_2", first_name: "Ann", last_name: "Jones", email: "jones@example.com" },
    { id: "cus_3", first_name: "Bob", last_name: "Smith", company_name: "Ann's Bakery" },
  ]);
  assert.deepEqual(await v2.listCustomers({ q: "ann smith" }, { select: ["id"] }), [{ id: "cus_1" }, { id: "cus_3" }]);
  assert.deepEqual(await v2.listCustomers({ q: "  SMITH   bakery " }, { select: ["id"] }), [{ id: "cus_3" }]);
  assert.deepEqual(await v2.listCustomers({ q: "ann jones example" }, { select: ["id"] }), [{ id: "cus_2" }]);
  assert.deepEqual(await v2.listCustomers({ q: "ann nobody" }, { select: ["id"] }), []);
  assert.deepEqual(await v2.listCustomers({ q: " \t " }, { select: ["id"] }), [{ id: "cus_1" }, { id: "cus_2" }, { id: "cus_3" }]);
  // v1 looks for the whole string in one field.
  assert.deepEqual(await db.list({ q: "ann smith" }, { select: ["id"] }), []);
  assert.deepEqual(await db.list({ q: "ann's" }, { select: ["id"] }), [{ id: "cus_3" }]);
  assert.deepEqual(await v2.listCustomers({ q: "ann's" }, { select: ["id"] }), [{ id: "cus_3" }]);
  // Each word is literal text: % and _ are not wildcards.
  assert.deepEqual(await v2.listCustomers({ q: "a%n" }, { select: ["id"] }), []);

  await v2.createCustomerGroups([{ id: "cusgroup_1", name: "Gold members" }, { id: "cusgroup_2", name: "Gold" }]);
  assert.deepEqual(await v2.listCustomerGroups({ q: "members gold" }, { select: ["id"] }), [{ id: "cusgroup_1" }]);
  assert.deepEqual(await db.listCustomerGroups({ q: "members gold" }, { select: ["id"] }), []);
  await v2.createCustomerAddresses([
    { id: "cuaddr_1", customer_id: "cus_1", address_1: "1 Main Street", city: "Oslo" },
    { id: "cuaddr_2", customer_id: "cus_1", address_1: "2 Main Street", city: "Bergen" },
  ]);
  assert.deepEqual(await v2.listCustomerAddresses({ q: "main oslo" }, { select: ["id"] }), [{ id: "cuaddr_1" }]);
  assert.deepEqual(await db.listAddresses({ q: "main oslo" }, { select: ["id"] }), []);
});

test("v2's metadata update is a shallow merge, and a key given \"\" is removed (v1: a deep merge)", async () => {
  const metadata = { tier: "gold", prefs: { mail: true, sms: false }, note: "x" };
  await v2.createCustomers([
    { id: "cus_v1", metadata },
    { id: "cus_v2", metadata },
  ]);
  const change = { prefs: { sms: true }, note: "", added: 1 };
  assert.deepEqual((await v2.updateCustomers("cus_v2", { metadata: change })).metadata, {
    tier: "gold",
    prefs: { sms: true },
    added: 1,
  });
  assert.deepEqual((await db.update("cus_v1", { metadata: change })).metadata, {
    tier: "gold",
    prefs: { mail: true, sms: true },
    note: "",
    added: 1,
  });
  // null clears it; an empty object changes nothing.
  assert.deepEqual((await v2.updateCustomers("cus_v2", { metadata: {} })).metadata, {
    tier: "gold",
    prefs: { sms: true },
    added: 1,
  });
  assert.equal((await v2.updateCustomers("cus_v2", { metadata: null })).metadata, null);

  // Groups and addresses merge the same way.
  await v2.createCustomerGroups({ id: "cusgroup_1", name: "G", metadata: { a: 1, b: { c: 1, d: 2 } } });
  assert.deepEqual((await v2.updateCustomerGroups("cusgroup_1", { metadata: { a: "", b: { c: 2 } } })).metadata, {
    b: { c: 2 },
  });
  await v2.createCustomerAddresses({ id: "cuaddr_1", customer_id: "cus_v1", metadata: { a: 1, b: 2 } });
  assert.deepEqual(
    (await v2.updateCustomerAddresses(["cuaddr_1"], { metadata: { b: "" } })).map((a) => a.metadata),
    [{ a: 1 }],
  );
});

test("v2 requires a group's name (v1 does not)", async () => {
  await assert.rejects(
    v2.createCustomerGroups({ metadata: { a: 1 } }),
    answered("invalid_data", "Value for CustomerGroup.name is required, 'undefined' found", "v2.createCustomerGroups"),
  );
  await assert.rejects(
    v2.createCustomerGroups([{ name: "A" }, { name: null }]),
    // null is read as a left-out key, as v1 reads `customer_id: null` of an address
    answered("invalid_data", "Value for CustomerGroup.name is required, 'undefined' found", "v2.createCustomerGroups"),
  );
  assert.deepEqual(await v2.listCustomerGroups(), [], "a failed call adds nothing");
  const unnamed = await db.createCustomerGroup({ id: "cusgroup_unnamed" });
  assert.equal(unnamed.name, null);
  await v2.createCustomerGroups({ id: "cusgroup_named", name: "Named" });
  await assert.rejects(
    v2.updateCustomerGroups("cusgroup_named", { name: null }),
    answered(
      "invalid_data",
      "You must pass a non-null value to the property name of entity CustomerGroup.",
      "v2.updateCustomerGroups",
    ),
  );
  assert.equal((await db.updateCustomerGroups("cusgroup_named", { name: null })).name, null);
});

test("v2's messages name the address model CustomerAddress (v1: Address)", async () => {
  await assert.rejects(
    v2.createCustomerAddresses({ city: "Nowhere" }),
    answered(
      "invalid_data",
      "Value for CustomerAddress.customer_id is required, 'undefined' found",
      "v2.createCustomerAddresses",
    ),
  );
  await assert.rejects(
    db.addAddresses({ city: "Nowhere" }),
    answered("invalid_data", "Value for Address.customer_id is required, 'undefined' found", "addAddresses"),
  );
  await assert.rejects(
    v2.retrieveCustomerAddress("cuaddr_nope"),
    answered("not_found", "CustomerAddress with id: cuaddr_nope was not found", "v2.retrieveCustomerAddress"),
  );
  await assert.rejects(
    v2.listCustomerAddresses({ nickname: "x" }),
    answered("invalid_data", "Trying to query by not existing property CustomerAddress.nickname", "v2.listCustomerAddresses"),
  );
  await assert.rejects(
    db.listAddresses({ nickname: "x" }),
    answered("invalid_data", 'Unknown field "nickname" for Address', "listAddresses"),
  );
});

test("v2: soft-deleted rows show only with withDeleted, and a delete selector reaches them", async () => {
  await v2.createCustomers([
    { id: "cus_a", email: "a@example.com" },
    { id: "cus_b", email: "b@example.com" },
    { id: "cus_c", email: "c@example.com" },
  ]);
  await v2.softDeleteCustomers(["cus_b", "cus_c"]);
  // A condition on deleted_at does not show soft-deleted rows by itself (v1: it does).
  const deleted = { deleted_at: { $ne: null } };
  assert.deepEqual(await v2.listCustomers(deleted, { select: ["id"] }), []);
  assert.deepEqual(await db.list(deleted, { select: ["id"] }), [{ id: "cus_b" }, { id: "cus_c" }]);
  assert.deepEqual(await v2.listCustomers(deleted, { select: ["id"], withDeleted: true }), [{ id: "cus_b" }, { id: "cus_c" }]);
  // A delete selector matches soft-deleted rows too (v1: live rows only).
  await db.delete({ email: "b@example.com" });
  await v2.deleteCustomers({ email: "c@example.com" });
  assert.deepEqual(await v2.listCustomers({}, { select: ["id"], withDeleted: true }), [{ id: "cus_a" }, { id: "cus_b" }]);
});

test("v2 leaves out select and relations entries that name nothing (v1 refuses them)", async () => {
  await v2.createCustomers({ id: "cus_a", email: "a@example.com" });
  assert.deepEqual(
    await v2.retrieveCustomer("cus_a", { select: ["email", "nickname"], relations: ["orders", "groups"] }),
    { id: "cus_a", email: "a@example.com", groups: [] },
  );
  assert.deepEqual(await v2.listCustomers({}, { select: ["id", "nickname"], relations: ["orders"] }), [{ id: "cus_a" }]);
  await assert.rejects(
    db.list({}, { select: ["id", "nickname"] }),
    answered("invalid_data", 'Unknown field "nickname" for Customer', "list"),
  );
  // Filters stay strict.
  await assert.rejects(
    v2.listCustomers({ nickname: "a" }),
    answered("invalid_data", "Trying to query by not existing property Customer.nickname", "v2.listCustomers"),
  );
});

// ---- One store, and transactions -----------------------------------------------------------

test("v1 and v2 share one store", async () => {
  await db.create({ id: "cus_ann", email: "ann@example.com" });
  await v2.createCustomerGroups({ id: "cusgroup_vip", name: "VIP" });
  await db.addCustomerToGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" });
  assert.deepEqual(
    await v2.retrieveCustomer("cus_ann", { select: ["email", "groups.name"], relations: ["groups"] }),
    { id: "cus_ann", email: "ann@example.com", groups: [{ id: "cusgroup_vip", name: "VIP" }] },
  );
  await v2.softDeleteCustomers(["cus_ann"]);
  assert.deepEqual(await db.list(), []);
  await db.restore("cus_ann");
  assert.deepEqual(await v2.listCustomers({}, { select: ["id"] }), [{ id: "cus_ann" }]);
});

test("the transaction context: v2 calls inside db.transaction() see their writes, others after the commit", async () => {
  const ids = async (ctx) => (await v2.listCustomers({}, { select: ["id"] }, ctx)).map((c) => c.id);
  let seenOutside;
  await db.transaction(async (ctx) => {
    await v2.createCustomers({ id: "cus_ann", email: "ann@example.com" }, ctx);
    await v2.createCustomerGroups({ id: "cusgroup_vip", name: "VIP" }, ctx);
    await v2.addCustomerToGroup({ customer_id: "cus_ann", customer_group_id: "cusgroup_vip" }, ctx);
    await v2.createCustomerAddresses({ id: "cuaddr_1", customer_id: "cus_ann", city: "Oslo" }, ctx);
    await db.create({ id: "cus_bob" }, ctx); // v1 and v2 calls share the transaction
    assert.deepEqual(await ids(ctx), ["cus_ann", "cus_bob"]);
    assert.equal((await v2.retrieveCustomerAddress("cuaddr_1", undefined, ctx)).city, "Oslo");
    seenOutside = await ids();
  });
  assert.deepEqual(seenOutside, []);
  assert.deepEqual(await ids(), ["cus_ann", "cus_bob"]);
  assert.deepEqual(await v2.listCustomers({ groups: "cusgroup_vip" }, { select: ["id"] }), [{ id: "cus_ann" }]);

  // Rolled back: nothing of it stays.
  const failure = new Error("the work failed");
  await assert.rejects(
    db.transaction(async (ctx) => {
      await v2.updateCustomers("cus_ann", { first_name: "Ann" }, ctx);
      await v2.deleteCustomers("cus_bob", ctx);
      await v2.softDeleteCustomerGroups("cusgroup_vip", undefined, ctx);
      throw failure;
    }),
    (error) => error === failure,
  );
  assert.deepEqual(await v2.listCustomers({}, { select: ["first_name"] }), [
    { id: "cus_ann", first_name: null },
    { id: "cus_bob", first_name: null },
  ]);
  assert.deepEqual(await v2.listCustomerGroups({}, { select: ["id"] }), [{ id: "cusgroup_vip" }]);

  // A failed call inside a transaction undoes only itself; conflicts as in v1.
  const first = await db.beginTransaction();
  const second = await db.beginTransaction();
  await assert.rejects(
    v2.createCustomerGroups({ name: "VIP" }, first),
    answered("invalid_data", "Customer group with name: VIP, already exists.", "v2.createCustomerGroups"),
  );
  await v2.updateCustomers("cus_ann", { last_name: "First" }, first);
  await v2.updateCustomers("cus_ann", { last_name: "Second" }, second);
  await db.commitTransaction(first);
  await assert.rejects(
    db.commitTransaction(second),
    answered(
      "conflict",
      "Transaction conflict: Customer with id: cus_ann was changed by another transaction",
      "commitTransaction",
    ),
  );
  assert.equal((await v2.retrieveCustomer("cus_ann")).last_name, "First");
  await assert.rejects(
    v2.listCustomers({}, null, { transactionId: "tx_00000000000000000000000000000000" }),
    answered("conflict", "Transaction tx_00000000000000000000000000000000 was not found", "v2.listCustomers"),
  );
});

test("a context after skipped optional params, and a time budget, reach the program", async () => {
  const tx = await db.beginTransaction();
  await v2.createCustomers({ id: "cus_ann" }, tx);
  const medusaContext = { transactionId: tx.transactionId, manager: {}, isolationLevel: "READ COMMITTED" };
  assert.deepEqual(await v2.listCustomers(undefined, undefined, medusaContext).then((rows) => rows.map((c) => c.id)), ["cus_ann"]);
  assert.deepEqual(await v2.softDeleteCustomers("cus_ann", undefined, tx), { customer_id: ["cus_ann"] });
  assert.deepEqual(await v2.listCustomers({}, null, {}), []);
  await db.rollbackTransaction(tx);
  await assert.rejects(
    v2.listCustomers({}, null, { timeoutMs: 0 }),
    answered("invalid_params", "params[2].timeoutMs must be an integer from 1 to 600000", "v2.listCustomers"),
  );
});
