// Checks that the tables `customerdb pg export` creates are the tables Medusa's own migrations
// create: for each schema generation, Medusa's published migrations of the customer module are
// run into one database and customerdb's DDL into another, and their columns (order, type,
// null, default), indexes and constraints are compared. Run by scripts/medusa-diff before its
// call sequences; the migrations are Medusa's published files, read from the npm install, not
// kept here.
//
//   node medusa-ddl-check.mjs --node-dir DIR --socket DIR --customerdb PATH
//
// "May 2024" is the migrations through 2024-05-24 (the release whose interface customer_module
// keeps); "v2" is all of them. Exits 1 on a difference, printing it.
import { createRequire } from "module";
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
if (!args["node-dir"] || !args.socket || !args.customerdb) {
  console.error("usage: node medusa-ddl-check.mjs --node-dir DIR --socket DIR --customerdb PATH");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(args["node-dir"]), "package.json"));
const { Client } = require("pg");
const migrationsDir = path.join(path.dirname(require.resolve("@medusajs/customer/package.json")), "dist/migrations");

// Medusa's migrations' statements, in order, through `last` (a migration's timestamp) or all.
async function migrationStatements(last) {
  const files = fs.readdirSync(migrationsDir).filter((f) => /^Migration\d+\.js$/.test(f)).sort();
  const statements = [];
  for (const f of files) {
    if (last && f.slice("Migration".length, -3) > last) continue;
    const Migration = Object.values(require(path.join(migrationsDir, f))).find((v) => typeof v === "function");
    const m = new Migration({ config: { get: () => undefined } }, { get: () => undefined });
    await m.up();
    for (const q of m.getQueries()) statements.push(typeof q === "string" ? q : q.sql);
  }
  return statements;
}

const connect = async (database) => {
  const c = new Client({ host: args.socket, user: "postgres", database });
  await c.connect();
  return c;
};

// The four tables' columns, indexes and constraints, as sorted lines.
async function describe(database) {
  const c = await connect(database);
  const tables = "('customer', 'customer_group', 'customer_address', 'customer_group_customer')";
  const lines = [];
  for (const r of (await c.query(
    `select table_name, ordinal_position, column_name, data_type, is_nullable, column_default
       from information_schema.columns where table_schema = 'public' and table_name in ${tables}`)).rows)
    lines.push(`column ${r.table_name} #${r.ordinal_position} ${r.column_name} ${r.data_type} ` +
               `null=${r.is_nullable} default=${r.column_default}`);
  for (const r of (await c.query(
    `select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ${tables}`)).rows)
    lines.push(`index ${r.tablename} ${r.indexname}: ${r.indexdef}`);
  for (const r of (await c.query(
    `select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def from pg_constraint
       where conrelid::regclass::text in ${tables}`)).rows)
    lines.push(`constraint ${r.t} ${r.conname}: ${r.def}`);
  await c.end();
  return lines.sort();
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "medusa-ddl-check-"));
let failed = false;
try {
  fs.writeFileSync(path.join(work, "empty.jsonl"), "");
  execFileSync(args.customerdb, ["import", path.join(work, "empty.jsonl"), "--data", path.join(work, "empty")], { stdio: "pipe" });
  const admin = await connect("postgres");
  for (const [generation, flag, last] of [["May 2024", "may-2024", "20240524999999"], ["v2", "v2", null]]) {
    const medusaDb = `ddl_medusa_${flag.replace("-", "_")}`;
    const ourDb = `ddl_customerdb_${flag.replace("-", "_")}`;
    await admin.query(`drop database if exists ${medusaDb}`);
    await admin.query(`drop database if exists ${ourDb}`);
    await admin.query(`create database ${medusaDb}`);
    await admin.query(`create database ${ourDb}`);
    const medusa = await connect(medusaDb);
    for (const sql of await migrationStatements(last)) await medusa.query(sql);
    await medusa.end();
    execFileSync(args.customerdb, ["pg", "export", "--url", `host=${args.socket} dbname=${ourDb} user=postgres`,
      "--data", path.join(work, "empty"), "--create", flag], { stdio: "pipe" });
    const theirs = await describe(medusaDb);
    const ours = await describe(ourDb);
    const missing = theirs.filter((l) => !ours.includes(l));
    const extra = ours.filter((l) => !theirs.includes(l));
    if (missing.length || extra.length) {
      failed = true;
      console.error(`medusa-ddl-check: ${generation}: customerdb's tables differ from Medusa's migrations'`);
      for (const l of missing) console.error(`  only Medusa's: ${l}`);
      for (const l of extra) console.error(`  only customerdb's: ${l}`);
    } else {
      console.error(`medusa-ddl-check: ${generation}: the same ${theirs.length} columns, indexes and constraints`);
    }
  }
  await admin.end();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
