// The client: starts `customerdb rpc` as a child process and speaks JSON-RPC 2.0 with it over
// stdio, one request per line out, one answer per line in (docs/protocol.md, "stdio").

import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

import { CustomerDbError, CustomerDbProcessError } from "./errors.js";
import {
  type CustomerModuleServiceV1,
  type CustomerModuleServiceV2,
  V1_METHODS,
  V2_METHODS,
  V2_WIRE_NAMES,
} from "./methods.js";
import { findProgram, type FindProgramOptions } from "./program.js";
import type {
  ClearResult,
  Context,
  LoadFixtureResult,
  MarkResult,
  RewindResult,
  Signal,
  SnapshotResult,
  StoreStats,
  TransactionContext,
  TransactionOptions,
} from "./types.js";

export interface StartOptions extends FindProgramOptions {
  /** A data directory (`--data DIR`); without it the store lives in memory only. */
  data?: string;
  /**
   * With `data`: load the directory's store and never write to it (`--copy-on-open`): writes
   * stay in this program's memory, so tests can start from a fixture directory without
   * changing it.
   */
  copyOnOpen?: boolean;
  /** More options for `customerdb rpc`, e.g. `["--max-answer-rows", "0"]`. */
  args?: string[];
  /**
   * The program's standard error (its logs): `"capture"` (default) keeps its end for error
   * messages and `stderr`; `"inherit"` writes it to this process's standard error.
   */
  stderr?: "capture" | "inherit";
  /** How long start() waits for the program's first answer before it gives up (default 30 s). */
  startTimeoutMs?: number;
  /**
   * How long close() waits for the program to stop after closing its input before it sends
   * SIGTERM, and again before SIGKILL (default 30 s each).
   */
  closeTimeoutMs?: number;
}

/** How the program's process ended. */
export interface ExitStatus {
  code: number | null;
  signal: Signal | null;
}

interface PendingCall {
  method: string;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** Where the call was made, for the stack of its error. */
  origin: Error;
}

interface WireResponse {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: { type?: unknown } | null };
}

const STDERR_TAIL_BYTES = 16 * 1024;
/** This package's compiled files, whose frames the stacks of call errors leave out. */
const PACKAGE_DIR = new URL(".", import.meta.url).href;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;

/** The context param sent for a `sharedContext`: only the keys the program knows. */
function wireContext(ctx: unknown): unknown {
  if (ctx === undefined || ctx === null) return null;
  if (typeof ctx !== "object" || Array.isArray(ctx)) return ctx; // the program names the error
  const { transactionId, timeoutMs } = ctx as Context;
  const out: Context = {};
  if (transactionId !== undefined && transactionId !== null) out.transactionId = transactionId;
  if (timeoutMs !== undefined && timeoutMs !== null) out.timeoutMs = timeoutMs;
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * Calls a module method: its positional params (left-out trailing ones dropped, skipped ones
 * sent as null) and, when the context names a transaction or a time budget, the context last.
 */
async function callModule(
  db: CustomerDb,
  method: string,
  positional: number,
  args: unknown[],
): Promise<unknown> {
  const params = args.slice(0, positional);
  while (params.length > 0 && params[params.length - 1] === undefined) params.pop();
  for (let i = 0; i < params.length; ++i) if (params[i] === undefined) params[i] = null;
  const ctx = wireContext(args[positional]);
  if (ctx !== null) {
    while (params.length < positional) params.push(null);
    params.push(ctx);
  }
  const result = await db.call(method, params);
  return result === null ? undefined : result;
}

/**
 * Installs one method per entry of a method table on a prototype, named as the module's; each
 * calls `wireName(name)` on the client `clientOf(this)`.
 */
function installMethods<Self>(
  prototype: Self,
  table: Readonly<Record<string, number>>,
  wireName: (name: string) => string,
  clientOf: (self: Self) => CustomerDb,
): void {
  for (const [name, positional] of Object.entries(table)) {
    const wire = wireName(name);
    const method = {
      [name](this: Self, ...args: unknown[]): Promise<unknown> {
        return callModule(clientOf(this), wire, positional, args);
      },
    }[name]!;
    Object.defineProperty(prototype, name, {
      value: method,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

function describeExit(status: ExitStatus): string {
  return status.signal !== null
    ? `was killed by ${status.signal}`
    : `exited with status ${status.code}`;
}

export interface CustomerDb extends CustomerModuleServiceV1 {}

export interface CustomerDbV2 extends CustomerModuleServiceV2 {}

/**
 * Medusa 2.x's interface of the module on a running customerdb: `db.v2`. Its methods
 * (`createCustomers`, `listCustomers`, `addCustomerToGroup`, ...) call the program's `v2.`
 * methods, on the same store as the v1 methods of `db`; transactions, `mark` and `rewind` are
 * the client's (`db`).
 */
export class CustomerDbV2 {
  /** The client this interface calls through. */
  readonly db: CustomerDb;

  /** Made by the client: use `db.v2`. */
  constructor(db: CustomerDb) {
    this.db = db;
  }

  static {
    installMethods(
      CustomerDbV2.prototype,
      V2_METHODS,
      (name) => V2_WIRE_NAMES[name as keyof typeof V2_WIRE_NAMES],
      (self) => self.db,
    );
  }
}

/**
 * A running `customerdb rpc` and a client for it. Start one with `CustomerDb.start()`, call
 * the module's v1 methods (`create`, `list`, `addCustomerToGroup`, ...), its v2 ones on `v2`
 * (`db.v2.createCustomers`, ...) and the protocol's own (`mark`, `rewind`, `stats`, ...), and
 * `close()` it.
 */
export class CustomerDb {
  /** The program's absolute path. */
  readonly program: string;
  /** The arguments it was started with (`rpc` and its options). */
  readonly args: readonly string[];
  /**
   * Medusa 2.x's interface of the module (`db.v2.createCustomers(...)`, ...), on the same
   * program and store as the v1 methods of this client.
   */
  readonly v2: CustomerDbV2;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, PendingCall>();
  readonly #exited: Promise<ExitStatus>;
  readonly #closeTimeoutMs: number;
  #nextId = 1;
  #status: ExitStatus | null = null;
  #spawnError: Error | null = null;
  #closing = false;
  #stderrTail = "";
  #ref = true;
  /** Whether someone waits for `exited`. */
  #awaited = false;

  /**
   * Starts `customerdb rpc` and resolves once it answers. The program is `options.program`,
   * else `$CUSTOMERDB`, else `customerdb` on `$PATH` (ProgramNotFoundError when none is found).
   * Rejects with CustomerDbProcessError when the program exits before answering (its standard
   * error is in the message).
   */
  static async start(options: StartOptions = {}): Promise<CustomerDb> {
    const program = findProgram(options);
    const args = ["rpc"];
    if (options.data !== undefined) args.push("--data", options.data);
    if (options.copyOnOpen === true) args.push("--copy-on-open");
    args.push(...(options.args ?? []));
    const db = new CustomerDb(program, args, options);
    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        db.#child.kill("SIGKILL");
        reject(new CustomerDbProcessError(
          `customerdb did not start: no answer to ping within ${timeoutMs} ms from ${program}`,
          { stderr: db.#stderrTail },
        ));
      }, timeoutMs);
    });
    try {
      const pong = await Promise.race([db.ping(), timedOut]);
      if (pong !== "pong") {
        db.#child.kill("SIGKILL");
        throw new CustomerDbProcessError(
          `customerdb did not start: ${program} answered ping with ${JSON.stringify(pong)}`,
        );
      }
    } catch (error) {
      if (error instanceof CustomerDbProcessError && db.#spawnError !== null) {
        throw new CustomerDbProcessError(
          `customerdb did not start: ${program}: ${db.#spawnError.message}`,
          {},
          { cause: db.#spawnError },
        );
      }
      if (error instanceof CustomerDbProcessError && db.#status !== null) {
        throw new CustomerDbProcessError(
          `customerdb did not start: it ${describeExit(db.#status)}${db.#stderrSuffix(": ")}`,
          { exitCode: db.#status.code, signal: db.#status.signal, stderr: db.#stderrTail },
          { cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return db;
  }

  private constructor(program: string, args: string[], options: StartOptions) {
    this.program = program;
    this.args = Object.freeze([...args]);
    this.v2 = new CustomerDbV2(this);
    this.#closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    const capture = (options.stderr ?? "capture") === "capture";
    this.#child = spawn(program, args, {
      stdio: ["pipe", "pipe", capture ? "pipe" : "inherit"],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    const child = this.#child;
    this.#exited = new Promise<ExitStatus>((resolve) => {
      child.on("close", (code: number | null, signal: Signal | null) => {
        this.#finish({ code, signal });
        resolve(this.#status ?? { code, signal });
      });
      child.on("error", (error: Error) => {
        // Spawning failed (the process never ran), or a signal could not be sent.
        if (child.pid === undefined && this.#spawnError === null) {
          this.#spawnError = error;
          this.#finish({ code: null, signal: null });
          resolve({ code: null, signal: null });
        }
      });
    });
    // Writes to a program that has gone fail with EPIPE; its exit settles the calls.
    child.stdin!.on("error", () => {});
    if (capture) {
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (chunk: string) => {
        this.#stderrTail = (this.#stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
      });
    }
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on("line", (line) =>
      this.#onLine(line),
    );
    this.#setRef(false);
  }

  /** The process id of the program. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The end of what the program wrote on standard error (with `stderr: "capture"`). */
  get stderr(): string {
    return this.#stderrTail;
  }

  /** Resolves with the exit status once the program's process has ended. */
  get exited(): Promise<ExitStatus> {
    // Someone waits for the process: it keeps the event loop alive until it ends.
    if (this.#status === null) {
      this.#awaited = true;
      this.#setRef(true);
    }
    return this.#exited;
  }

  /** Sends the program a signal (default SIGTERM: it stops cleanly; see docs/protocol.md). */
  kill(signal: Signal = "SIGTERM"): boolean {
    return this.#child.kill(signal as NodeJS.Signals);
  }

  /**
   * Calls a method by name with positional params, as they go on the wire: the generic form of
   * every other method. Resolves with the result; rejects with CustomerDbError for an error
   * answer, CustomerDbProcessError when the program is not there to answer.
   */
  call<T = unknown>(method: string, params: readonly unknown[] = []): Promise<T> {
    const origin = new Error();
    if (this.#closing) {
      return Promise.reject(
        this.#withOrigin(
          new CustomerDbProcessError(`customerdb is closed: cannot call ${method}`, {
            exitCode: this.#status?.code ?? null,
            signal: this.#status?.signal ?? null,
            stderr: this.#stderrTail,
          }),
          origin,
        ),
      );
    }
    if (this.#status !== null || this.#spawnError !== null) {
      return Promise.reject(this.#goneError(method, "cannot call", origin));
    }
    const id = this.#nextId++;
    let line: string;
    try {
      line = JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {
        method,
        resolve: resolve as (value: unknown) => void,
        reject,
        origin,
      });
      if (this.#pending.size === 1) this.#setRef(true);
      this.#child.stdin!.write(line);
    });
  }

  // ---- Beyond the module -----------------------------------------------------------------

  /** `"pong"`. */
  ping(): Promise<"pong"> {
    return this.call("ping");
  }

  /** Row counts, the last commit's sequence, memory and snapshot figures. */
  stats(): Promise<StoreStats> {
    return this.call("stats");
  }

  /** Writes a snapshot of the data directory (needs `data`). */
  snapshot(): Promise<SnapshotResult> {
    return this.call("snapshot");
  }

  /** Remembers the committed state, for `rewind` (a new mark replaces the old one). */
  mark(): Promise<MarkResult> {
    return this.call("mark");
  }

  /** Brings every row changed since the mark back as it was, as one commit. */
  rewind(): Promise<RewindResult> {
    return this.call("rewind");
  }

  /** Erases every row, as one commit (a `rewind` brings them back). */
  clear(): Promise<ClearResult> {
    return this.call("clear");
  }

  /**
   * Adds the rows of a fixture on the program's machine as one commit: a JSON Lines file (as
   * `customerdb import` reads), a snapshot file or a data directory (read, never changed). All
   * or nothing: an error names the file (and the line) and adds nothing.
   */
  loadFixture(path: string): Promise<LoadFixtureResult> {
    return this.call("loadFixture", [path]);
  }

  /** Begins a transaction; pass the context it returns as the last argument of module calls. */
  beginTransaction(options?: TransactionOptions): Promise<TransactionContext> {
    return this.call("beginTransaction", options === undefined ? [] : [options]);
  }

  /** Applies the transaction's writes at once, or fails with `conflict` and applies nothing. */
  async commitTransaction(ctx: TransactionContext): Promise<void> {
    await this.call("commitTransaction", [{ transactionId: ctx.transactionId }]);
  }

  /** Discards the transaction's writes. */
  async rollbackTransaction(ctx: TransactionContext): Promise<void> {
    await this.call("rollbackTransaction", [{ transactionId: ctx.transactionId }]);
  }

  /**
   * Runs `work` inside a transaction: begins one, passes its context to `work`, commits when
   * `work` resolves (resolving with its value) and rolls back when it throws (rethrowing its
   * error). Pass the context as the last argument of each call that belongs to it.
   */
  async transaction<T>(
    work: (ctx: TransactionContext) => Promise<T> | T,
    options?: TransactionOptions,
  ): Promise<T> {
    const ctx = await this.beginTransaction(options);
    let result: T;
    try {
      result = await work(ctx);
    } catch (error) {
      try {
        await this.rollbackTransaction(ctx);
      } catch {
        // An expired transaction, or a program that has gone: the work's error tells more.
      }
      throw error;
    }
    await this.commitTransaction(ctx);
    return result;
  }

  /**
   * Stops the program cleanly: closes its input, so that it answers what it has read, rolls
   * back open transactions, makes a data directory durable and exits 0. After `closeTimeoutMs`
   * it gets SIGTERM, and SIGKILL after as long again. Resolves with the exit status; rejects
   * with CustomerDbProcessError when a program that was running exits otherwise than cleanly.
   */
  async close(): Promise<ExitStatus> {
    const wasRunning = this.#status === null && this.#spawnError === null && !this.#closing;
    if (!this.#closing) {
      this.#closing = true;
      this.#child.stdin!.end();
    }
    this.#setRef(true);
    const timers: NodeJS.Timeout[] = [];
    if (this.#status === null) {
      timers.push(setTimeout(() => this.#child.kill("SIGTERM"), this.#closeTimeoutMs));
      timers.push(setTimeout(() => this.#child.kill("SIGKILL"), 2 * this.#closeTimeoutMs));
    }
    const status = await this.#exited;
    for (const timer of timers) clearTimeout(timer);
    if (wasRunning && status.code !== 0) {
      throw new CustomerDbProcessError(
        `customerdb ${describeExit(status)} while stopping${this.#stderrSuffix(": ")}`,
        { exitCode: status.code, signal: status.signal, stderr: this.#stderrTail },
      );
    }
    return status;
  }

  // ---- Internals -------------------------------------------------------------------------

  static {
    // One method per entry of the v1 method table, named as the module's and on the wire.
    installMethods(CustomerDb.prototype, V1_METHODS, (name) => name, (self) => self);
  }

  #onLine(line: string): void {
    if (line.trim() === "") return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.#failAll(`customerdb wrote a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    for (const response of Array.isArray(message) ? message : [message]) {
      this.#settle(response as WireResponse);
    }
  }

  #settle(response: WireResponse): void {
    let id = typeof response.id === "number" ? response.id : undefined;
    let call = id === undefined ? undefined : this.#pending.get(id);
    if (call === undefined) {
      // An answer without our id (a request the program could not read): answers come in
      // order, so it is the oldest call's.
      const oldest = this.#pending.entries().next();
      if (oldest.done === true) return;
      [id, call] = oldest.value;
    }
    this.#pending.delete(id!);
    if (this.#pending.size === 0 && !this.#closing && !this.#awaited) this.#setRef(false);
    const error = response.error;
    if (error !== undefined && error !== null) {
      const type = typeof error.data?.type === "string" ? error.data.type : "internal_error";
      const code = typeof error.code === "number" ? error.code : -32603;
      const text = typeof error.message === "string" ? error.message : JSON.stringify(error);
      call.reject(this.#withOrigin(new CustomerDbError(type, text, code, call.method), call.origin));
    } else {
      call.resolve(response.result);
    }
  }

  #finish(status: ExitStatus): void {
    if (this.#status !== null) return;
    this.#status = status;
    for (const call of this.#pending.values()) {
      call.reject(this.#goneError(call.method, "before answering", call.origin));
    }
    this.#pending.clear();
  }

  #failAll(message: string): void {
    for (const call of this.#pending.values()) {
      call.reject(this.#withOrigin(new CustomerDbProcessError(message, { stderr: this.#stderrTail }), call.origin));
    }
    this.#pending.clear();
  }

  #goneError(method: string, when: "before answering" | "cannot call", origin: Error): Error {
    let message: string;
    if (this.#spawnError !== null) {
      message = `customerdb could not be started (${this.program}: ${this.#spawnError.message}): ${when} ${method}`;
    } else {
      const status = this.#status!;
      message =
        when === "before answering"
          ? `customerdb ${describeExit(status)} before answering ${method}`
          : `customerdb ${describeExit(status)}: cannot call ${method}`;
    }
    const error = new CustomerDbProcessError(message + this.#stderrSuffix("; standard error: "), {
      exitCode: this.#status?.code ?? null,
      signal: this.#status?.signal ?? null,
      stderr: this.#stderrTail,
    });
    return this.#withOrigin(error, origin);
  }

  #stderrSuffix(separator: string): string {
    const text = this.#stderrTail.trim();
    return text === "" ? "" : separator + text;
  }

  /** The error with the stack of the place the call was made. */
  #withOrigin<E extends Error>(error: E, origin: Error): E {
    const frames = (origin.stack ?? "")
      .split("\n")
      .slice(1)
      .filter((frame) => !frame.includes(PACKAGE_DIR))
      .join("\n");
    error.stack = `${error.name}: ${error.message}${frames === "" ? "" : "\n" + frames}`;
    return error;
  }

  /**
   * Whether the program's process and pipes keep this process's event loop alive: only while
   * calls are in flight or it is closing, so that a program that is never closed does not keep
   * Node from exiting (the program then sees the end of its input and stops).
   */
  #setRef(ref: boolean): void {
    if (ref === this.#ref) return;
    this.#ref = ref;
    const child = this.#child;
    const handles = [child, child.stdin, child.stdout, child.stderr] as unknown as (
      | { ref?: () => void; unref?: () => void }
      | null
    )[];
    for (const handle of handles) {
      if (handle === null) continue;
      if (ref) handle.ref?.();
      else handle.unref?.();
    }
  }
}
