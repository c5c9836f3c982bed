// A stand-in for @medusajs/framework/utils (Medusa 2.x): what a module's spec imports of it,
// `Modules` and `Module`. `Module(serviceName, { service })` builds a module's exports as
// Medusa's does for a service whose models are not DML objects: the service's joiner config
// lists its linkable keys (`customer_id: "Customer"`, ...) and each becomes the `linkable`
// entry of its model (Medusa's buildLinkConfigFromLinkableKeys, in
// packages/core/utils/src/modules-sdk/joiner-config-builder.ts). The models are the service's:
// see services.mjs.
export const Modules = { CUSTOMER: "customer" };

const camelToSnakeCase = (text) => text.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
const lowerCaseFirst = (text) => text.charAt(0).toLowerCase() + text.slice(1);
const upperCaseFirst = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** The linkable configuration of a module: for each model, its primary keys' link entries. */
function linkConfigFromLinkableKeys(serviceName, linkableKeys) {
  const linkConfig = {};
  for (const [linkable, modelName] of Object.entries(linkableKeys)) {
    const primaryKey = linkable.replace(`${camelToSnakeCase(modelName)}_`, "");
    const field = lowerCaseFirst(modelName);
    const config = { linkable, primaryKey, serviceName, field, entity: upperCaseFirst(modelName) };
    linkConfig[field] ??= { toJSON: () => config };
    linkConfig[field][primaryKey] = config;
  }
  return linkConfig;
}

export function Module(serviceName, { service, loaders }) {
  const { linkableKeys } = service.prototype.__joinerConfig();
  return { service, loaders, linkable: linkConfigFromLinkableKeys(serviceName, linkableKeys) };
}
