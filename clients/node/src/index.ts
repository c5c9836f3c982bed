// customerdb for Node: starts the customerdb program (`customerdb rpc`) and calls Medusa's
// Customer Module on it. See README.md.

export { CustomerDb, CustomerDbV2 } from "./client.js";
export type { ExitStatus, StartOptions } from "./client.js";
export { CustomerDbError, CustomerDbProcessError, ErrorTypes, ProgramNotFoundError } from "./errors.js";
export type { ErrorType } from "./errors.js";
export { V1_METHODS, V2_METHODS, V2_WIRE_NAMES } from "./methods.js";
export type {
  CustomerModuleServiceV1,
  CustomerModuleServiceV2,
  MethodTable,
  Target,
  V1MethodName,
  V2MethodName,
} from "./methods.js";
export { findProgram } from "./program.js";
export type { FindProgramOptions } from "./program.js";
export type * from "./types.js";
/** Medusa 2.x's shapes of the module, under Medusa's names: `V2.CreateCustomerGroupDTO`, ... */
export type * as V2 from "./types-v2.js";
