// Errors: what the program answers (CustomerDbError, with Medusa's `type` and `message`), what
// happens to the process (CustomerDbProcessError), and a program that cannot be found
// (ProgramNotFoundError).

import type { Signal } from "./types.js";

/** The `type` of an error answer (docs/protocol.md, "Errors"). */
export const ErrorTypes = Object.freeze({
  NOT_FOUND: "not_found",
  INVALID_DATA: "invalid_data",
  CONFLICT: "conflict",
  NOT_ALLOWED: "not_allowed",
  TIMED_OUT: "timed_out",
  PARSE_ERROR: "parse_error",
  INVALID_REQUEST: "invalid_request",
  METHOD_NOT_FOUND: "method_not_found",
  INVALID_PARAMS: "invalid_params",
  INTERNAL_ERROR: "internal_error",
  IO_ERROR: "io_error",
  CORRUPTION: "corruption",
} as const);

/** One of ErrorTypes, or a type a later program may add. */
export type ErrorType = (typeof ErrorTypes)[keyof typeof ErrorTypes] | (string & {});

/**
 * An error the program answered: `type` and `message` are the program's (for the module's
 * errors, Medusa's own: `not_found`, "Customer with id: cus_nope was not found"); `code` is
 * the JSON-RPC error code and `method` the method called.
 */
export class CustomerDbError extends Error {
  static readonly Types = ErrorTypes;
  override readonly name = "CustomerDbError";
  readonly type: ErrorType;
  readonly code: number;
  readonly method: string;

  constructor(type: ErrorType, message: string, code: number, method: string) {
    super(message);
    this.type = type;
    this.code = code;
    this.method = method;
  }
}

/**
 * The program is not there to answer: it exited or was killed (a call in flight, or a call made
 * after), it could not be started, or the client was closed. `exitCode` / `signal` say how the
 * process ended (both `null` while it runs), `stderr` is the end of what it wrote there.
 */
export class CustomerDbProcessError extends Error {
  override readonly name = "CustomerDbProcessError";
  readonly exitCode: number | null;
  readonly signal: Signal | null;
  readonly stderr: string;

  constructor(
    message: string,
    details: { exitCode?: number | null; signal?: Signal | null; stderr?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.stderr = details.stderr ?? "";
  }
}

/** No customerdb program at the place given, or none found at all. */
export class ProgramNotFoundError extends Error {
  override readonly name = "ProgramNotFoundError";
}
