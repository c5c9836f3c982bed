// A stand-in for @medusajs/modules-sdk: the module names a spec passes to its runner.
export const Modules = { CUSTOMER: "customer" };
