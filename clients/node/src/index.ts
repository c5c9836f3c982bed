// customerdb for Node: starts the customerdb program (`customerdb rpc`) and calls Medusa's
// Customer Module on it. See README.md.

export { CustomerDb } from "./client.js";
export type { ExitStatus, StartOptions } from "./client.js";
export { CustomerDbError, CustomerDbProcessError, ErrorTypes, ProgramNotFoundError } from "./errors.js";
export type { ErrorType } from "./errors.js";
export { V1_METHODS } from "./methods.js";
export type { CustomerModuleServiceV1, MethodTable, Target, V1MethodName } from "./methods.js";
export { findProgram } from "./program.js";
export type { FindProgramOptions } from "./program.js";
export type * from "./types.js";
