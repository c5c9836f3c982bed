// Type checks of the package's declarations, as a TypeScript program sees them through the
// package's exports (run by scripts/test.sh with `tsc -p test/tsconfig.json`; nothing runs).
// Without @types/node: the declarations need nothing of Node's.
import {
  CustomerDb,
  CustomerDbError,
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

export async function start(): Promise<void> {
  const db = await CustomerDb.start({ program: "/usr/local/bin/customerdb", data: "data", args: ["--fsync", "no"] });
  expectType<{ code: number | null; signal: string | null }>(await db.close());
  const fixture: CustomerDbFixture = useCustomerDb({ setup: (d) => d.create({ email: "a@example.com" }) });
  expectType<CustomerDb>(fixture.db);
}
