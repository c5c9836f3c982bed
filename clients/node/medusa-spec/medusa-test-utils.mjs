// A stand-in for medusa-test-utils' moduleIntegrationTestRunner: instead of booting the module
// on a fresh PostgreSQL schema for every test, it hands the spec's `testSuite` a customerdb
// client (the package's CustomerDb) as `service`, started once for the file and rewound to the
// empty store after every test, as Medusa's runner drops its schema after each one.
import { CustomerDbFixture } from "customerdb/testing";

export function moduleIntegrationTestRunner({ moduleName, testSuite }) {
  const fixture = new CustomerDbFixture({ stderr: "inherit" });
  // Method calls go to the running client; the spec takes `service` before the store starts.
  const service = new Proxy(
    {},
    {
      get(_, name) {
        return (...args) => fixture.db[name](...args);
      },
    },
  );
  describe(`${moduleName} module on customerdb`, () => {
    beforeAll(async () => {
      await fixture.start();
    });
    afterEach(async () => {
      await fixture.reset();
    });
    afterAll(async () => {
      await fixture.stop();
    });
    testSuite({ service, MikroOrmWrapper: undefined, medusaApp: undefined });
  });
}
