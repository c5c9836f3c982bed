// Driver for scripts/medusa-oracle --v2 (see there): boots Medusa v2's published Customer Module
// (scripts/medusa-v2.mjs) from an npm install folder outside this repository, runs a JSON list
// of calls, prints one JSON line each.
// Usage (normally through scripts/medusa-oracle --v2): node medusa-oracle-v2.mjs NODE_DIR CALLS.json
import { readFileSync } from "node:fs";
import { bootMedusaV2 } from "./medusa-v2.mjs";

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
      const r = await medusa.sql(call.sql);
      result = r.rows ?? null;
    } else {
      line.method = call.method;
      const name = String(call.method).replace(/^v2\./, "");
      if (typeof service[name] !== "function") {
        throw new Error(`the module has no method ${name}`);
      }
      const params = resolve(call.params ?? []);
      result = await service[name](...params);
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

await medusa.close();
process.exit(0); // the module keeps its pool open
