// Uses customerdb as a test fixture from Node (no dependencies): starts `customerdb rpc`,
// creates data and queries it. Set CUSTOMERDB to the program's path if it is not on PATH.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const child = spawn(process.env.CUSTOMERDB ?? "customerdb", ["rpc"], {
  stdio: ["pipe", "pipe", "inherit"],
});
const pending = new Map();
createInterface({ input: child.stdout }).on("line", (line) => {
  const { id, result, error } = JSON.parse(line);
  const { resolve, reject } = pending.get(id);
  pending.delete(id);
  error ? reject(new Error(`${error.data.type}: ${error.message}`)) : resolve(result);
});
let nextId = 1;
const call = (method, ...params) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
  });

const vip = await call("createCustomerGroup", { name: "VIP" });
const john = await call("create", { email: "john@smith.com", first_name: "John" });
await call("addCustomerToGroup", { customer_id: john.id, customer_group_id: vip.id });

const [rows, count] = await call("listAndCount", { groups: vip.id }, { select: ["email"] });
assert.deepEqual([rows.map((r) => r.email), count], [["john@smith.com"], 1]);
await call("create", { email: "john@smith.com" }).catch((e) => console.log(e.message));
child.stdin.end(); // end of input: customerdb exits cleanly
