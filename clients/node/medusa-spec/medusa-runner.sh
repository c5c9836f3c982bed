#!/bin/bash
# Times Medusa's OWN module test runner on the Customer Module's integration spec, for comparison
# with run.sh (the same spec through customerdb): the spec file, unchanged, is run by Jest with
# the published @medusajs/customer, @medusajs/test-utils (moduleIntegrationTestRunner) and
# @medusajs/framework against a throwaway PostgreSQL 15 cluster, and the time of every test is
# reported (Jest's duration of a test includes its beforeEach and afterEach hooks, where the
# runner builds the schema and starts the module, then drops the schema and stops it).
#
#   clients/node/medusa-spec/medusa-runner.sh [--migrations] MEDUSA_CLONE [COMMIT] [SPEC_PATH]
#
# COMMIT defaults to 59e6747 (Medusa 2.0's spec; v1's spec at 77d72c5 is not supported: the
# published v1-era packages, @medusajs/customer 0.0.2 with medusa-test-utils 1.1.44 and
# @medusajs/modules-sdk 1.12.x, fail every test's module start). Without --migrations the runner
# is used as the spec calls it (no pathToMigrations): every test builds the schema from the
# module's entities (MikroORM's refreshDatabase). With --migrations the runner is handed the
# published module's migrations folder, so every test applies the production migrations.
# Per test the runner: opens a MikroORM instance, ensures the database, CREATE SCHEMA, builds the
# schema (entities or migrations), boots the module with MedusaApp (and the link modules); after
# it: DROP SCHEMA public CASCADE, CREATE SCHEMA, closes the ORM, shuts the app down.
#
# Nothing of Medusa's goes into this repository: the packages are installed with npm into
# $MEDUSA_RUNNER_DIR (default /tmp/medusa-runner, kept and reused), the spec is read from the
# clone into that folder, and the cluster (TCP on 127.0.0.1, a free port; fsync off) lives in a
# temporary folder removed on exit. Environment: MEDUSA_RUNNER_PG_BIN (default
# /usr/lib/postgresql/15/bin). As root the cluster runs as the `postgres` user (made if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: medusa-runner.sh [--migrations] MEDUSA_CLONE [COMMIT] [SPEC_PATH]"
migrations=0
if [ "${1:-}" = --migrations ]; then migrations=1; shift; fi
clone=${1:?$usage}
commit=${2:-59e6747}
spec=${3:-packages/modules/customer/integration-tests/__tests__/services/customer-module/index.spec.ts}
dir=${MEDUSA_RUNNER_DIR:-/tmp/medusa-runner}
pg_bin=${MEDUSA_RUNNER_PG_BIN:-/usr/lib/postgresql/15/bin}
version=2.21.2
packages="@medusajs/customer@$version @medusajs/test-utils@$version @medusajs/framework@$version
  @medusajs/cli@$version @medusajs/link-modules@$version jest@29.7.0 @swc/core@1.16.22 @swc/jest@0.2.39"

case "$(realpath -m "$dir")/" in
  "$(realpath "$here/../../..")"/*) echo "medusa-runner.sh: $dir is inside the repository" >&2; exit 2 ;;
esac
[ -x "$pg_bin/initdb" ] || { echo "medusa-runner.sh: no PostgreSQL in $pg_bin" >&2; exit 2; }

# 1. Medusa's packages, once (a stamp records the list).
mkdir -p "$dir"
if [ "$(cat "$dir/.packages" 2>/dev/null)" != "$packages" ]; then
  echo "medusa-runner.sh: npm install $packages (into $dir)"
  # shellcheck disable=SC2086 # the list is words
  (cd "$dir" && { [ -f package.json ] || echo '{"name":"medusa-runner","private":true}' >package.json; } &&
    npm install --no-audit --no-fund --loglevel=error --legacy-peer-deps $packages)
  echo "$packages" >"$dir/.packages"
fi
module="$dir/node_modules/@medusajs/customer"

# 2. The spec, unchanged, and Jest's configuration: Medusa's own (define_jest_config.js: swc
# with decorators), `@services` mapped to the published module's services. swc also compiles
# the @medusajs packages, as in Medusa's repository (where they are workspace folders, not
# node_modules): their `await import()` needs it under Jest.
mkdir -p "$dir/spec"
git -C "$clone" show "$commit:$spec" >"$dir/spec/index.spec.ts"
cat >"$dir/spec/services.js" <<'EOF'
module.exports = require("@medusajs/customer/dist/services")
EOF
# The runner is handed the module to load (resolve): the spec names none, and the runner then
# loads the module's default package, @medusajs/medusa/customer, which re-exports
# @medusajs/customer (Medusa's repository has it; @medusajs/medusa is not installed here, and
# its link-modules, which every test's MedusaApp loads, is given as it is there: a re-export of
# @medusajs/link-modules with its discoveryPath).
# With --migrations it is also handed the published module's migrations.
extra=""
[ "$migrations" = 1 ] && extra="pathToMigrations: \"$module/dist/migrations\", "
cat >"$dir/spec/test-utils.js" <<EOF
const real = require("$dir/node_modules/@medusajs/test-utils/dist/index.js")
module.exports = {
  ...real,
  moduleIntegrationTestRunner: (options) =>
    real.moduleIntegrationTestRunner({ resolve: "$module", $extra...options }),
}
EOF
cat >"$dir/spec/medusa-link-modules.js" <<'EOF'
const linkModules = require("@medusajs/link-modules")
module.exports = { ...linkModules, default: linkModules.default ?? linkModules,
  discoveryPath: require.resolve("@medusajs/link-modules") }
EOF
# A test environment that records, per test, the time of its beforeEach hooks, body and
# afterEach hooks (from Jest's own events) into \$MEDUSA_RUNNER_PHASES.
cat >"$dir/spec/timing-environment.js" <<'EOF'
const NodeEnvironment = require("jest-environment-node").TestEnvironment
const fs = require("fs")
module.exports = class extends NodeEnvironment {
  async handleTestEvent(event) {
    const now = performance.now()
    if (event.name === "test_started") this.t = { name: event.test.name, start: now, before: 0, body: 0, after: 0 }
    else if (event.name === "hook_start" || event.name === "test_fn_start") this.mark = now
    else if (this.t && (event.name === "hook_success" || event.name === "hook_failure")) {
      if (event.hook.type === "beforeEach") this.t.before += now - this.mark
      if (event.hook.type === "afterEach") this.t.after += now - this.mark
    } else if (this.t && (event.name === "test_fn_success" || event.name === "test_fn_failure")) this.t.body += now - this.mark
    else if (this.t && event.name === "test_done") {
      this.t.total = now - this.t.start
      this.t.ok = event.test.errors.length === 0
      fs.appendFileSync(process.env.MEDUSA_RUNNER_PHASES, JSON.stringify(this.t) + "\n")
      this.t = null
    }
  }
}
EOF
mapper="\"^@services\$\": \"<rootDir>/spec/services.js\", \"^@medusajs/test-utils\$\": \"<rootDir>/spec/test-utils.js\",
  \"^@medusajs/medusa/link-modules\$\": \"<rootDir>/spec/medusa-link-modules.js\""
cat >"$dir/spec/jest.config.json" <<EOF
{
  "rootDir": "$dir",
  "roots": ["<rootDir>/spec"],
  "testEnvironment": "<rootDir>/spec/timing-environment.js",
  "transform": { "^.+\\\\.[jt]s\$": ["@swc/jest", { "jsc": { "parser": { "syntax": "typescript", "decorators": true },
    "transform": { "useDefineForClassFields": false, "legacyDecorator": true, "decoratorMetadata": true },
    "target": "ES2021" } }] },
  "transformIgnorePatterns": ["node_modules/(?!@medusajs/)"],
  "moduleFileExtensions": ["js", "ts"],
  "moduleNameMapper": { $mapper }
}
EOF

# 3. A throwaway PostgreSQL 15 cluster.
work=$(mktemp -d /tmp/medusa-runner-pg.XXXXXX)
pg_user=$(id -un)
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
started=0
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ "$started" = 1 ]; then
    run_pg "$pg_bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$(id -u)" = 0 ]; then
  pg_user=postgres
  id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home "$pg_user"
  chown "$pg_user" "$work"
fi
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
run_pg "$pg_bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log" >&2; exit 1; }
run_pg "$pg_bin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off" start >/dev/null ||
  { cat "$work/pg.log" >&2; exit 1; }
started=1
echo "medusa-runner.sh: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (fsync off)"

# 4. The spec under Jest, in one process, from the module's folder (the runner reads the models
# from the current folder's dist/models, as in Medusa's repository after a build).
schema="entities (refreshDatabase)"; [ "$migrations" = 1 ] && schema="the module's migrations"
echo "medusa-runner.sh: $spec at $commit, @medusajs/customer@$version, schema from $schema; load: $(uptime | sed 's/.*load/load/')"
phases="$work/phases.jsonl"
: >"$phases"
t0=$(date +%s%N)
rc=0
(cd "$module" && DB_HOST=127.0.0.1 DB_PORT=$port DB_USERNAME=postgres DB_PASSWORD='' \
  MEDUSA_RUNNER_PHASES=$phases \
  timeout 1200 node "$dir/node_modules/jest/bin/jest.js" --config "$dir/spec/jest.config.json" --runInBand --forceExit --ci \
  "$dir/spec/index.spec.ts") || rc=$?
t1=$(date +%s%N)
node - "$phases" $(((t1 - t0) / 1000000)) <<'EOF'
const [file, wall] = process.argv.slice(2)
const rows = require("fs").readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse)
if (!rows.length) { console.log("medusa-runner.sh: no test ran"); process.exit(0) }
const stat = (key) => {
  const v = rows.map((r) => r[key]).sort((a, b) => a - b)
  const mean = v.reduce((a, b) => a + b, 0) / v.length
  return `mean ${mean.toFixed(1)} ms, median ${v[v.length >> 1].toFixed(1)} ms, min ${v[0].toFixed(1)}, max ${v[v.length - 1].toFixed(1)}`
}
const sum = rows.reduce((a, r) => a + r.total, 0)
console.log(`medusa-runner.sh: ${rows.filter((r) => r.ok).length} passed, ${rows.filter((r) => !r.ok).length} failed of ${rows.length}; ` +
  `sum of tests ${(sum / 1000).toFixed(2)} s, jest as a whole ${(wall / 1000).toFixed(2)} s`)
console.log(`  per test (hooks included): ${stat("total")}`)
console.log(`  beforeEach (schema + module start): ${stat("before")}`)
console.log(`  test body: ${stat("body")}`)
console.log(`  afterEach (DROP SCHEMA + stop): ${stat("after")}`)
EOF
echo "medusa-runner.sh: load after: $(uptime | sed 's/.*load/load/')"
exit $rc
