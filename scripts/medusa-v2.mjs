// Boots Medusa v2's published Customer Module (@medusajs/customer 2.x, installed by
// scripts/medusa-oracle --v2 or scripts/medusa-diff into a folder outside this repository) on
// the throwaway PostgreSQL cluster those scripts start, through Medusa's own
// moduleIntegrationTestRunner (@medusajs/test-utils) with a small stand-in for jest's globals.
// The runner is given the module's migrations folder, so the tables are the production schema
// (the module's migrations), not a schema generated from the models.
//
// Used by scripts/medusa-oracle-v2.mjs and scripts/medusa-diff.mjs; nothing here is Medusa's code.
import { createRequire } from "node:module";

// The four tables, children first (for clearing them between call sequences).
export const TABLES = ["customer_group_customer", "customer_address", "customer", "customer_group"];

// bootMedusaV2({nodeDir, socketDir, database, verbose, monotonicIds}) -> {service, sql, clear, close}
//   nodeDir       the npm install folder (holds node_modules/@medusajs/...)
//   socketDir     the PostgreSQL cluster's unix socket folder (port 5432, user postgres)
//   monotonicIds  make the ULIDs Medusa generates monotonic within a millisecond (see below)
export async function bootMedusaV2({
  nodeDir,
  socketDir,
  database = "medusa_oracle_v2",
  verbose = false,
  monotonicIds = false,
}) {
  const require = createRequire(`${nodeDir}/package.json`);

  // The module's own logging (and the runner's "Error initializing link modules", which looks
  // for @medusajs/medusa, an application package this module does not need) goes to stderr
  // when verbose, else nowhere: stdout belongs to the caller.
  for (const k of ["log", "info", "warn", "debug", "error"]) {
    console[k] = verbose ? (...a) => process.stderr.write(a.map(String).join(" ") + "\n") : () => {};
  }
  process.env.LOG_LEVEL = verbose ? "info" : "error";

  // Medusa names rows `<prefix>_<ULID>` with ulid's plain `ulid()`: random within a
  // millisecond, so rows created in one call sort by id in a random order. With monotonicIds,
  // `ulid` (looked up at each call by Medusa's generateEntityId) becomes ulid's own
  // monotonicFactory: ids keep their format and time part, and sort in creation order, as
  // customerdb's do (docs/medusa-compatibility.md, D15).
  if (monotonicIds) {
    const utilsRequire = createRequire(require.resolve("@medusajs/utils"));
    const ulidModule = utilsRequire("ulid");
    ulidModule.ulid = ulidModule.monotonicFactory();
    const { generateEntityId } = require("@medusajs/framework/utils");
    const sample = Array.from({ length: 50 }, () => generateEntityId(undefined, "cus"));
    if (sample.some((id, i) => i > 0 && !(sample[i - 1] < id))) {
      throw new Error("Medusa's generateEntityId did not take the monotonic ulid");
    }
  }

  // Enough of jest for moduleIntegrationTestRunner: describe runs its body at once, the hooks
  // are collected and run here, tests are not used.
  const hooks = { beforeAll: [], beforeEach: [], afterEach: [], afterAll: [] };
  const saved = {};
  for (const k of ["describe", "it", "test", ...Object.keys(hooks)]) saved[k] = globalThis[k];
  globalThis.describe = (_name, fn) => fn();
  globalThis.it = globalThis.test = () => {};
  for (const k of Object.keys(hooks)) globalThis[k] = (fn) => hooks[k].push(fn);

  // The runner builds postgres://postgres@<DB_HOST>:5432/<dbName>; an encoded socket folder as
  // the host makes the driver use the unix socket.
  process.env.DB_HOST = encodeURIComponent(socketDir);
  process.env.DB_USERNAME = "postgres";
  process.env.DB_PASSWORD = "";
  process.env.DB_PORT = "5432";

  // A database of its own, made afresh: the runner applies the migrations only when some are
  // pending, and otherwise builds the schema from the models (not the production schema).
  const pg = require("pg");
  const admin = new pg.Client({ host: socketDir, user: "postgres", database: "postgres" });
  await admin.connect();
  await admin.query(`drop database if exists "${database}" with (force)`);
  await admin.query(`create database "${database}"`);
  await admin.end();

  const { moduleIntegrationTestRunner } = require("@medusajs/test-utils");
  const { Modules } = require("@medusajs/framework/utils");
  const moduleDir = require.resolve("@medusajs/customer/package.json").replace(/\/package\.json$/, "");
  let service = null;
  moduleIntegrationTestRunner({
    moduleName: Modules.CUSTOMER,
    resolve: moduleDir,
    pathToMigrations: `${moduleDir}/dist/migrations`,
    dbName: database,
    testSuite: (options) => {
      service = options.service;
    },
  });
  for (const k of Object.keys(saved)) {
    if (saved[k] === undefined) delete globalThis[k];
    else globalThis[k] = saved[k];
  }
  // The runner exits with status 0 on SIGINT/SIGTERM; the callers handle signals themselves.
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");

  for (const f of hooks.beforeAll) await f();
  for (const f of hooks.beforeEach) await f(); // migrations, then the module

  const sqlClient = new pg.Client({ host: socketDir, user: "postgres", database });
  await sqlClient.connect();
  const tables = await sqlClient.query(
    "select table_name from information_schema.tables where table_schema = 'public' and table_name like 'customer%'"
  );
  if (tables.rows.length !== TABLES.length) {
    throw new Error(`the module's migrations made ${tables.rows.length} customer tables, not ${TABLES.length}`);
  }
  // The production schema: the migrations ran, the membership table has its foreign keys, and
  // the default-address indexes count soft-deleted addresses (the model schema differs in both).
  const applied = await sqlClient.query("select count(*)::int as n from mikro_orm_migrations");
  const fks = await sqlClient.query(
    "select count(*)::int as n from pg_constraint where conrelid = 'customer_group_customer'::regclass and contype = 'f'"
  );
  const defaults = await sqlClient.query(
    "select indexdef from pg_indexes where indexname = 'IDX_customer_address_unique_customer_shipping'"
  );
  if (applied.rows[0].n === 0 || fks.rows[0].n !== 2 || /deleted_at/.test(defaults.rows[0]?.indexdef ?? "deleted_at")) {
    throw new Error("the module's tables are not the production schema (its migrations did not build them)");
  }

  return {
    service,
    // Raw SQL on the module's database; several statements give an array of results.
    sql: (text, values) => sqlClient.query(text, values),
    // Empties the four tables (faster than a new database per call sequence).
    clear: () => sqlClient.query(TABLES.map((t) => `delete from "${t}";`).join(" ")),
    close: async () => {
      await sqlClient.end();
      for (const f of [...hooks.afterEach, ...hooks.afterAll]) {
        await f().catch((err) => verbose && process.stderr.write(`medusa-v2: shutdown: ${err?.message ?? err}\n`));
      }
    },
  };
}
