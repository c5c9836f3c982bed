// Finding the customerdb program: the `program` option, else the CUSTOMERDB environment
// variable, else PATH.

import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, resolve } from "node:path";

import { ProgramNotFoundError } from "./errors.js";
import type { Environment } from "./types.js";

export interface FindProgramOptions {
  /** The program's path (or a name looked up on PATH). */
  program?: string;
  /** The environment read for CUSTOMERDB and PATH (default: process.env). */
  env?: Environment;
  /** The directory a relative path is taken from (default: process.cwd()). */
  cwd?: string;
}

const HOW_TO =
  'pass { program: "/path/to/customerdb" } to CustomerDb.start(), set the CUSTOMERDB ' +
  "environment variable to the program's path, or add the directory holding customerdb to PATH";

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(name: string, pathVariable: string | undefined, cwd: string): string | null {
  for (const dir of (pathVariable ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = resolve(cwd, dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function located(given: string, source: string, env: Environment, cwd: string): string {
  if (given.includes("/")) {
    const path = isAbsolute(given) ? given : resolve(cwd, given);
    if (isExecutableFile(path)) return path;
    throw new ProgramNotFoundError(
      `customerdb program not found: ${given} (from ${source}) is not an executable file`,
    );
  }
  const found = searchPath(given, env.PATH, cwd);
  if (found !== null) return found;
  throw new ProgramNotFoundError(
    `customerdb program not found: ${given} (from ${source}) is not on PATH`,
  );
}

/**
 * The absolute path of the customerdb program: `options.program`, else `$CUSTOMERDB`, else the
 * first `customerdb` on `$PATH`. Throws ProgramNotFoundError, naming all three, when none is
 * found, or naming the one given when it is not an executable file.
 */
export function findProgram(options: FindProgramOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.program !== undefined && options.program !== "") {
    return located(options.program, "the program option", env, cwd);
  }
  if (env.CUSTOMERDB !== undefined && env.CUSTOMERDB !== "") {
    return located(env.CUSTOMERDB, "the CUSTOMERDB environment variable", env, cwd);
  }
  const found = searchPath("customerdb", env.PATH, cwd);
  if (found !== null) return found;
  throw new ProgramNotFoundError(
    `customerdb program not found: no program option, no CUSTOMERDB environment variable, ` +
      `and no customerdb on PATH; ${HOW_TO}`,
  );
}
