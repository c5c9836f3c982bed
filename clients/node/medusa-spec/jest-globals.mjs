// The globals a Jest spec expects, on node:test: describe/it/test and the hooks, Jest's own
// `expect` (the npm package the script installs beside the spec), and `jest.setTimeout`.
// Imported first by every spec the script runs (see run.sh).
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { createRequire } from "node:module";

const require = createRequire(process.env.CUSTOMERDB_SPEC_WORK + "/package.json");
const { expect } = require("expect");

let timeoutMs = 5000;
const withTimeout = (register) => (name, fn, ms) =>
  register(name, { timeout: ms ?? timeoutMs }, fn);

Object.assign(globalThis, {
  describe,
  it: withTimeout(it),
  test: withTimeout(it),
  beforeAll: before,
  afterAll: after,
  beforeEach,
  afterEach,
  expect,
  jest: {
    setTimeout(ms) {
      timeoutMs = ms;
    },
  },
});
