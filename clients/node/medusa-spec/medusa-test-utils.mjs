// A stand-in for medusa-test-utils' moduleIntegrationTestRunner: instead of booting the module
// on a fresh PostgreSQL schema for every test, it hands the spec's `testSuite` a customerdb
// client (the package's CustomerDb) as `service`, through the package's own test helper: one
// store for the file, rewound to the empty store after every test, as Medusa's runner drops its
// schema after each one. The hooks are the Jest globals jest-globals.mjs defines.
import { useCustomerDb } from "customerdb/testing";

export function moduleIntegrationTestRunner({ moduleName, testSuite }) {
  describe(`${moduleName} module on customerdb`, () => {
    const fixture = useCustomerDb({ stderr: "inherit" });
    // Method calls go to the running client; the spec takes `service` before the store starts.
    const service = new Proxy(
      {},
      {
        get(_, name) {
          return (...args) => fixture.db[name](...args);
        },
      },
    );
    testSuite({ service, MikroOrmWrapper: undefined, medusaApp: undefined });
  });
}
