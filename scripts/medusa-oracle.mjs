// Driver for scripts/medusa-oracle (see there): boots Medusa's published Customer Module from an
// npm install folder outside this repository, runs a JSON list of calls, prints one JSON line each.
// Usage (normally through scripts/medusa-oracle): node medusa-oracle.mjs NODE_DIR CALLS.json
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { runCalls } from "./medusa-calls.mjs";

const [nodeDir, callsFile] = process.argv.slice(2);
const require = createRequire(`${nodeDir}/package.json`);
const verbose = process.env.MEDUSA_ORACLE_VERBOSE === "1";

// stdout carries only the JSON lines; the module's own logging goes to stderr (or nowhere).
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
for (const k of ["log", "info", "warn", "debug"]) {
  console[k] = verbose ? (...a) => process.stderr.write(a.join(" ") + "\n") : () => {};
}
const logger = Object.fromEntries(
  ["info", "warn", "error", "debug", "log"].map((k) => [k, console[k === "error" ? "log" : k]])
);

const calls = JSON.parse(readFileSync(callsFile, "utf8"));
if (!Array.isArray(calls)) throw new Error("the calls must be a JSON array");

const socketDir = process.env.MEDUSA_ORACLE_PG_SOCKET;
const database = {
  clientUrl: "postgres://postgres@localhost/postgres",
  schema: "public",
  driverOptions: { connection: { ssl: false, host: socketDir } },
};

const customer = require("@medusajs/customer");
const pg = require("pg");

const sqlClient = new pg.Client({ host: socketDir, user: "postgres", database: "postgres" });
await sqlClient.connect();

await customer.runMigrations({ options: { database }, logger });
const tables = await sqlClient.query(
  "select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name like 'customer%'"
);
if (tables.rows[0].n < 4) {
  process.stderr.write("medusa-oracle: the module's migrations did not create its tables\n");
  process.exit(1);
}
const service = await customer.initialize({ database }, { logger });

await runCalls(calls, { service, sql: (text) => sqlClient.query(text), out });

await sqlClient.end();
process.exit(0); // the module keeps its pool open
