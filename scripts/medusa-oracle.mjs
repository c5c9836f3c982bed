// Driver for scripts/medusa-oracle (see there): boots Medusa's published Customer Module from an
// npm install folder outside this repository, runs a JSON list of calls, prints one JSON line each.
// Usage (normally through scripts/medusa-oracle): node medusa-oracle.mjs NODE_DIR CALLS.json
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

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

// "$name" or "$name.a.0.b" in params: that part of the result of the call labelled "name".
const labels = {};
function resolve(value) {
  if (typeof value === "string" && /^\$[A-Za-z_]\w*(\.[\w-]+)*$/.test(value)) {
    const [name, ...path] = value.slice(1).split(".");
    if (!(name in labels)) throw new Error(`unknown label $${name}`);
    return path.reduce((v, k) => (v == null ? v : v[k]), labels[name]);
  }
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

let i = 0;
for (const call of calls) {
  const line = { i: i++ };
  try {
    let result;
    if (call.sql !== undefined) {
      line.sql = call.sql;
      const r = await sqlClient.query(call.sql);
      result = r.rows ?? null;
    } else {
      line.method = call.method;
      if (typeof service[call.method] !== "function") {
        throw new Error(`the module has no method ${call.method}`);
      }
      const params = resolve(call.params ?? []);
      result = await service[call.method](...params);
    }
    if (call.as) labels[call.as] = JSON.parse(JSON.stringify(result ?? null));
    line.result = result === undefined ? null : result;
  } catch (err) {
    line.error = {
      type: err?.type ?? null,
      name: err?.constructor?.name ?? typeof err,
      message: err?.message ?? String(err),
    };
    if (err?.code) line.error.code = err.code;
    if (err?.detail) line.error.detail = err.detail;
  }
  out(line);
}

await sqlClient.end();
process.exit(0); // the module keeps its pool open
