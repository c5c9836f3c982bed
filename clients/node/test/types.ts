// Type checks of the package's declarations, as a TypeScript program sees them through the
// package's exports (run by scripts/test.sh with `tsc -p test/tsconfig.json`; nothing runs).
// Without @types/node: the declarations need nothing of Node's.
import {
  CustomerDb,
  CustomerDbError,
  CustomerDbV2,
  V2_METHODS,
  V2_WIRE_NAMES,
  type CustomerModuleServiceV2,
  type V2,
  type V2MethodName,
  type Context,
  type CustomerAddressDTO,
  type CustomerDTO,
  type CustomerGroupCustomerDTO,
  type CustomerGroupDTO,
  type FilterableCustomerProps,
  type LinkableKeys,
  type StoreStats,
  type TransactionContext,
} from "customerdb";
import { useCustomerDb, type CustomerDbFixture } from "customerdb/testing";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(_value: T): void {}
function same<A, B>(_proof: Equals<A, B>): void {}

export async function checks(db: CustomerDb): Promise<void> {
  // One input gives one DTO, a list gives a list.
  const one = await db.create({ email: "a@example.com", addresses: [{ city: "Oslo" }] });
  same<typeof one, CustomerDTO>(true);
  const many = await db.create([{ email: "a@example.com" }]);
  same<typeof many, CustomerDTO[]>(true);
  same<Awaited<ReturnType<typeof db.retrieve>>, CustomerDTO>(true);
  const updatedOne = await db.update("cus_1", { first_name: "A" });
  same<typeof updatedOne, CustomerDTO>(true);
  const updatedMany = await db.update({ email: { $like: "%@x.com" } }, { first_name: null });
  same<typeof updatedMany, CustomerDTO[]>(true);
  const page = await db.listAndCount({ groups: { name: "VIP" } }, { select: ["email", "addresses.city"], take: 10 });
  same<typeof page, [CustomerDTO[], number]>(true);
  same<Awaited<ReturnType<typeof db.delete>>, void>(true);
  same<Awaited<ReturnType<typeof db.softDelete>>, LinkableKeys>(true);

  const group = await db.createCustomerGroup({ name: "VIP" });
  same<typeof group, CustomerGroupDTO>(true);
  same<Awaited<ReturnType<typeof db.listCustomerGroups>>, CustomerGroupDTO[]>(true);
  const address = await db.addAddresses({ customer_id: "cus_1", city: "Oslo" });
  same<typeof address, CustomerAddressDTO>(true);
  const addresses = await db.addAddresses([{ customer_id: "cus_1" }]);
  same<typeof addresses, CustomerAddressDTO[]>(true);
  const membership = await db.addCustomerToGroup({ customer_id: "cus_1", customer_group_id: group.id });
  same<typeof membership, { id: string }>(true);
  same<Awaited<ReturnType<typeof db.listCustomerGroupCustomers>>, CustomerGroupCustomerDTO[]>(true);

  // Filters and find configs are checked.
  const filter: FilterableCustomerProps = {
    $or: [{ email: ["a@x.com", "b@x.com"] }, { has_account: true }],
    created_at: { $gte: new Date(0) },
    metadata: { tier: "gold" },
    addresses: null,
  };
  await db.list(filter, { order: { email: "DESC", groups: { name: "ASC" } }, withDeleted: true });
  // @ts-expect-error: not a field of CreateCustomerDTO
  await db.create({ nickname: "x" });
  // @ts-expect-error: has_account is a boolean
  await db.create({ has_account: "yes" });
  // @ts-expect-error: customer_id is required
  await db.addAddresses({ city: "Oslo" });
  // @ts-expect-error: not a field of Customer
  await db.list({}, { select: ["nickname"] });
  // @ts-expect-error: not a direction
  await db.list({}, { order: { email: "UP" } });

  // Transactions: a context as the last argument of any method.
  const result = await db.transaction(async (ctx) => {
    same<typeof ctx, TransactionContext>(true);
    await db.create({ email: "t@example.com" }, ctx);
    await db.list(undefined, undefined, ctx);
    return 42;
  }, { timeoutMs: 1000 });
  same<typeof result, number>(true);
  const medusaContext: Context = { transactionId: "tx_1" };
  await db.retrieve("cus_1", null, medusaContext);
  await db.list({}, null, { timeoutMs: 5000 });

  // Beyond the module.
  same<Awaited<ReturnType<typeof db.ping>>, "pong">(true);
  same<Awaited<ReturnType<typeof db.stats>>, StoreStats>(true);
  expectType<{ sequence: number }>(await db.mark());
  expectType<{ restored: number }>(await db.rewind());
  expectType<{ erased: number }>(await db.clear());
  expectType<string[]>(await db.call<string[]>("list", [{}]));

  try {
    await db.retrieve("cus_nope");
  } catch (error) {
    if (error instanceof CustomerDbError) expectType<[string, string, number]>([error.type, error.message, error.code]);
  }
}

export async function checksV2(db: CustomerDb): Promise<void> {
  const v2 = db.v2;
  expectType<CustomerDbV2>(v2);
  expectType<CustomerModuleServiceV2>(v2);
  expectType<CustomerDb>(v2.db);
  same<keyof typeof V2_METHODS, V2MethodName>(true);
  same<(typeof V2_WIRE_NAMES)["listCustomers"], "v2.listCustomers">(true);

  // One input gives one DTO, a list gives a list.
  const one = await v2.createCustomers({ email: "a@example.com", has_account: true, addresses: [{ city: "Oslo" }] });
  same<typeof one, V2.CustomerDTO>(true);
  const many = await v2.createCustomers([{ email: "a@example.com" }]);
  same<typeof many, V2.CustomerDTO[]>(true);
  same<Awaited<ReturnType<typeof v2.retrieveCustomer>>, V2.CustomerDTO>(true);
  same<typeof one.addresses, V2.CustomerAddressDTO[] | undefined>(true);
  const updatedOne = await v2.updateCustomers("cus_1", { metadata: { removed: "" } });
  same<typeof updatedOne, V2.CustomerDTO>(true);
  const updatedMany = await v2.updateCustomers(["cus_1"], { first_name: null });
  same<typeof updatedMany, V2.CustomerDTO[]>(true);
  const bySelector = await v2.updateCustomers({ email: { $like: "%@x.com" } }, { first_name: null });
  same<typeof bySelector, V2.CustomerDTO[]>(true);
  const page = await v2.listAndCountCustomers({ q: "ann smith" }, { select: ["email"], skip: 10 });
  same<typeof page, [V2.CustomerDTO[], number]>(true);
  same<Awaited<ReturnType<typeof v2.deleteCustomers>>, void>(true);
  same<Awaited<ReturnType<typeof v2.softDeleteCustomers>>, Record<string, string[]>>(true);
  same<Awaited<ReturnType<typeof v2.restoreCustomers>>, LinkableKeys>(true);

  const group = await v2.createCustomerGroups({ name: "VIP" });
  same<typeof group, V2.CustomerGroupDTO>(true);
  same<Awaited<ReturnType<typeof v2.createCustomerGroups>>, V2.CustomerGroupDTO>(true);
  same<Awaited<ReturnType<typeof v2.listCustomerGroups>>, V2.CustomerGroupDTO[]>(true);
  const address = await v2.createCustomerAddresses({ customer_id: "cus_1", city: "Oslo" });
  same<typeof address, V2.CustomerAddressDTO>(true);
  same<typeof address.deleted_at, string | null>(true);
  same<NonNullable<typeof one.addresses>[number]["deleted_at"], string | null>(true);
  same<Awaited<ReturnType<typeof v2.retrieveCustomerAddress>>, V2.CustomerAddressDTO>(true);
  const addresses = await v2.createCustomerAddresses([{ customer_id: "cus_1" }]);
  same<typeof addresses, V2.CustomerAddressDTO[]>(true);
  const membership = await v2.addCustomerToGroup({ customer_id: "cus_1", customer_group_id: group.id });
  same<typeof membership, { id: string }>(true);
  const memberships = await v2.listCustomerGroupCustomers({ customer_group_id: group.id });
  same<typeof memberships, V2.CustomerGroupCustomerDTO[]>(true);
  same<typeof memberships[number]["deleted_at"], string | null>(true);
  // Addresses are soft-deletable: the two methods take ids, a config and a context.
  const softDeleted = await v2.softDeleteCustomerAddresses([address.id], { returnLinkableKeys: ["customer_address_id"] });
  same<typeof softDeleted, LinkableKeys>(true);
  same<Awaited<ReturnType<typeof v2.restoreCustomerAddresses>>, LinkableKeys>(true);
  await v2.restoreCustomerAddresses(address.id, null, { transactionId: "tx_1" });
  await v2.listCustomerAddresses({ deleted_at: { $ne: null } }, { withDeleted: true, select: ["deleted_at"] });
  // Or a selector, as Medusa v2 takes a filter object; a filter of addresses.
  await v2.softDeleteCustomerAddresses({ customer_id: "cus_1" });
  // @ts-expect-error: not a field of an address
  await v2.restoreCustomerAddresses({ nickname: "x" });
  // The generated membership methods.
  const retrieved = await v2.retrieveCustomerGroupCustomer(membership.id, { select: ["customer.email"], relations: ["customer"] });
  same<typeof retrieved, V2.CustomerGroupCustomerDTO>(true);
  same<typeof retrieved.customer, V2.CustomerDTO | null | undefined>(true);
  const membershipPage = await v2.listAndCountCustomerGroupCustomers({ customer_id: "cus_1" }, { take: 10, withDeleted: true });
  same<typeof membershipPage, [V2.CustomerGroupCustomerDTO[], number]>(true);
  same<Awaited<ReturnType<typeof v2.deleteCustomerGroupCustomers>>, void>(true);
  await v2.deleteCustomerGroupCustomers({ customer_group_id: group.id });
  await v2.deleteCustomerGroupCustomers([membership.id], { transactionId: "tx_1" });
  const softDeletedMemberships = await v2.softDeleteCustomerGroupCustomers(membership.id, {
    returnLinkableKeys: ["customer_group_customer_id"],
  });
  same<typeof softDeletedMemberships, LinkableKeys>(true);
  same<Awaited<ReturnType<typeof v2.restoreCustomerGroupCustomers>>, LinkableKeys>(true);
  await v2.restoreCustomerGroupCustomers([membership.id], null, { transactionId: "tx_1" });
  await v2.softDeleteCustomerGroupCustomers({ customer_id: "cus_1" });
  // @ts-expect-error: not a field of a membership
  await v2.listAndCountCustomerGroupCustomers({}, { select: ["email"] });

  // @ts-expect-error: a group's name is required in v2
  await v2.createCustomerGroups({ metadata: {} });
  // @ts-expect-error: a group's name cannot be cleared
  await v2.updateCustomerGroups("cusgroup_1", { name: null });
  // @ts-expect-error: not a v2 method (v1's name)
  await v2.create({ email: "a@example.com" });
  // @ts-expect-error: not a field of CreateCustomerDTO
  await v2.createCustomers({ nickname: "x" });
  // @ts-expect-error: customer_id is required
  await v2.createCustomerAddresses({ city: "Oslo" });
  // @ts-expect-error: not a field of Customer
  await v2.listCustomers({}, { select: ["nickname"] });

  // Transactions: the client's, with a context as the last argument of any v2 method.
  await db.transaction(async (ctx) => {
    await v2.createCustomers({ email: "t@example.com" }, ctx);
    await v2.listCustomers(undefined, undefined, ctx);
  });
  const medusaContext: Context = { transactionId: "tx_1" };
  await v2.retrieveCustomer("cus_1", null, medusaContext);
}

export async function start(): Promise<void> {
  const db = await CustomerDb.start({ program: "/usr/local/bin/customerdb", data: "data", args: ["--fsync", "no"] });
  expectType<{ code: number | null; signal: string | null }>(await db.close());
  const fixture: CustomerDbFixture = useCustomerDb({ setup: (d) => d.create({ email: "a@example.com" }) });
  expectType<CustomerDb>(fixture.db);
  expectType<CustomerModuleServiceV2>(fixture.db.v2);
}
