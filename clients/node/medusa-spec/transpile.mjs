// Turns a Medusa TypeScript spec into an ES module for node:test, unchanged but for its
// types (erased by TypeScript's transpiler) and the modules it imports: the stand-ins of this
// folder take the place of Medusa's packages, as Jest's moduleNameMapper would, and the Jest
// globals are imported first.  Usage: node transpile.mjs SPEC.ts OUT.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "package.json"));
const ts = require("typescript");

const stand_ins = {
  "medusa-test-utils": join(here, "medusa-test-utils.mjs"),
  "@medusajs/modules-sdk": join(here, "modules-sdk.mjs"),
};

const [source, out] = process.argv.slice(2);
const { outputText } = ts.transpileModule(readFileSync(source, "utf8"), {
  compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  fileName: source,
});
const mapped = outputText.replace(/from "([^"]+)"/g, (whole, name) => {
  if (name in stand_ins) return `from ${JSON.stringify(stand_ins[name])}`;
  if (name.startsWith("@medusajs/types")) return whole; // erased: types only
  throw new Error(`${source} imports ${name}, which has no stand-in`);
});
writeFileSync(out, `import ${JSON.stringify(join(here, "jest-globals.mjs"))};\n${mapped}`);
