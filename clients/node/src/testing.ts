// Test fixtures: one store per test file, loaded once, marked, and rewound after each test
// (docs/protocol.md, "Beyond the module": mark and rewind). For node:test, Jest and Vitest.

import { CustomerDb, type StartOptions } from "./client.js";
import type { MarkResult } from "./types.js";

/** A hook registrar: node:test's `before`, Jest's and Vitest's `beforeAll`, and so on. */
export type HookRegistrar = (fn: () => Promise<void>) => unknown;

export interface CustomerDbFixtureOptions extends StartOptions {
  /**
   * A fixture on this machine loaded before `setup` (`loadFixture`): a JSON Lines file, a
   * snapshot file or a data directory, which is never changed.
   */
  fixture?: string;
  /**
   * Loads the data every test starts from, once, before the mark: create rows through `db`
   * (or start from a data directory with `data`).
   */
  setup?: (db: CustomerDb) => unknown;
}

export interface UseCustomerDbOptions extends CustomerDbFixtureOptions {
  /** Runs once before the file's tests (node:test: `before`; default: global `beforeAll`). */
  before?: HookRegistrar;
  /** Runs once after them (node:test: `after`; default: global `afterAll`). */
  after?: HookRegistrar;
  /** Runs after each test (default: global `afterEach`). */
  afterEach?: HookRegistrar;
}

/**
 * A store for one test file: `start()` starts the program, loads `fixture`, runs `setup` and
 * marks the state;
 * `reset()` rewinds to the mark; `stop()` closes the program. `db` is the client once started.
 */
export class CustomerDbFixture {
  readonly #options: CustomerDbFixtureOptions;
  #db: CustomerDb | null = null;
  #mark: MarkResult | null = null;

  constructor(options: CustomerDbFixtureOptions = {}) {
    this.#options = options;
  }

  /** The client; throws before `start()` has finished or after `stop()`. */
  get db(): CustomerDb {
    if (this.#db === null) {
      throw new Error(
        "customerdb fixture: the store is not running; use fixture.db inside tests and hooks " +
          "(it starts in the before hook and stops in the after hook)",
      );
    }
    return this.#db;
  }

  /** The mark the tests start from: `{ sequence }` of the commit marked. */
  get mark(): MarkResult | null {
    return this.#mark;
  }

  /** Starts the program, loads the data with `setup` and marks the state. */
  async start(): Promise<CustomerDb> {
    if (this.#db !== null) return this.#db;
    const { setup, fixture, ...startOptions } = this.#options;
    const db = await CustomerDb.start(startOptions);
    try {
      if (fixture !== undefined) await db.loadFixture(fixture);
      if (setup !== undefined) await setup(db);
      this.#mark = await db.mark();
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
    this.#db = db;
    return db;
  }

  /** Brings the store back to the mark; resolves with the rows written back. */
  async reset(): Promise<number> {
    if (this.#db === null) return 0;
    return (await this.#db.rewind()).restored;
  }

  /** Closes the program. */
  async stop(): Promise<void> {
    const db = this.#db;
    this.#db = null;
    if (db !== null) await db.close();
  }
}

function globalHook(...names: string[]): HookRegistrar | undefined {
  const scope = globalThis as Record<string, unknown>;
  for (const name of names) {
    if (typeof scope[name] === "function") return scope[name] as HookRegistrar;
  }
  return undefined;
}

/**
 * Registers a store for the current test file: started and loaded before its tests (`setup`,
 * then `mark`), rewound after each test, closed after them all. Call it at the top of a file
 * (or of a describe block); use `.db` inside tests.
 *
 * node:test's hooks are imports, so pass them: `useCustomerDb({ before, after, afterEach })`.
 * Jest, and Vitest with `globals: true`, need nothing: the global `beforeAll`, `afterAll` and
 * `afterEach` are used (with Vitest without globals, pass `{ before: beforeAll, after: afterAll,
 * afterEach }` from "vitest").
 */
export function useCustomerDb(options: UseCustomerDbOptions = {}): CustomerDbFixture {
  const { before, after, afterEach, ...fixtureOptions } = options;
  const registerBefore = before ?? globalHook("beforeAll", "before");
  const registerAfter = after ?? globalHook("afterAll", "after");
  const registerAfterEach = afterEach ?? globalHook("afterEach");
  if (registerBefore === undefined || registerAfter === undefined || registerAfterEach === undefined) {
    throw new TypeError(
      "useCustomerDb: no test hooks found; pass { before, after, afterEach } " +
        '(from "node:test", or beforeAll/afterAll/afterEach from your framework), ' +
        "or run under Jest or Vitest with globals",
    );
  }
  const fixture = new CustomerDbFixture(fixtureOptions);
  registerBefore(async () => {
    await fixture.start();
  });
  registerAfterEach(async () => {
    await fixture.reset();
  });
  registerAfter(async () => {
    await fixture.stop();
  });
  return fixture;
}
