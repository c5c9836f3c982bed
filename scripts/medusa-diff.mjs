// Differential test of customerdb's v2 methods against Medusa v2's published Customer Module.
// Run it through scripts/medusa-diff (which installs the module outside this repository and
// starts a throwaway PostgreSQL); docs/medusa-compatibility.md, "Differential test against
// Medusa v2", describes what it compares and every normalisation rule.
//
// Each call sequence is generated from the seed (and the sequence's number), one call at a
// time, from the state both sides agree on so far. Each call goes to Medusa's module and to
// `customerdb rpc` (as v2.<name>); their answers are compared, and after every write the whole
// state (all four tables, soft-deleted rows included) is compared too. Ids are compared by
// creation order (the n-th customer each side created is cus#n), timestamps as "a timestamp or
// null" (and whether a write changed them). A difference in an answer is counted and the
// sequence goes on; a difference in the state (other than in timestamps) ends the sequence.
//
// Only Node's built-ins on this side; Medusa's packages come from the install folder.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { readFileSync, writeFileSync } from "node:fs";
import { bootMedusaV2, TABLES } from "./medusa-v2.mjs";

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node medusa-diff.mjs --node-dir DIR --socket DIR --customerdb PATH [options]
  --seed S            seed of the call sequences (default: 1)
  --sequences N       number of sequences (default: 50)
  --start K           number of the first sequence (default: 0)
  --only K            run sequence K alone, printing each call (to replay a difference)
  --calls FILE        run the calls of FILE (a JSON array of {"method", "params"}, v2 names,
                      ids written as cus#1, cusgroup#2, ... by creation order) on both sides,
                      printing each call
  --min-calls N       fewest calls in a sequence (default: 4)
  --max-calls N       most calls in a sequence (default: 30)
  --minutes M         start no new sequence after M minutes
  --report FILE       also write the report as JSON
  --examples N        examples kept per kind of difference (default: 1)
  --verbose           the module's logs on stderr`;

function parseArgs(argv) {
  const o = {
    seed: "1", sequences: 50, start: 0, only: null, minCalls: 4, maxCalls: 30, minutes: null,
    report: null, examples: 1, verbose: false, nodeDir: null, socket: null, customerdb: null, calls: null,
  };
  const num = (v, name) => {
    if (!/^\d+(\.\d+)?$/.test(v ?? "")) throw new Error(`${name} needs a number`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case "--seed": o.seed = String(next()); break;
      case "--sequences": o.sequences = num(next(), a); break;
      case "--start": o.start = num(next(), a); break;
      case "--only": o.only = num(next(), a); break;
      case "--min-calls": o.minCalls = num(next(), a); break;
      case "--max-calls": o.maxCalls = num(next(), a); break;
      case "--minutes": o.minutes = num(next(), a); break;
      case "--report": o.report = next(); break;
      case "--calls": o.calls = next(); break;
      case "--examples": o.examples = num(next(), a); break;
      case "--verbose": o.verbose = true; break;
      case "--node-dir": o.nodeDir = next(); break;
      case "--socket": o.socket = next(); break;
      case "--customerdb": o.customerdb = next(); break;
      case "-h": case "--help": process.stdout.write(USAGE + "\n"); process.exit(0);
      default: throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (!o.nodeDir || !o.socket || !o.customerdb) throw new Error(USAGE);
  if (o.maxCalls < o.minCalls) throw new Error("--max-calls is below --min-calls");
  return o;
}

// ---------------------------------------------------------------------------------------------
// Random numbers: sfc32 seeded from a string hash, so that a sequence is replayable alone.

function makeRng(seedText) {
  let h = 1779033703 ^ seedText.length;
  for (let i = 0; i < seedText.length; i++) {
    h = Math.imul(h ^ seedText.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next32 = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next32(), b = next32(), c = next32(), d = next32();
  const u32 = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  const r = {
    float: () => u32() / 4294967296,
    int: (n) => Math.floor(r.float() * n), // 0..n-1
    range: (lo, hi) => lo + r.int(hi - lo + 1),
    chance: (p) => r.float() < p,
    pick: (arr) => arr[r.int(arr.length)],
    // weights: [[weight, value], ...]
    weighted: (pairs) => {
      const total = pairs.reduce((s, [w]) => s + w, 0);
      let x = r.float() * total;
      for (const [w, v] of pairs) if ((x -= w) < 0) return v;
      return pairs[pairs.length - 1][1];
    },
    subset: (arr, max = arr.length) => {
      const copy = [...arr];
      const out = [];
      const n = r.range(1, Math.min(max, copy.length));
      for (let i = 0; i < n; i++) out.push(copy.splice(r.int(copy.length), 1)[0]);
      return out;
    },
  };
  for (let i = 0; i < 8; i++) u32();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Ids: generated ids are `<prefix>_<26 Crockford base-32 digits>`; each side's are mapped to
// logical ids `<prefix>#<n>`, n counting the rows of that kind the sequence created, in id order
// (= creation order on both sides; Medusa's ids are made monotonic, D15).

const PREFIXES = ["cusgroup", "cuaddr", "cusgc", "cus"];
const GENERATED_ID = /\b(cusgroup|cuaddr|cusgc|cus)_[0-9A-HJKMNP-TV-Z]{26}\b/g;
const ONE_GENERATED_ID = /^(cusgroup|cuaddr|cusgc|cus)_[0-9A-HJKMNP-TV-Z]{26}$/;
const LOGICAL_ID = /^(cusgroup|cuaddr|cusgc|cus)#\d+$/;
const TABLE_PREFIX = {
  customer: "cus", customer_group: "cusgroup", customer_address: "cuaddr", customer_group_customer: "cusgc",
};

class IdMap {
  constructor() {
    this.toLogical = new Map();
    this.toReal = new Map();
    this.counts = Object.fromEntries(PREFIXES.map((p) => [p, 0]));
  }
  // Maps the ids not seen before, each kind in id order.
  learn(ids) {
    const fresh = [...new Set(ids)].filter((id) => !this.toLogical.has(id)).sort();
    for (const id of fresh) {
      const prefix = id.slice(0, id.indexOf("_"));
      const logical = `${prefix}#${++this.counts[prefix]}`;
      this.toLogical.set(id, logical);
      this.toReal.set(logical, id);
    }
  }
  // Logical ids in generated params -> this side's ids.
  real(value) {
    if (typeof value === "string") {
      if (LOGICAL_ID.test(value)) {
        const id = this.toReal.get(value);
        if (id === undefined) throw new Error(`the generator used ${value}, which this side does not have`);
        return id;
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => this.real(v));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.real(v)]));
    }
    return value;
  }
  // This side's ids inside any string -> logical ids.
  logicalText(text) {
    return text.replace(GENERATED_ID, (id, prefix) => this.toLogical.get(id) ?? `${prefix}#new`);
  }
}

// ---------------------------------------------------------------------------------------------
// Normalisation. Every rule that makes two answers comparable is named here and counted in the
// report; each names the decision (docs/medusa-compatibility.md) it comes from.

const RULES = {
  "ids": "ids compared by creation order (the n-th row of a kind each side created is <prefix>#n); Medusa's ULIDs made monotonic (D15)",
  "timestamps": "created_at/updated_at/deleted_at compared as 'a timestamp' or null; in the state also whether the write changed them (D14)",
  "D8": "createCustomers results: `addresses` and `groups` left out on both sides (Medusa: always []; customerdb: the created addresses)",
  "D9": "default_billing_address_id / default_shipping_address_id left out of customerdb's customers (Medusa has no such fields)",
  "D13": "items of loaded relations (groups, addresses, customers) sorted by logical id (Medusa's order is unspecified)",
  "update-stubs": "the {id} stub `customer` Medusa adds to updateCustomerAddresses results left out, also when it names the address's customer before the update (v2 table: Update results)",
  "read-stubs": "{id} stubs of to-one relations not asked for (`customer`, `customer_group` of addresses and memberships) left out of Medusa's reads (Reads table: To-one relations not loaded)",
  "D22": "Medusa's {id} stub for a to-one relation asked for whose row is hidden (soft-deleted) compared as null (D22)",
  "softdelete-order": "id lists of softDelete*/restore* results sorted (Writes table: softDelete / restore results, order of the database fetch)",
  "D11-plain-errors": "Medusa's plain Errors (no type: Error, ValidationError, DriverException, ...) compared as invalid_data (D11, D18)",
  "D11-first-line": "only the first line of a Medusa message compared (a ValidationError appends a dump of the entity)",
  "shared-rows": "relations not asked for (by `relations` or a dotted `select`) that Medusa fills with rows another path of the same call loaded, left out of Medusa's answers (v2 table: Relations loaded through two paths)",
  "dotted-to-one-null": "the `null` Medusa answers for a to-one relation named only by a dotted select with withDeleted, left out (v2 table: A dotted select with withDeleted)",
  "name-null": "createCustomerGroups with a null name: Medusa's `'null' found` compared as customerdb's `'undefined' found` (v2 table: A null group name at create)",
  "unique-row-order": "a unique violation among several rows of one update or restore: which row is named is compared by shape only (v2 table: Which row a unique violation names)",
  "D22-hidden-key": "the key of a to-one relation asked for whose row is hidden (the relation is null) left out on both sides (Medusa answers it as null, contradicting the stored value: garbled)",
  "order-metadata-paged": "an order by metadata on a page (take or skip) of rows joined through a to-many relation: Medusa's `function min(jsonb) does not exist` compared by type with customerdb's invalid_data (Reads table: Order by metadata)",
  "not-operator": "an operator outside a field under $not: Medusa's `column c0.$in does not exist` compared by type with customerdb's invalid_data (Reads table: Operators outside a field)",
  "metadata-operand-type": "a metadata filter's operand of another type than the key's first operand, or a column's operand of another type than the column (a number against a timestamp, a string that reads as no boolean): Medusa's database error (`operator does not exist: text = integer`, `invalid input syntax for type double precision`) compared by type with customerdb's invalid_data (Reads table: metadata filters)",
  "metadata-keys-only": "$and, $or or an operator beside a key inside a metadata filter, $and/$or inside a key: Medusa's `Invalid query condition` compared by type with customerdb's invalid_data (Reads table: metadata filters)",
  "D26-not-in-field": "$not inside a field (a column or metadata): Medusa's `The operator \"not\" is not permitted` compared by type with customerdb's invalid_data (D26)",
  "group-operator-in-field": "$and/$or inside a column's filter: Medusa's `Using group operators ($and/$or) inside scalar properties is not allowed` compared by type with customerdb's invalid_data (Reads table: metadata filters)",
  "jsonb-operator": "a pattern operator on the metadata column: Medusa's `operator does not exist: jsonb ~~ unknown` compared by type with customerdb's invalid_data (Reads table: metadata filters)",
  "D12": "negative take/skip: customerdb's invalid_data `Invalid value for take: -1` compared by type with Medusa's raw driver errors, and accepted where Medusa answers (it does with a to-many relation filter)",
};

// What the generator never sends, with the decision behind each (listed in the report).
const AVOIDED = {
  "D4": "removeCustomerFromGroup([]) (Medusa deletes every live membership; customerdb nothing)",
  "D6": "addCustomerToGroup for a pair that already has a membership row, or twice in one call",
  "D9": "filters on default_*_address_id",
  "D11": "unknown keys in create/update data (v2 table: Unknown keys in create or update data)",
  "null-flags": "null for has_account / is_default_shipping / is_default_billing at create (v2 table: `null` for `has_account` or `is_default_*` at create)",
  "D16": "q words holding %, _ or \\ (Medusa: LIKE wildcards; customerdb: literal)",
  "D22": "relation paths back to the holder's type (customers.groups from a group, addresses.customer from a customer)",
  "D28/delete-selectors": "relation filters in delete selectors (Medusa: a database error; customerdb: works)",
  "D29": "unique values holding commas or parentheses (Medusa garbles its message)",
  "D30": "numeric metadata filters",
  "ties": "order without a final id key (Medusa's ties are in database order); order by timestamps (D14); order by a to-many relation's field",
  "case": "text outside ASCII (case folding and collation are the database's locale in Medusa)",
  "select": "a bare relation name in select (Reads table, select: customerdb loads the relation)",
  "batch-duplicate-ids": "one caller id on two rows of one create call (Medusa keeps one row and drops the other silently: garbled)",
  "shared-narrowed": "a dotted select narrowing a relation whose rows another path of the same call loads too (Medusa fills the narrowed rows in full from the other path: garbled)",
  "dotted-to-one-join": "a membership's dotted select through one to-one relation (customer.email) with `relations` naming only the other (customer_group), without withDeleted (Medusa drops the rows whose customer is soft-deleted: garbled, as or-to-one-join)",
  "or-to-one-join": "a filter through a to-one relation's fields (customer: {...}, customer_group: {...}) inside $or/$and (Medusa applies the joined row's soft-delete condition to the whole query, so a row another branch matches is dropped: garbled)",
  "delete-operand-types": "a hard delete's selector with a metadata operand of another type than the key's first (Medusa's delete binds the operands as text, where its reads fail; customerdb fails in both: Metadata filters table)",
  "metadata-batch": "metadata in an update of several rows, by ids or a selector (Medusa merges the stored keys of one row into the others: garbled)",
  "document-arrays-in-lists": "an array inside the $in/$nin list of the metadata column (Medusa's query builder writes it as a row constructor: a syntax error for an empty one; Metadata filters table)",
  "wire": "params of a wrong JSON type (D31: invalid_params), non-integer take/skip, non-string q",
};

const TS_KEYS = new Set(["created_at", "updated_at", "deleted_at"]);
const RELATION_LIST_KEYS = new Set(["groups", "addresses", "customers"]);

function logicalOrder(a, b) {
  const ka = typeof a?.id === "string" ? a.id : "";
  const kb = typeof b?.id === "string" ? b.id : "";
  const pa = LOGICAL_ID.test(ka), pb = LOGICAL_ID.test(kb);
  if (pa && pb) {
    const [xa, na] = ka.split("#"), [xb, nb] = kb.split("#");
    return xa === xb ? Number(na) - Number(nb) : xa < xb ? -1 : 1;
  }
  if (pa !== pb) return pa ? -1 : 1;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// Ids -> logical ids, timestamps masked, D9 and D13 (which apply to every answer).
function normalise(value, ids, side, used) {
  if (typeof value === "string") return ids.logicalText(value);
  if (Array.isArray(value)) return value.map((v) => normalise(v, ids, side, used));
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (TS_KEYS.has(k) && (v === null || typeof v === "string")) {
        out[k] = v === null ? null : "<timestamp>";
        continue;
      }
      if (side === "customerdb" && (k === "default_billing_address_id" || k === "default_shipping_address_id")) {
        used.add("D9");
        continue;
      }
      let n = normalise(v, ids, side, used);
      if (RELATION_LIST_KEYS.has(k) && Array.isArray(n) && n.length > 1) {
        const sorted = [...n].sort(logicalOrder);
        if (canon(sorted) !== canon(n)) used.add("D13");
        n = sorted;
      }
      out[k] = n;
    }
    return out;
  }
  return value;
}

// Whether a read's config has a negative take or skip (D12).
function negativePaging(params) {
  const config = params[1];
  return !!config && typeof config === "object" && (config.take < 0 || config.skip < 0);
}

// The to-one relations a call asked for (relations, or a dotted select path).
function requestedToOne(params) {
  const config = params[1];
  const out = new Set();
  if (config && typeof config === "object") {
    for (const path of [...(config.relations ?? []), ...(config.select ?? [])]) {
      const parts = String(path).split(".");
      if (parts.length > 1 || (config.relations ?? []).includes(path)) out.add(parts[0]);
    }
  }
  return out;
}

// The entity each read method answers with, and each entity's relations (name -> entity).
const ENTITY_OF_METHOD = [
  [/CustomerGroupCustomer/, "membership"], [/CustomerGroup/, "group"], [/CustomerAddress/, "address"], [/Customer/, "customer"],
];
const RELATIONS_OF = {
  customer: { groups: "group", addresses: "address" },
  group: { customers: "customer" },
  address: { customer: "customer" },
  membership: { customer: "customer", customer_group: "group" },
};

// Leaves out of Medusa's read answer the relations the call did not ask for (shared-rows), and
// the null of a to-one relation named only by a dotted select under withDeleted.
function stripUnasked(method, params, result, used) {
  const entity = ENTITY_OF_METHOD.find(([re]) => re.test(method))?.[1];
  const config = params[1] && typeof params[1] === "object" ? params[1] : {};
  const asked = new Set();
  const add = (path) => {
    const parts = String(path).split(".");
    for (let i = 1; i <= parts.length; i++) asked.add(parts.slice(0, i).join("."));
  };
  for (const r of config.relations ?? []) add(r);
  const dotted = new Set();
  for (const f of config.select ?? []) {
    const at = String(f).lastIndexOf(".");
    if (at > 0) dotted.add(String(f).slice(0, at));
  }
  if (!config.withDeleted) for (const d of dotted) add(d);
  const walk = (row, type, prefix) => {
    if (!row || typeof row !== "object") return;
    for (const [rel, target] of Object.entries(RELATIONS_OF[type] ?? {})) {
      if (!(rel in row)) continue;
      const path = prefix ? `${prefix}.${rel}` : rel;
      if (!asked.has(path)) {
        if (row[rel] === null && config.withDeleted && dotted.has(path)) used.add("dotted-to-one-null");
        else used.add("shared-rows");
        delete row[rel];
        continue;
      }
      for (const item of Array.isArray(row[rel]) ? row[rel] : [row[rel]]) walk(item, target, path);
    }
  };
  const rows = method.startsWith("listAndCount") ? (Array.isArray(result) ? result[0] : []) :
    Array.isArray(result) ? result : [result];
  for (const row of rows ?? []) walk(row, entity, "");
}

// Leaves out the key of a to-one relation answered as null (D22-hidden-key), on either side.
function dropHiddenKeys(method, result, used) {
  const rows = method.startsWith("listAndCount") ? (Array.isArray(result) ? result[0] : []) :
    Array.isArray(result) ? result : [result];
  for (const row of rows ?? []) {
    if (!row || typeof row !== "object") continue;
    for (const [rel, fk] of [["customer", "customer_id"], ["customer_group", "customer_group_id"]]) {
      if (row[rel] === null && fk in row) {
        used.add("D22-hidden-key");
        delete row[fk];
      }
    }
  }
}

// The rules that depend on the method.
function normaliseResult(method, params, result, side, used) {
  if (side === "medusa" && /^(list|listAndCount|retrieve)/.test(method)) stripUnasked(method, params, result, used);
  const out = normaliseByMethod(method, params, result, side, used);
  if (/^(list|listAndCount|retrieve)Customer(Address|GroupCustomer)/.test(method)) dropHiddenKeys(method, out, used);
  return out;
}

function normaliseByMethod(method, params, result, side, used) {
  if (method === "createCustomers") {
    const strip = (c) => {
      if (c && typeof c === "object") {
        if ("addresses" in c || "groups" in c) used.add("D8");
        const { addresses, groups, ...rest } = c;
        return rest;
      }
      return c;
    };
    return Array.isArray(result) ? result.map(strip) : strip(result);
  }
  if (side === "medusa" && (/^(list|listAndCount|retrieve)Customer(Address|GroupCustomer)/.test(method) ||
      method === "updateCustomerAddresses")) {
    // To-one relations Medusa fills in as {id} stubs.
    const requested = requestedToOne(params);
    const update = method === "updateCustomerAddresses";
    const rows = method.startsWith("listAndCount") ? (Array.isArray(result) ? result[0] : []) :
      Array.isArray(result) ? result : [result];
    for (const row of rows ?? []) {
      if (!row || typeof row !== "object") continue;
      for (const [rel, fk] of [["customer", "customer_id"], ["customer_group", "customer_group_id"]]) {
        const v = row[rel];
        if (!v || typeof v !== "object" || Object.keys(v).length !== 1 || !("id" in v)) continue;
        // A read's stub names the row's own reference; an update's may name the customer the
        // address had before the update (it is left out all the same).
        if (!update && fk in row && row[fk] !== v.id) continue;
        if (!update && requested.has(rel)) {
          used.add("D22");
          row[rel] = null;
        } else {
          used.add(update ? "update-stubs" : "read-stubs");
          delete row[rel];
        }
      }
    }
    return result;
  }
  if (/^(softDelete|restore)/.test(method) && result && typeof result === "object" && !Array.isArray(result)) {
    const out = {};
    for (const [k, v] of Object.entries(result)) {
      if (Array.isArray(v)) {
        const sorted = [...v].sort((a, b) => logicalOrder({ id: a }, { id: b }));
        if (canon(sorted) !== canon(v)) used.add("softdelete-order");
        out[k] = sorted;
      } else out[k] = v;
    }
    return out;
  }
  return result;
}

// Medusa's error -> {type, name, message, typeOnly}: typeOnly names the rule under which only
// the types are compared, if one applies.
function medusaError(err, ids, used) {
  let type = err.type ?? null;
  const name = err.name ?? "Error";
  let message = ids.logicalText(err.message ?? "");
  if (type === null) {
    used.add("D11-plain-errors");
    type = "invalid_data";
    if (message.includes("\n")) {
      used.add("D11-first-line");
      message = message.slice(0, message.indexOf("\n"));
    }
  }
  let typeOnly = null;
  if (err.type == null && /LIMIT must not be negative|A non-negative integer must be provided to offset/.test(message)) {
    typeOnly = "D12";
  }
  if (err.type == null && /function min\(jsonb\) does not exist/.test(message)) {
    typeOnly = "order-metadata-paged";
  }
  if (/^column [a-z0-9_]+\.\$[a-z]+ does not exist$/.test(message)) {
    typeOnly = "not-operator";
  }
  if (err.type == null && /operator does not exist: (text|double precision|boolean|timestamp with time zone) |invalid input syntax for type (double precision|boolean)/.test(message)) {
    typeOnly = "metadata-operand-type";
  }
  if (err.type == null && /^Invalid query condition: /.test(message)) typeOnly = "metadata-keys-only";
  if (err.type == null && /operator does not exist: jsonb /.test(message)) typeOnly = "jsonb-operator";
  if (err.type == null && /^The operator "not" is not permitted$/.test(message)) typeOnly = "D26-not-in-field";
  if (err.type == null && /^Using group operators \(\$and\/\$or\) inside scalar properties is not allowed/.test(message)) typeOnly = "group-operator-in-field";
  return { type, name, message, typeOnly };
}

// Leaves out the second and later use of a caller id among the rows of one create call, its
// nested addresses included (avoided: batch-duplicate-ids).
function uniqueCallerIds(data) {
  const seen = new Set();
  const visit = (row) => {
    if (!row || typeof row !== "object") return;
    if (typeof row.id === "string") {
      if (seen.has(row.id)) delete row.id;
      else seen.add(row.id);
    }
    for (const a of Array.isArray(row.addresses) ? row.addresses : []) visit(a);
  };
  for (const row of Array.isArray(data) ? data : [data]) visit(row);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Comparison helpers

function canon(value) {
  if (Array.isArray(value)) return `[${value.map(canon).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canon(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

// The first path at which two values differ, for the report: {text, shape}; the shape (array
// positions left out, no values) is part of the kind a difference is counted under.
function firstDifference(a, b, path = "") {
  if (canon(a) === canon(b)) return null;
  const shape = (p, what) => `${p.replace(/\[\d+\]/g, "[]") || "(top)"} ${what}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return { text: `${path || "(top)"}: length ${a.length} vs ${b.length}`, shape: shape(path, "has other rows") };
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      if (!(k in a)) return { text: `${path}.${k}: only customerdb has it`, shape: shape(`${path}.${k}`, "only in customerdb") };
      if (!(k in b)) return { text: `${path}.${k}: only Medusa has it`, shape: shape(`${path}.${k}`, "only in Medusa") };
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return { text: `${path || "(top)"}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`, shape: shape(path, "differs") };
}

// A message without its values, for the kind of a difference.
function messageShape(message) {
  return message
    .replace(/(cus|cusgroup|cuaddr|cusgc)(#\d+|_\w+)/g, "<id>")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/: [^,:]*, (has_account|already)/g, ": …, $1")
    .replace(/has_account: (true|false)/g, "has_account: …")
    .slice(0, 120);
}

// ---------------------------------------------------------------------------------------------
// The two sides

class Medusa {
  constructor(boot) {
    this.boot = boot;
  }
  async call(method, params) {
    const fn = this.boot.service[method];
    if (typeof fn !== "function") throw new Error(`Medusa's module has no method ${method}`);
    try {
      const r = await fn.apply(this.boot.service, structuredClone(params));
      return { result: r === undefined ? null : JSON.parse(JSON.stringify(r)) };
    } catch (err) {
      if (!(err instanceof Error) && typeof err !== "object") throw err;
      return { error: { type: err?.type ?? null, name: err?.constructor?.name ?? "Error", message: err?.message ?? String(err) } };
    }
  }
  // The four tables as stored (SQL), timestamps as ISO strings.
  async state() {
    const results = await this.boot.sql(TABLES.map((t) => `select * from "${t}";`).join(" "));
    const out = {};
    TABLES.forEach((t, i) => {
      out[t] = results[i].rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]))
      );
    });
    return out;
  }
  clear() {
    return this.boot.clear();
  }
}

const STATE_METHODS = {
  customer: "v2.listCustomers",
  customer_group: "v2.listCustomerGroups",
  customer_address: "v2.listCustomerAddresses",
  customer_group_customer: "v2.listCustomerGroupCustomers",
};

const CALL_TIMEOUT_MS = 60000;

class CustomerDbCrash extends Error {}

class CustomerDb {
  constructor(binary) {
    this.binary = binary;
    this.nextId = 1;
    this.pending = new Map();
    this.lastWrite = 0;
    this.start();
  }
  start() {
    const proc = spawn(this.binary, ["rpc"], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc = proc;
    this.stderr = "";
    proc.stderr.on("data", (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    proc.stdin.on("error", () => {}); // a process that ended: reported through "exit"
    this.exited = new Promise((resolve) => proc.on("exit", (code, sig) => resolve({ code, sig })));
    this.exited.then(({ code, sig }) => {
      if (this.proc !== proc) return;
      for (const [, p] of this.pending) p.reject(new CustomerDbCrash(`customerdb rpc ended (${code ?? sig}): ${this.stderr.trim()}`));
      this.pending.clear();
    });
    const lines = createInterface({ input: this.proc.stdout });
    lines.on("line", (line) => {
      const msg = JSON.parse(line);
      const key = Array.isArray(msg) ? msg[0]?.id : msg.id;
      const p = this.pending.get(key);
      if (!p) return;
      this.pending.delete(key);
      p.resolve(msg);
    });
  }
  send(requests) {
    const batch = Array.isArray(requests);
    const list = (batch ? requests : [requests]).map((r) => ({ jsonrpc: "2.0", id: this.nextId++, ...r }));
    return new Promise((resolve, reject) => {
      // A call that gets no answer in CALL_TIMEOUT_MS counts as a crash (the process is ended).
      const timer = setTimeout(() => {
        this.pending.delete(list[0].id);
        reject(new CustomerDbCrash(`customerdb gave no answer in ${CALL_TIMEOUT_MS / 1000} s`));
        this.proc.kill("SIGKILL");
      }, CALL_TIMEOUT_MS);
      this.pending.set(list[0].id, {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.proc.stdin.write(JSON.stringify(batch ? list : list[0]) + "\n");
    });
  }
  // After a crash: a new process (the sequence that crashed it has ended).
  async restart() {
    const old = this.proc;
    old.kill("SIGKILL");
    this.start();
    this.lastWrite = 0;
  }
  async call(method, params, write) {
    if (write) {
      // Two writes at least 2 ms apart, so that "did this write change updated_at" is visible
      // in millisecond timestamps (Medusa's calls take several ms anyway).
      const wait = this.lastWrite + 2 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const msg = await this.send({ method: `v2.${method}`, params });
    if (write) this.lastWrite = Date.now();
    if (msg.error) {
      return { error: { type: msg.error.data?.type ?? `code ${msg.error.code}`, message: msg.error.message, code: msg.error.code } };
    }
    return { result: msg.result };
  }
  async state() {
    const tables = Object.keys(STATE_METHODS);
    const answers = await this.send(tables.map((t) => ({ method: STATE_METHODS[t], params: [{}, { withDeleted: true }] })));
    const out = {};
    tables.forEach((t, i) => {
      const a = answers[i];
      if (!a || a.error) throw new Error(`customerdb's ${STATE_METHODS[t]} failed: ${JSON.stringify(a?.error)}`);
      out[t] = a.result;
    });
    return out;
  }
  async clear() {
    const msg = await this.send({ method: "clear", params: [] });
    if (msg.error) throw new Error(`customerdb's clear failed: ${JSON.stringify(msg.error)}`);
    this.lastWrite = 0;
  }
  async close() {
    this.proc.stdin.end();
    await this.exited;
  }
}

// ---------------------------------------------------------------------------------------------
// The generator: one call at a time, from the current state (logical ids, as both sides agree).

const EMAILS = ["ann@x.com", "bob@x.com", "cy@x.com", "dee@shop.org", "ed@shop.org", "Ann@x.com", "ann.lee@x.com"];
const FIRST = ["Ann", "Bob", "Cy", "Dee", "Ed", "Annabel", "bob"];
const LAST = ["Doe", "Smith", "Lee", "Doe Smith", "O'Hara"];
const COMPANY = ["Acme", "Acme Corp", "Globex", "initech"];
const PHONE = ["555", "555-0100", "+45 1234"];
const CREATED_BY = ["admin", "staff"];
const GROUP_NAMES = ["VIP", "Regular", "Wholesale", "VIP Gold", "vip", "VIP "];
const ADDRESS_NAME = ["Home", "Work", "Depot"];
const CITY = ["Oslo", "Lima", "Rome", "Osaka", "Roma"];
const COUNTRY = ["dk", "us", "DK"];
const POSTAL = ["1000", "2000", "10001"];
const ADDRESS_1 = ["1 Main St", "2 High St", "10 Rue Lima"];
const ADDRESS_2 = ["Apt 1", "Floor 2"];
const PROVINCE = ["North", "South"];
const METADATA = [
  { tier: "gold" }, { tier: "silver", n: { x: 1, y: 2 } }, { a: 1 }, { n: { z: 3 } }, { tier: "" },
  {}, null, { a: null }, { list: [1, 2], flag: true },
  // Keys that filters compare as numbers (score) and as booleans (vip): every value there reads
  // as one, so that Medusa's casts never fail on the data (avoided: D30).
  { score: 5, vip: true }, { score: "10", vip: "no" }, { score: " 7 ", vip: 1 }, { score: 1.5, vip: "t" },
  { score: -2, vip: false, tier: "gold" }, { score: "1e1", vip: " yes " },
];
const UNKNOWN = { cus: "cus_unknown", cusgroup: "cusgroup_unknown", cuaddr: "cuaddr_unknown", cusgc: "cusgc_unknown" };

const CUSTOMER_TEXT = ["email", "first_name", "last_name", "company_name", "phone"];
const ADDRESS_TEXT = ["address_name", "company", "first_name", "last_name", "address_1", "address_2", "city", "province", "postal_code"];

const READS = new Set([
  "retrieveCustomer", "listCustomers", "listAndCountCustomers", "retrieveCustomerGroup", "listCustomerGroups",
  "listAndCountCustomerGroups", "retrieveCustomerAddress", "listCustomerAddresses", "listAndCountCustomerAddresses",
  "listCustomerGroupCustomers", "listAndCountCustomerGroupCustomers", "retrieveCustomerGroupCustomer",
]);

class Generator {
  constructor(rng) {
    this.r = rng;
    this.state = { customer: [], customer_group: [], customer_address: [], customer_group_customer: [] };
  }
  live(table) { return this.state[table].filter((x) => x.deleted_at === null); }
  dead(table) { return this.state[table].filter((x) => x.deleted_at !== null); }

  // An id of the table: mostly an existing row (live more often), sometimes an unknown one.
  someId(table, { live = 0.75, unknown = 0.06 } = {}) {
    const r = this.r;
    const prefix = TABLE_PREFIX[table];
    if (r.chance(unknown) || this.state[table].length === 0) return UNKNOWN[prefix];
    const pool = r.chance(live) ? this.live(table) : this.dead(table);
    return pool.length ? r.pick(pool).id : r.pick(this.state[table]).id;
  }
  someIds(table, opts) {
    const n = this.r.range(1, 3);
    const out = [];
    for (let i = 0; i < n; i++) out.push(this.someId(table, opts));
    return [...new Set(out)];
  }
  text(pool, nullChance = 0.1) {
    return this.r.chance(nullChance) ? null : this.r.pick(pool);
  }

  // q: a word from the stored text (any case), two words, a word nobody has, or white space.
  q(table) {
    const r = this.r;
    const fields = table === "customer" ? CUSTOMER_TEXT : table === "customer_group" ? ["name"] : ADDRESS_TEXT;
    const words = [];
    for (const row of this.state[table]) {
      for (const f of fields) if (typeof row[f] === "string") words.push(...row[f].split(/\s+/).filter(Boolean));
    }
    const safe = (w) => w.replace(/[%_\\]/g, ""); // D16
    const piece = () => {
      if (!words.length || r.chance(0.1)) return r.pick(["zzz", "x", "o", "@"]);
      const w = safe(r.pick(words));
      if (!w) return "a";
      const a = r.int(w.length), b = r.range(a + 1, w.length);
      const s = r.chance(0.5) ? w : w.slice(a, b);
      return r.chance(0.3) ? s.toUpperCase() : r.chance(0.3) ? s.toLowerCase() : s;
    };
    return r.weighted([[70, () => piece()], [20, () => `${piece()} ${piece()}`], [5, () => "   "], [5, () => ` ${piece()}  `]])();
  }

  customerData({ forUpdate = false } = {}) {
    const r = this.r;
    const d = {};
    if (r.chance(forUpdate ? 0.3 : 0.75)) d.email = this.text(EMAILS, 0.15);
    if (r.chance(0.5)) d.first_name = this.text(FIRST);
    if (r.chance(0.5)) d.last_name = this.text(LAST);
    if (r.chance(0.25)) d.company_name = this.text(COMPANY);
    if (r.chance(0.2)) d.phone = this.text(PHONE);
    if (r.chance(0.25)) d.has_account = forUpdate && r.chance(0.03) ? null : r.chance(0.4); // null-flags
    if (r.chance(0.25)) d.metadata = structuredClone(r.pick(METADATA));
    if (r.chance(0.1)) d.created_by = this.text(CREATED_BY);
    if (!forUpdate && r.chance(0.02)) d.id = r.pick(["cus_fixed1", "cus_fixed2"]);
    if (forUpdate && Object.keys(d).length === 0) d.first_name = this.text(FIRST);
    return d;
  }
  addressData({ customerId, forUpdate = false } = {}) {
    const r = this.r;
    const d = {};
    if (customerId !== undefined) d.customer_id = customerId;
    const fields = [
      ["address_name", ADDRESS_NAME], ["company", COMPANY], ["first_name", FIRST], ["last_name", LAST],
      ["address_1", ADDRESS_1], ["address_2", ADDRESS_2], ["city", CITY], ["country_code", COUNTRY],
      ["province", PROVINCE], ["postal_code", POSTAL], ["phone", PHONE],
    ];
    for (const [k, pool] of fields) if (r.chance(forUpdate ? 0.15 : 0.35)) d[k] = this.text(pool);
    // null only in updates (null-flags)
    if (r.chance(forUpdate ? 0.2 : 0.25)) d.is_default_shipping = forUpdate && r.chance(0.03) ? null : r.chance(0.6);
    if (r.chance(forUpdate ? 0.2 : 0.25)) d.is_default_billing = forUpdate && r.chance(0.03) ? null : r.chance(0.6);
    if (r.chance(0.15)) d.metadata = structuredClone(r.pick(METADATA));
    if (!forUpdate && r.chance(0.02)) d.id = "cuaddr_fixed1";
    if (forUpdate && Object.keys(d).length === 0) d.city = this.text(CITY);
    return d;
  }
  groupData({ forUpdate = false } = {}) {
    const r = this.r;
    const d = {};
    if (forUpdate ? r.chance(0.5) : r.chance(0.97)) d.name = r.chance(forUpdate ? 0.05 : 0.02) ? null : r.pick(GROUP_NAMES);
    if (r.chance(0.3)) d.metadata = structuredClone(r.pick(METADATA));
    if (r.chance(0.2)) d.created_by = this.text(CREATED_BY);
    if (!forUpdate && r.chance(0.02)) d.id = "cusgroup_fixed1";
    if (forUpdate && Object.keys(d).length === 0) d.metadata = { tier: "gold" };
    return d;
  }

  // A filter of `table`. forDelete: no relation filters (avoided: D28/delete-selectors), and q
  // only rarely (both refuse it: D27).
  filter(table, { forDelete = false, depth = 0 } = {}) {
    const r = this.r;
    const conds = [];
    const n = r.weighted([[15, 0], [50, 1], [30, 2], [5, 3]]);
    for (let i = 0; i < n; i++) conds.push(this.condition(table, { forDelete, depth }));
    const f = Object.assign({}, ...conds);
    // Medusa's ORM keeps only the last of `id` and the operators outside a field (each is a
    // condition on the primary key): not sent together (v2 table, the rows Medusa garbles).
    const onKey = Object.keys(f).filter((k) => k === "id" || ["$in", "$ne", "$eq"].includes(k));
    for (const k of onKey.slice(0, -1)) delete f[k];
    return f;
  }
  condition(table, { forDelete, depth }) {
    const r = this.r;
    const textOp = (pool, field) => r.weighted([
      [40, () => ({ [field]: r.pick(pool) })],
      [10, () => ({ [field]: null })],
      [10, () => ({ [field]: r.subset(pool, 3) })],
      [8, () => ({ [field]: { $in: r.subset(pool, 3) } })],
      [6, () => ({ [field]: { $nin: r.subset(pool, 2) } })],
      [8, () => ({ [field]: { $ne: r.pick(pool) } })],
      [6, () => ({ [field]: { $like: `${r.pick(pool).slice(0, 2)}%` } })],
      [6, () => ({ [field]: { $ilike: `%${r.pick(pool).slice(-3).toLowerCase()}%` } })],
      [4, () => ({ [field]: { $gt: r.pick(pool) } })],
      [3, () => ({ [field]: { $lte: r.pick(pool) } })],
      [3, () => ({ [field]: { $exists: r.chance(0.5) } })],
      [3, () => ({ [field]: { $eq: r.pick(pool) } })],
      [2, () => ({ [field]: { $gte: r.pick(pool), $lt: r.pick(pool) } })],
      [2, () => ({ [field]: { $like: `_${r.pick(pool).slice(1, 3)}%` } })],
      [2, () => ({ [field]: { $ilike: r.pick(pool).toUpperCase() } })],
      // A `$` key that is no operator: Medusa's ORM reads it as a property of the entity.
      [0.5, () => ({ [field]: { $eq: r.pick(pool), $nope: 1 } })],
    ])();
    const idCond = () => r.weighted([
      [50, () => ({ id: this.someId(table) })],
      [30, () => ({ id: this.someIds(table) })],
      [10, () => ({ id: { $in: this.someIds(table) } })],
      [10, () => ({ id: { $nin: this.someIds(table) } })],
      // An operator outside a field applies to the primary key (and is not D20's `id`).
      [4, () => ({ $in: this.someIds(table) })],
      [2, () => ({ $ne: this.someId(table) })],
      [2, () => ({ $eq: this.someId(table) })],
    ])();
    const boolOr = (sub) => {
      const a = sub(), b = sub();
      return r.chance(0.7) ? { $or: [a, b] } : { $and: [a, b] };
    };
    const createdBy = [3, () => ({ created_by: r.chance(0.3) ? null : r.pick(CREATED_BY) })];
    // A time far from the rows' own (both sides stamp their rows with their own clocks), in the
    // forms the database reads besides ISO 8601.
    const timeText = () => r.pick(["2000-1-1", "2001/02/03 04:05", "20000101T000000", " 2000-01-01 ",
      "2000-01-01t00:00:00.5z", "2000-01-01 10:00 +1", "2000-01-01 10:00 -0230", "2000-01-01 24:00 UTC",
      "epoch", "-Infinity", "2999-12-31 23:59:59 gmt", "29991231", "INFINITY", "2999-1-1T00:00+15:59",
      // Read by the clock: the rows of a sequence are made before the call that reads them.
      "now", " NOW ", "today", "Tomorrow", "yesterday Z", "today 00:00:01+01"]);
    const createdAt = [1.5, () => ({ [r.pick(["created_at", "updated_at"])]: { [r.pick(["$gt", "$gte", "$lt", "$lte", "$ne"])]: timeText() } })];
    const common = [
      [8, idCond],
      createdAt,
      [forDelete ? 1 : 6, () => ({ q: this.q(table) })],
      createdBy,
      [depth === 0 ? 4 : 0, () => boolOr(() => this.condition(table, { forDelete, depth: depth + 1 }))],
      [depth === 0 && !forDelete ? 2 : 0, () => ({ deleted_at: r.chance(0.5) ? { $ne: null } : null })],
      // $not of a condition, and the empty forms Medusa drops: $not of nothing, an empty object
      // on a field (D25).
      [depth === 0 ? 2 : 0, () => r.weighted([
        [70, () => ({ $not: this.condition(table, { forDelete, depth: depth + 1 }) })],
        [10, () => ({ $not: {} })],
        [10, () => ({ $not: { $or: [] } })],
        [10, () => ({ [{ customer: "email", customer_group: "name", customer_address: "city", customer_group_customer: "customer_id" }[table]]: {} })],
      ])()],
      // An unknown key, also one holding a quote (and the words that follow the key in
      // customerdb's v1 message).
      [0.5, () => ({ [r.pick(["nickname", 'nick"name', 'a" for b'])]: "x" })],
      [table === "customer_group_customer" ? 0 : 2.5, () => r.weighted([
        [50, () => ({ metadata: { tier: r.pick(["gold", "silver"]) } })],
        [20, () => ({ metadata: { tier: { $ne: "gold" } } })],
        [15, () => ({ metadata: null })],
        [15, () => ({ metadata: { n: { x: 1 } } })],
        [60, () => ({ metadata: this.metadataTyped(forDelete) })],
        [20, () => ({ metadata: this.metadataColumn(forDelete) })],
      ])()],
    ];
    if (table === "customer") {
      return r.weighted([
        ...common,
        [10, () => textOp(EMAILS, "email")],
        [8, () => textOp(FIRST, "first_name")],
        [8, () => textOp(LAST, "last_name")],
        [4, () => textOp(COMPANY, "company_name")],
        [2, () => textOp(PHONE, "phone")],
        [4, () => ({ has_account: r.chance(0.5) })],
        [1, () => ({ has_account: r.pick(["true", "f", " YES ", "off", "1", "maybe"]) })],
        [forDelete ? 0 : 6, () => r.weighted([
          [40, () => ({ groups: this.someId("customer_group") })],
          [20, () => ({ groups: this.someIds("customer_group") })],
          [25, () => ({ groups: { name: r.pick(GROUP_NAMES) } })],
          [15, () => ({ groups: { id: this.someId("customer_group") } })],
        ])()],
        [forDelete ? 0 : 3, () => ({ addresses: r.chance(0.7) ? { city: r.pick(CITY) } : { is_default_shipping: true } })],
      ])();
    }
    if (table === "customer_group") {
      return r.weighted([
        ...common,
        [14, () => textOp(GROUP_NAMES, "name")],
        [forDelete ? 0 : 6, () => r.weighted([
          [50, () => ({ customers: this.someId("customer") })],
          [20, () => ({ customers: this.someIds("customer") })],
          [30, () => ({ customers: { email: r.pick(EMAILS) } })],
        ])()],
      ])();
    }
    if (table === "customer_address") {
      return r.weighted([
        ...common.filter((entry) => entry !== createdBy), // addresses have no created_by
        [10, () => ({ customer_id: r.chance(0.7) ? this.someId("customer") : this.someIds("customer") })],
        [8, () => textOp(CITY, "city")],
        [4, () => textOp(COUNTRY, "country_code")],
        [4, () => textOp(ADDRESS_NAME, "address_name")],
        [3, () => textOp(POSTAL, "postal_code")],
        [4, () => ({ is_default_shipping: r.chance(0.5) })],
        [4, () => ({ is_default_billing: r.chance(0.5) })],
        // Not inside $or/$and (avoided: or-to-one-join).
        [forDelete || depth > 0 ? 0 : 4, () => ({ customer: r.chance(0.7) ? { email: r.pick(EMAILS) } : { has_account: r.chance(0.5) } })],
      ])();
    }
    // customer_group_customer
    return r.weighted([
      [8, idCond],
      [10, () => ({ customer_id: r.chance(0.7) ? this.someId("customer") : this.someIds("customer") })],
      [10, () => ({ customer_group_id: r.chance(0.7) ? this.someId("customer_group") : this.someIds("customer_group") })],
      [3, () => ({ created_by: null })],
      [forDelete || depth > 0 ? 0 : 4, () => ({ customer: { email: r.pick(EMAILS) } })],
      [forDelete || depth > 0 ? 0 : 4, () => ({ customer_group: { name: r.pick(GROUP_NAMES) } })],
      [0.5, () => ({ group: "x" })],
    ])();
  }

  config(table, { retrieve = false } = {}) {
    const r = this.r;
    const c = {};
    // No path comes back to the root's type (avoided: D22).
    const relations = {
      customer: ["groups", "addresses"],
      customer_group: ["customers", "customers.addresses"],
      customer_address: ["customer", "customer.groups"],
      customer_group_customer: ["customer", "customer_group", "customer.addresses", "customer_group.customers"],
    }[table];
    if (r.chance(0.35)) c.relations = r.subset(relations, 2);
    if (r.chance(0.02)) c.relations = [...(c.relations ?? []), "orders"]; // unknown: dropped by both
    if (r.chance(0.1)) {
      const fields = {
        customer: ["email", "first_name", "has_account", "metadata", "addresses.city", "groups.name"],
        customer_group: ["name", "metadata", "customers.email"],
        customer_address: ["city", "customer_id", "is_default_billing", "customer.email"],
        customer_group_customer: ["customer_id", "customer_group_id", "customer.email"],
      }[table];
      c.select = r.chance(0.2) ? (r.chance(0.3) ? [] : ["id"]) : r.subset(fields, 3);
      // Not a membership's customer.email when its customers also come through
      // customer_group.customers (avoided: shared-narrowed), nor when `relations` names the
      // group's side and no path through the customer (avoided: dotted-to-one-join).
      const rels = c.relations ?? [];
      const throughCustomer = rels.some((p) => p === "customer" || p.startsWith("customer."));
      if (rels.includes("customer_group.customers") || (rels.length > 0 && !throughCustomer)) {
        c.select = c.select.filter((f) => f !== "customer.email");
        if (c.select.length === 0) delete c.select;
      }
    }
    if (r.chance(0.2)) c.withDeleted = r.chance(0.8);
    if (!retrieve) {
      if (r.chance(0.3)) c.take = r.chance(0.03) ? -1 : r.chance(0.1) ? null : r.range(0, 3);
      if (r.chance(0.25)) c.skip = r.chance(0.03) ? -1 : r.range(0, 3);
      if (r.chance(0.3)) {
        const fields = {
          customer: ["email", "first_name", "last_name", "company_name", "has_account", "metadata"],
          customer_group: ["name", "created_by", "metadata"],
          customer_address: ["city", "postal_code", "is_default_shipping", "customer_id", "metadata"],
          customer_group_customer: ["customer_id", "customer_group_id", "metadata"],
        }[table];
        const order = {};
        // Directions as SQL reads them after the column (Medusa pastes the text into its query):
        // any case, white space, NULLS FIRST or NULLS LAST.
        const direction = () =>
          r.chance(0.7)
            ? r.pick(["ASC", "DESC", "asc", "desc"])
            : r.pick(["Asc", "dEsC", " desc ", "", "asc nulls first", "DESC NULLS LAST",
                      "desc nulls first", "ASC NULLS LAST", "nulls first", "NULLS LAST"]);
        for (const f of r.subset(fields, 2)) order[f] = direction();
        if (r.chance(0.02)) order.nickname = "ASC"; // an unknown key
        // By a to-one relation's field (a to-many one orders by whichever joined row comes first).
        if (table === "customer_address" && r.chance(0.1)) order.customer = { email: direction() };
        if (table === "customer_group_customer" && r.chance(0.1)) {
          if (r.chance(0.5)) order.customer = { email: direction() };
          else order.customer_group = { name: direction() };
        }
        order.id = r.pick(["ASC", "DESC"]); // always last: Medusa's ties are in database order
        c.order = order;
      }
    } else if (r.chance(0.05)) {
      c.take = r.pick([0, 1]);
      if (r.chance(0.5)) c.skip = 1;
    }
    return c;
  }

  // The next call: {method, params}.
  next() {
    const r = this.r;
    const hasC = this.state.customer.length > 0, hasG = this.state.customer_group.length > 0;
    const hasA = this.state.customer_address.length > 0, hasM = this.state.customer_group_customer.length > 0;
    const method = r.weighted([
      [hasC ? 12 : 40, "createCustomers"],
      [hasG ? 5 : 15, "createCustomerGroups"],
      [hasC ? 8 : 1, "createCustomerAddresses"],
      [hasC && hasG ? 8 : 0.5, "addCustomerToGroup"],
      [hasM ? 3 : 0.5, "removeCustomerFromGroup"],
      [hasC ? 7 : 0.5, "updateCustomers"],
      [hasG ? 3 : 0.5, "updateCustomerGroups"],
      [hasA ? 5 : 0.5, "updateCustomerAddresses"],
      [hasC ? 2 : 0.2, "deleteCustomers"],
      [hasG ? 1.5 : 0.2, "deleteCustomerGroups"],
      [hasA ? 1.5 : 0.2, "deleteCustomerAddresses"],
      [hasC ? 4 : 0.2, "softDeleteCustomers"],
      [hasC ? 3 : 0.2, "restoreCustomers"],
      [hasG ? 2 : 0.2, "softDeleteCustomerGroups"],
      [hasG ? 2 : 0.2, "restoreCustomerGroups"],
      [hasA ? 2 : 0.2, "softDeleteCustomerAddresses"],
      [hasA ? 2 : 0.2, "restoreCustomerAddresses"],
      [8, "listCustomers"],
      [4, "listAndCountCustomers"],
      [3, "retrieveCustomer"],
      [3, "listCustomerGroups"],
      [2, "listAndCountCustomerGroups"],
      [2, "retrieveCustomerGroup"],
      [3, "listCustomerAddresses"],
      [2, "listAndCountCustomerAddresses"],
      [2, "retrieveCustomerAddress"],
      [3, "listCustomerGroupCustomers"],
      [1, "listAndCountCustomerGroupCustomers"],
      [1, "retrieveCustomerGroupCustomer"],
      [hasM ? 2 : 0.2, "softDeleteCustomerGroupCustomers"],
      [hasM ? 1.5 : 0.2, "restoreCustomerGroupCustomers"],
      [hasM ? 1 : 0.2, "deleteCustomerGroupCustomers"],
    ]);
    return { method, params: this.params(method) };
  }

  oneOrMany(make, max = 3) {
    return this.r.chance(0.4) ? make() : Array.from({ length: this.r.range(0, max) }, make);
  }
  target(table, { forDelete = false } = {}) {
    const r = this.r;
    return r.weighted([
      [45, () => this.someId(table)],
      [30, () => this.someIds(table)],
      [2, () => []],
      [23, () => (forDelete && r.chance(0.1) ? {} : this.filter(table, { forDelete }))],
      // null: no row for a delete (Medusa's updates crash on it).
      [forDelete ? 1 : 0, () => null],
    ])();
  }
  // A metadata filter whose operands' types decide how Medusa compares the key (its text, or
  // the text cast to float8 or bool by the first operand), mixed types included.
  // In a hard delete's selector no operand has another type than the key's first operand
  // (avoided: delete-operand-types).
  metadataTyped(forDelete) {
    const r = this.r;
    const number = () => r.pick(forDelete ? [5, 10, 7, 1.5, -2, 0] : [5, 10, 7, 1.5, -2, 0, "5", "10", " 7", "1e1", "abc"]);
    const bool = () => r.pick(forDelete ? [true, false] : [true, false, "yes", "no", "t", "maybe"]);
    const text = () => r.pick(["5", "10", " 7 ", "1.5", "-2", "1e1", "true", "t", "1", "gold", "[1, 2]", "{\"x\": 1, \"y\": 2}"]);
    const anyOp = (value) => ({ [r.pick(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"])]: value() });
    return r.weighted([
      [10, () => ({ score: r.pick([5, 10, 1.5, 7]) })],
      [10, () => ({ score: anyOp(number) })],
      [6, () => ({ score: { [r.pick(["$in", "$nin"])]: [number(), number()] } })],
      [6, () => ({ score: { ...anyOp(number), ...anyOp(number) } })],
      [6, () => ({ [r.pick(["score", "vip", "list", "flag", "a", "n", "tier"])]: text() })],
      [6, () => ({ [r.pick(["score", "vip", "a", "tier"])]: anyOp(text) })],
      [4, () => ({ [r.pick(["score", "vip", "a"])]: { [r.pick(["$like", "$ilike"])]: r.pick(["1%", "%e%", "T%"]) } })],
      [forDelete ? 0 : 3, () => ({ score: { ...anyOp(number), $like: "1%" } })],
      [8, () => ({ vip: r.pick([true, false]) })],
      [8, () => ({ vip: anyOp(bool) })],
      [4, () => ({ vip: { [r.pick(["$in", "$nin"])]: [bool(), bool()] } })],
      // $exists: true casts to bool, which only vip's values all survive.
      [3, () => ({ vip: { $exists: r.pick([true, false]) } })],
      [forDelete ? 0 : 3, () => ({ score: { $in: r.pick([[1, "x"], ["5", 10], [10, "5"]]) } })],
    ])();
  }

  // Operators on the metadata column itself, compared as jsonb with scalars and documents, and the
  // forms Medusa refuses inside a metadata filter ($and, $or, $not, an operator beside a key).
  metadataColumn(forDelete) {
    const r = this.r;
    const scalar = () => r.pick(["x", "", 5, -1.5, true, false, "2026-01-01T00:00:00Z"]);
    const document = () => r.pick([{}, { tier: "gold" }, { tier: "silver" }, { score: 5, vip: true }, { tier: "gold", n: { x: 1 } }, [], [1, "a"]]);
    return r.weighted([
      [10, () => ({ [r.pick(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"])]: scalar() })],
      [10, () => ({ [r.pick(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"])]: document() })],
      // Objects only in a list: Medusa's query builder writes an array in a list as a row
      // constructor (avoided: document-arrays-in-lists).
      [4, () => ({ [r.pick(["$in", "$nin"])]: [r.pick([{}, { tier: "gold" }, { tier: "silver" }]), r.chance(0.3) ? null : { score: 5, vip: true }] })],
      [6, () => ({ [r.pick(["$in", "$nin"])]: r.pick([[scalar(), scalar()], [scalar(), null], []]) })],
      [6, () => ({ $exists: r.pick([true, false, 0, "", null]) })],
      [forDelete ? 0 : 2, () => ({ [r.pick(["$like", "$ilike"])]: "%a%" })],
      [forDelete ? 0 : 3, () => ({ [r.pick(["$or", "$and"])]: r.pick([[], [{ tier: "gold" }], [{ tier: "gold" }, { vip: true }]]) })],
      [forDelete ? 0 : 2, () => ({ tier: "gold", $or: [{ vip: true }] })],
      [forDelete ? 0 : 2, () => ({ tier: { $or: [{ $eq: "gold" }] } })],
    ])();
  }

  // The params of an update: metadata only for one row (avoided: metadata-batch).
  update(table, data) {
    return ["metadata" in data ? this.someId(table) : this.target(table), data];
  }
  softIds(table) {
    const r = this.r;
    if (r.chance(0.1)) return this.someId(table, { live: 0.5 }); // a single string
    if (r.chance(0.03)) return [];
    // A selector, as Medusa's generated softDelete*/restore* take a filter object too.
    if (r.chance(0.15)) return r.chance(0.1) ? {} : this.filter(table, { forDelete: true });
    return this.someIds(table, { live: 0.5 });
  }
  softConfig() {
    const r = this.r;
    if (!r.chance(0.15)) return [];
    return [{ returnLinkableKeys: r.subset(["customer_id", "customer_address_id", "customer_group_id", "customer_group_customer_id"], 2) }];
  }

  params(method) {
    const r = this.r;
    switch (method) {
      case "createCustomers":
        return [uniqueCallerIds(this.oneOrMany(() => {
          const d = this.customerData();
          if (r.chance(0.3)) d.addresses = Array.from({ length: r.range(0, 3) }, () => this.addressData());
          return d;
        }))];
      case "createCustomerGroups":
        return [uniqueCallerIds(this.oneOrMany(() => this.groupData()))];
      case "createCustomerAddresses":
        return [uniqueCallerIds(this.oneOrMany(() => this.addressData({ customerId: r.chance(0.03) ? undefined : this.someId("customer") })))];
      case "addCustomerToGroup": {
        // D6: never a pair that already has a membership row (live or not), nor twice in a call.
        const taken = new Set(this.state.customer_group_customer.map((m) => `${m.customer_id}|${m.customer_group_id}`));
        const pair = () => {
          for (let tries = 0; tries < 10; tries++) {
            const p = {
              customer_id: this.someId("customer", { live: 0.85, unknown: 0.04 }),
              customer_group_id: this.someId("customer_group", { live: 0.85, unknown: 0.04 }),
            };
            const key = `${p.customer_id}|${p.customer_group_id}`;
            if (!taken.has(key)) {
              taken.add(key);
              return p;
            }
          }
          return null;
        };
        if (r.chance(0.5)) {
          const p = pair();
          return [p ?? { customer_id: UNKNOWN.cus, customer_group_id: UNKNOWN.cusgroup }];
        }
        const pairs = Array.from({ length: r.range(1, 3) }, pair).filter(Boolean);
        return [pairs.length ? pairs : [{ customer_id: UNKNOWN.cus, customer_group_id: UNKNOWN.cusgroup }]];
      }
      case "removeCustomerFromGroup": {
        // D4: never an empty list.
        const pair = () => {
          const ms = this.state.customer_group_customer;
          if (ms.length && r.chance(0.75)) {
            const m = r.pick(ms);
            return { customer_id: m.customer_id, customer_group_id: m.customer_group_id };
          }
          return { customer_id: this.someId("customer"), customer_group_id: this.someId("customer_group") };
        };
        return [r.chance(0.5) ? pair() : Array.from({ length: r.range(1, 3) }, pair)];
      }
      case "updateCustomers":
        return this.update("customer", this.customerData({ forUpdate: true }));
      case "updateCustomerGroups":
        return this.update("customer_group", this.groupData({ forUpdate: true }));
      case "updateCustomerAddresses": {
        const d = this.addressData({ forUpdate: true });
        if (r.chance(0.08)) d.customer_id = r.chance(0.1) ? null : this.someId("customer");
        return this.update("customer_address", d);
      }
      case "deleteCustomers":
        return [this.target("customer", { forDelete: true })];
      case "deleteCustomerGroups":
        return [this.target("customer_group", { forDelete: true })];
      case "deleteCustomerAddresses":
        return [this.target("customer_address", { forDelete: true })];
      case "softDeleteCustomers":
      case "restoreCustomers":
        return [this.softIds("customer"), ...this.softConfig()];
      case "softDeleteCustomerGroups":
      case "restoreCustomerGroups":
        return [this.softIds("customer_group"), ...this.softConfig()];
      case "softDeleteCustomerAddresses":
      case "restoreCustomerAddresses":
        return [this.softIds("customer_address"), ...this.softConfig()];
      case "softDeleteCustomerGroupCustomers":
      case "restoreCustomerGroupCustomers":
        return [this.softIds("customer_group_customer"), ...this.softConfig()];
      case "deleteCustomerGroupCustomers":
        return [this.target("customer_group_customer", { forDelete: true })];
      case "retrieveCustomerGroupCustomer":
        return [this.someId("customer_group_customer", { live: 0.8, unknown: 0.1 }), this.config("customer_group_customer", { retrieve: true })];
      case "retrieveCustomer":
        return [this.someId("customer", { live: 0.8, unknown: 0.1 }), this.config("customer", { retrieve: true })];
      case "retrieveCustomerGroup":
        return [this.someId("customer_group", { live: 0.8, unknown: 0.1 }), this.config("customer_group", { retrieve: true })];
      case "retrieveCustomerAddress":
        return [this.someId("customer_address", { live: 0.8, unknown: 0.1 }), this.config("customer_address", { retrieve: true })];
      case "listCustomers":
      case "listAndCountCustomers":
        return [this.filter("customer"), this.config("customer")];
      case "listCustomerGroups":
      case "listAndCountCustomerGroups":
        return [this.filter("customer_group"), this.config("customer_group")];
      case "listCustomerAddresses":
      case "listAndCountCustomerAddresses":
        return [this.filter("customer_address"), this.config("customer_address")];
      case "listCustomerGroupCustomers":
      case "listAndCountCustomerGroupCustomers":
        return [this.filter("customer_group_customer"), this.config("customer_group_customer")];
      default:
        throw new Error(`no params for ${method}`);
    }
  }
}

function describeCall(call) {
  return `${call.method}(${call.params.map((p) => JSON.stringify(p)).join(", ")})`;
}

// ---------------------------------------------------------------------------------------------
// One sequence

function unmarkTimestamps(rows) {
  return rows.map((row) => {
    const out = { ...row };
    for (const k of TS_KEYS) if (typeof out[k] === "string") out[k] = "<timestamp>";
    return out;
  });
}

class SideState {
  constructor() {
    this.ids = new IdMap();
    this.prevStamps = new Map(); // logical id -> {updated_at, deleted_at} raw
  }
  // Normalised state; the `changed` marks say whether this write moved updated_at/deleted_at.
  normaliseState(raw, side, used) {
    for (const t of TABLES) this.ids.learn(raw[t].map((row) => row.id).filter((id) => ONE_GENERATED_ID.test(id)));
    const out = {};
    const stamps = new Map();
    for (const t of TABLES) {
      const rows = raw[t].map((row) => {
        const id = this.ids.logicalText(row.id);
        const prev = this.prevStamps.get(id);
        stamps.set(id, { updated_at: row.updated_at, deleted_at: row.deleted_at });
        const n = normalise(row, this.ids, side, used);
        if (prev) {
          n.updated_at = row.updated_at === prev.updated_at ? "<timestamp>" : "<timestamp, changed>";
          if (row.deleted_at !== null) n.deleted_at = row.deleted_at === prev.deleted_at ? "<timestamp>" : "<timestamp, changed>";
        }
        return n;
      });
      rows.sort(logicalOrder);
      out[t] = rows;
    }
    this.prevStamps = stamps;
    return out;
  }
}

async function runSequence(index, opts, medusa, cdb, stats, onDifference, trace) {
  const rng = makeRng(`${opts.seed}:${index}`);
  const gen = new Generator(rng);
  if (opts.callList) {
    const list = [...opts.callList];
    gen.next = () => {
      const c = list.shift();
      return { method: String(c.method).replace(/^v2\./, ""), params: c.params ?? [] };
    };
  }
  const sides = { medusa: new SideState(), customerdb: new SideState() };
  const length = opts.callList ? opts.callList.length : rng.range(opts.minCalls, opts.maxCalls);
  const history = [];
  await medusa.clear();
  await cdb.clear();
  stats.sequences++;

  for (let step = 0; step < length; step++) {
    const call = gen.next();
    const write = !READS.has(call.method);
    history.push(call);
    stats.calls++;
    stats.byMethod[call.method] = (stats.byMethod[call.method] ?? 0) + 1;
    if (write) stats.writes++;

    const used = new Set();
    const mAnswer = await medusa.call(call.method, sides.medusa.ids.real(call.params));
    let cAnswer, cState;
    try {
      cAnswer = await cdb.call(call.method, sides.customerdb.ids.real(call.params), write);
      if (write) cState = await cdb.state();
    } catch (err) {
      if (!(err instanceof CustomerDbCrash)) throw err;
      // A crash (or a call without an answer) is a difference of its own; the sequence ends.
      onDifference({
        kind: `customerdb crashed: ${call.method}`, sequence: index, step, detail: err.message,
        request: describeCall(call), medusa: mAnswer, customerdb: { crash: err.message }, history: history.map(describeCall),
      });
      stats.differingCalls++;
      stats.stoppedSequences++;
      if (trace) process.stdout.write(`#${step} ${describeCall(call)}\n  customerdb CRASHED: ${err.message}\n`);
      await cdb.restart();
      return false;
    }
    const answers = { medusa: mAnswer, customerdb: cAnswer };

    let states = null;
    if (write) {
      const mState = await medusa.state();
      states = {
        medusa: sides.medusa.normaliseState(mState, "medusa", used),
        customerdb: sides.customerdb.normaliseState(cState, "customerdb", used),
      };
      stats.stateComparisons++;
    }

    // The answers, normalised.
    const view = {};
    for (const side of ["medusa", "customerdb"]) {
      const a = answers[side];
      if (a.error) {
        view[side] = side === "medusa"
          ? { error: medusaError(a.error, sides.medusa.ids, used) }
          : { error: { type: a.error.type, message: sides.customerdb.ids.logicalText(a.error.message) } };
      } else {
        view[side] = { result: normaliseResult(call.method, call.params, normalise(a.result, sides[side].ids, side, used), side, used) };
      }
    }
    if (mAnswer.error) stats.errors++;

    // The answer first, then (after a write) the state. A difference in the answer alone is
    // recorded and the sequence goes on (both sides still hold the same rows); a difference in
    // the state ends the sequence, since the calls after it would mean different things.
    const found = []; // [kind, detail]
    const m = view.medusa, c = view.customerdb;
    const method = call.method;
    if (m.error && c.error) {
      if (m.error.type !== c.error.type) {
        found.push([`error type: ${method}: ${m.error.type} vs ${c.error.type}`, `${m.error.message} vs ${c.error.message}`]);
      } else if (m.error.typeOnly) {
        used.add(m.error.typeOnly);
      } else if (method === "createCustomerGroups" && m.error.message.endsWith("'null' found") &&
                 c.error.message === m.error.message.replace("'null' found", "'undefined' found")) {
        used.add("name-null");
      } else if (/^(update|restore)/.test(method) && !(typeof call.params[0] === "string") &&
                 / with \w+: .*, already exists\.$/.test(m.error.message) &&
                 messageShape(m.error.message) === messageShape(c.error.message)) {
        used.add("unique-row-order");
      } else if (m.error.message !== c.error.message) {
        found.push([`error message: ${method}: ${messageShape(m.error.message)} vs ${messageShape(c.error.message)}`,
          `${JSON.stringify(m.error.message)} vs ${JSON.stringify(c.error.message)}`]);
      }
    } else if (m.error) {
      found.push([`only Medusa fails: ${method}: ${messageShape(m.error.message)}`, `${m.error.name}: ${m.error.message}`]);
    } else if (c.error && negativePaging(call.params) && /^Invalid value for (take|skip): -/.test(c.error.message)) {
      used.add("D12"); // Medusa answers a negative take with a to-many relation filter (no error)
    } else if (c.error) {
      found.push([`only customerdb fails: ${method}: ${messageShape(c.error.message)}`, `${c.error.type}: ${c.error.message}`]);
    } else {
      const d = firstDifference(m.result, c.result);
      if (d) found.push([`result: ${method}: ${d.shape}`, d.text]);
    }
    // A state that differs only in whether this write moved a timestamp is recorded, and the
    // sequence goes on: no later call depends on it (the generator never orders by timestamps).
    let stateDiffers = false;
    if (states) {
      for (const t of TABLES) {
        const d = firstDifference(states.medusa[t], states.customerdb[t]);
        if (!d) continue;
        if (firstDifference(unmarkTimestamps(states.medusa[t]), unmarkTimestamps(states.customerdb[t]))) {
          found.push([`state of ${t}: ${method}: ${d.shape}`, d.text]);
          stateDiffers = true;
          break;
        }
        found.push([`state of ${t} (timestamps only): ${method}: ${d.shape}`, d.text]);
      }
    }
    for (const rule of used) stats.rules[rule] = (stats.rules[rule] ?? 0) + 1;
    if (trace) {
      process.stdout.write(`#${step} ${describeCall(call)}\n  medusa:     ${JSON.stringify(m)}\n  customerdb: ${JSON.stringify(c)}\n`);
      for (const [kind, detail] of found) process.stdout.write(`  DIFFERENCE ${kind}\n    ${detail}\n`);
      if (stateDiffers) {
        process.stdout.write(`  medusa state:     ${JSON.stringify(states.medusa)}\n  customerdb state: ${JSON.stringify(states.customerdb)}\n`);
      }
    }
    for (const [kind, detail] of found) {
      onDifference({
        kind,
        sequence: index,
        step,
        detail,
        request: describeCall(call),
        medusa: m,
        customerdb: c,
        states: kind.startsWith("state") ? states : undefined,
        history: history.map(describeCall),
      });
    }
    if (found.length) stats.differingCalls++;
    if (stateDiffers) {
      stats.stoppedSequences++;
      return false;
    }
    if (states) gen.state = states.medusa;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const boot = await bootMedusaV2({
    nodeDir: opts.nodeDir, socketDir: opts.socket, database: "medusa_diff", verbose: opts.verbose, monotonicIds: true,
  });
  const medusa = new Medusa(boot);
  const cdb = new CustomerDb(opts.customerdb);
  const bootMs = Date.now() - started;

  const stats = {
    sequences: 0, calls: 0, writes: 0, errors: 0, stateComparisons: 0, differingCalls: 0, stoppedSequences: 0,
    byMethod: {}, rules: {},
  };
  const kinds = new Map(); // kind -> {count, examples}
  const differingSequences = new Set();
  const onDifference = (d) => {
    differingSequences.add(d.sequence);
    const k = kinds.get(d.kind) ?? { count: 0, examples: [] };
    k.count++;
    if (k.examples.length < opts.examples) k.examples.push(d);
    kinds.set(d.kind, k);
  };

  let stop = false;
  process.on("SIGINT", () => { stop = true; });
  process.on("SIGTERM", () => { stop = true; });
  const deadline = opts.minutes !== null ? started + opts.minutes * 60000 : Infinity;
  const runStarted = Date.now();
  if (opts.calls !== null) {
    opts.callList = JSON.parse(readFileSync(opts.calls, "utf8"));
    if (!Array.isArray(opts.callList)) throw new Error(`${opts.calls}: not a JSON array`);
    await runSequence(0, opts, medusa, cdb, stats, onDifference, true);
  } else if (opts.only !== null) {
    await runSequence(opts.only, opts, medusa, cdb, stats, onDifference, true);
  } else {
    for (let i = opts.start; i < opts.start + opts.sequences && !stop && Date.now() < deadline; i++) {
      await runSequence(i, opts, medusa, cdb, stats, onDifference, false);
      if (stats.sequences % 500 === 0) {
        const s = (Date.now() - runStarted) / 1000;
        process.stderr.write(`medusa-diff: ${stats.sequences} sequences, ${stats.calls} calls, ` +
          `${differingSequences.size} with a difference, ${s.toFixed(0)} s\n`);
      }
    }
  }
  const runMs = Date.now() - runStarted;
  await cdb.close();
  await boot.close();

  // Report
  const lines = [];
  const p = (s = "") => lines.push(s);
  p(`medusa-diff: seed ${JSON.stringify(opts.seed)}, sequences ${opts.only ?? opts.start}..${(opts.only ?? opts.start) + stats.sequences - 1}`);
  p(`  ${stats.sequences} sequences, ${stats.calls} calls (${stats.writes} writes, ${stats.errors} failing in Medusa), ` +
    `${stats.stateComparisons} state comparisons`);
  p(`  ${(runMs / 1000).toFixed(1)} s (${(stats.sequences / (runMs / 1000)).toFixed(1)} sequences/s, ` +
    `${(stats.calls / (runMs / 1000)).toFixed(0)} calls/s), module booted in ${(bootMs / 1000).toFixed(1)} s`);
  p(`  calls with a difference: ${stats.differingCalls}, in ${differingSequences.size} sequences; ` +
    `${stats.stoppedSequences} sequences stopped early by a difference in the state`);
  p();
  p("Normalisation rules applied (calls):");
  for (const [rule, text] of Object.entries(RULES)) {
    if (rule === "ids" || rule === "timestamps") continue;
    p(`  ${rule.padEnd(18)} ${String(stats.rules[rule] ?? 0).padStart(7)}  ${text}`);
  }
  p();
  p("Never generated (avoided):");
  for (const [what, text] of Object.entries(AVOIDED)) p(`  ${what.padEnd(18)} ${text}`);
  p();
  p("Calls by method:");
  for (const [mth, n] of Object.entries(stats.byMethod).sort((a, b) => b[1] - a[1])) p(`  ${mth.padEnd(32)} ${n}`);
  p();
  if (kinds.size === 0) {
    p("No difference.");
  } else {
    p(`Differences by kind (${kinds.size} kinds):`);
    for (const [kind, k] of [...kinds.entries()].sort((a, b) => b[1].count - a[1].count)) {
      p(`  ${String(k.count).padStart(6)}  ${kind}`);
    }
    for (const [kind, k] of [...kinds.entries()].sort((a, b) => b[1].count - a[1].count)) {
      for (const ex of k.examples) {
        p();
        p(`== ${kind} (${k.count}x); in sequence ${ex.sequence}, call ${ex.step}` +
          ` (replay: scripts/medusa-diff --seed ${opts.seed} --only ${ex.sequence})`);
        p(`   request:    ${ex.request}`);
        p(`   Medusa:     ${JSON.stringify(ex.medusa)}`);
        p(`   customerdb: ${JSON.stringify(ex.customerdb)}`);
        p(`   where:      ${ex.detail}`);
        if (ex.history.length > 1) {
          p(`   calls before it:`);
          for (const h of ex.history.slice(0, -1)) p(`     ${h}`);
        }
      }
    }
  }
  const text = lines.join("\n") + "\n";
  process.stdout.write(text);
  if (opts.report) {
    writeFileSync(opts.report, JSON.stringify({
      seed: opts.seed, start: opts.start, stats, runMs, bootMs, rules: RULES, avoided: AVOIDED,
      differences: Object.fromEntries(kinds),
    }, null, 2));
  }
  process.exit(kinds.size === 0 ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`medusa-diff: ${err?.stack ?? err}\n`);
  process.exit(2);
});
