// A stand-in for the module's `@services` (its CustomerModuleService), for a spec that builds the
// module's definition: `Module(Modules.CUSTOMER, { service: CustomerModuleService })`. The
// service is customerdb's v2 interface (the package's CustomerDbV2, which the runner hands the
// spec as `service`); what the module's definition reads of it is its models, through its
// joiner config. Those are the four entities customerdb stores (the rows `stats` counts), under
// the names of Medusa 2.x's models, each keyed by `id`, listed in the order Medusa's module
// loads its models (the files of its src/models folder: address, customer-group-customer,
// customer-group, customer).
import { CustomerDbV2 } from "customerdb";

const MODELS = [
  { name: "CustomerAddress", primaryKey: "id" },
  { name: "CustomerGroupCustomer", primaryKey: "id" },
  { name: "CustomerGroup", primaryKey: "id" },
  { name: "Customer", primaryKey: "id" },
];

const snakeCase = (text) => text.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();

export class CustomerModuleService extends CustomerDbV2 {
  static models = MODELS;

  /** The joiner config Medusa builds from models that are not DML objects. */
  __joinerConfig() {
    return {
      serviceName: "customer",
      primaryKeys: ["id"],
      linkableKeys: Object.fromEntries(
        MODELS.map((model) => [`${snakeCase(model.name)}_${model.primaryKey}`, model.name]),
      ),
    };
  }
}
