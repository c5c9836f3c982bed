// A stand-in for Medusa's moduleIntegrationTestRunner (medusa-test-utils in v1,
// @medusajs/test-utils in v2): instead of booting the module on a fresh PostgreSQL schema for
// every test, it hands the spec's `testSuite` a customerdb client as `service`, through the
// package's own test helper: one store for the file, rewound to the empty store after every
// test, as Medusa's runner drops its schema after each one. The service is the module's v1
// interface (the package's CustomerDb) or its v2 one (`db.v2`), as run.sh says in
// CUSTOMERDB_SPEC_INTERFACE. The hooks are the Jest globals jest-globals.mjs defines.
import { useCustomerDb } from "customerdb/testing";

export function moduleIntegrationTestRunner({ moduleName, testSuite }) {
  const v2 = process.env.CUSTOMERDB_SPEC_INTERFACE === "v2";
  describe(`${moduleName} module on customerdb${v2 ? " (v2)" : ""}`, () => {
    const fixture = useCustomerDb({ stderr: "inherit" });
    // Method calls go to the running client; the spec takes `service` before the store starts.
    const service = new Proxy(
      {},
      {
        get(_, name) {
          return (...args) => (v2 ? fixture.db.v2 : fixture.db)[name](...args);
        },
      },
    );
    testSuite({ service, MikroOrmWrapper: undefined, medusaApp: undefined });
  });
}
