// Driver for scripts/medusa-oracle --v2 (see there): boots Medusa v2's published Customer Module
// (scripts/medusa-v2.mjs) from an npm install folder outside this repository, runs a JSON list
// of calls, prints one JSON line each.
// Usage (normally through scripts/medusa-oracle --v2): node medusa-oracle-v2.mjs NODE_DIR CALLS.json
import { readFileSync } from "node:fs";
import { bootMedusaV2 } from "./medusa-v2.mjs";
import { runCalls } from "./medusa-calls.mjs";

const [nodeDir, callsFile] = process.argv.slice(2);
const verbose = process.env.MEDUSA_ORACLE_VERBOSE === "1";
const write = process.stdout.write.bind(process.stdout);
const out = (obj) => write(JSON.stringify(obj) + "\n");

const calls = JSON.parse(readFileSync(callsFile, "utf8"));
if (!Array.isArray(calls)) throw new Error("the calls must be a JSON array");

const medusa = await bootMedusaV2({
  nodeDir,
  socketDir: process.env.MEDUSA_ORACLE_PG_SOCKET,
  database: "medusa_oracle_v2",
  verbose,
});
const service = medusa.service;

await runCalls(calls, {
  service,
  sql: (text) => medusa.sql(text),
  out,
  methodName: (m) => m.replace(/^v2\./, ""),
});

await medusa.close();
process.exit(0); // the module keeps its pool open
