// Turns a Medusa TypeScript spec into an ES module for node:test, unchanged but for its
// types (erased by TypeScript's transpiler) and the modules it imports: the stand-ins of this
// folder take the place of Medusa's packages, as Jest's moduleNameMapper would, and the Jest
// globals are imported first. Prints the interface the spec calls: "v2" when it calls a method
// only Medusa 2.x has (`service.createCustomers(...)`), else "v1".
// Usage: node transpile.mjs SPEC.ts OUT.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

import { V1_METHODS, V2_METHODS } from "customerdb";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "package.json"));
const ts = require("typescript");

const stand_ins = {
  // v1 (May 2024)
  "medusa-test-utils": join(here, "medusa-test-utils.mjs"),
  "@medusajs/modules-sdk": join(here, "modules-sdk.mjs"),
  // v2 (2.0)
  "@medusajs/test-utils": join(here, "medusa-test-utils.mjs"),
  "@medusajs/framework/utils": join(here, "framework-utils.mjs"),
  "@services": join(here, "services.mjs"),
};
// Imported for their types only: erased by the transpiler, so they must not reach the output.
const types_only = ["@medusajs/types", "@medusajs/framework/types"];

const [source, out] = process.argv.slice(2);
const text = readFileSync(source, "utf8");
const { outputText } = ts.transpileModule(text, {
  compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  fileName: source,
});
const mapped = outputText.replace(/from "([^"]+)"/g, (whole, name) => {
  if (name in stand_ins) return `from ${JSON.stringify(stand_ins[name])}`;
  if (types_only.some((prefix) => name.startsWith(prefix))) return whole;
  throw new Error(`${source} imports ${name}, which has no stand-in`);
});
writeFileSync(out, `import ${JSON.stringify(join(here, "jest-globals.mjs"))};\n${mapped}`);

const called = new Set([...text.matchAll(/\bservice\s*\.\s*(\w+)\s*\(/g)].map((match) => match[1]));
const v2Only = [...called].filter((name) => name in V2_METHODS && !(name in V1_METHODS));
process.stdout.write(v2Only.length > 0 ? "v2\n" : "v1\n");
