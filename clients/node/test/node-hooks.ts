// Type check: node:test's hook functions fit useCustomerDb's options (with Node's types).
import { after, afterEach, before } from "node:test";
import { useCustomerDb, type CustomerDbFixture } from "customerdb/testing";

export const store: CustomerDbFixture = useCustomerDb({ before, after, afterEach });
