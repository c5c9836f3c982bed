// The call-file runner shared by scripts/medusa-oracle's two drivers (medusa-oracle.mjs for
// Medusa v1, medusa-oracle-v2.mjs for v2): runs a JSON list of calls on a booted module and
// writes one JSON line per call through `out`.
//
// A call is {"method", "params"} or {"sql"}; "as": "name" labels its result, and "$name" or
// "$name.a.0.b" in a later call's params stands for that labelled result (or a part of it).
// Each line is {"i", "method" | "sql", "result"} or {..., "error": {type, name, message, code?,
// detail?}}. `methodName(method)` names the service's method for a call's "method".
export async function runCalls(calls, { service, sql, out, methodName = (m) => m }) {
  const labels = {};
  const resolve = (value) => {
    if (typeof value === "string" && /^\$[A-Za-z_]\w*(\.[\w-]+)*$/.test(value)) {
      const [name, ...path] = value.slice(1).split(".");
      if (!(name in labels)) throw new Error(`unknown label $${name}`);
      return path.reduce((v, k) => (v == null ? v : v[k]), labels[name]);
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };

  let i = 0;
  for (const call of calls) {
    const line = { i: i++ };
    try {
      let result;
      if (call.sql !== undefined) {
        line.sql = call.sql;
        const r = await sql(call.sql);
        result = r.rows ?? null;
      } else {
        line.method = call.method;
        const name = methodName(String(call.method));
        if (typeof service[name] !== "function") {
          throw new Error(`the module has no method ${name}`);
        }
        const params = resolve(call.params ?? []);
        result = await service[name](...params);
      }
      if (call.as) labels[call.as] = JSON.parse(JSON.stringify(result ?? null));
      line.result = result === undefined ? null : result;
    } catch (err) {
      line.error = {
        type: err?.type ?? null,
        name: err?.constructor?.name ?? typeof err,
        message: err?.message ?? String(err),
      };
      if (err?.code) line.error.code = err.code;
      if (err?.detail) line.error.detail = err.detail;
    }
    out(line);
  }
}
