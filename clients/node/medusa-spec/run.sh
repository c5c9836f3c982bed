#!/bin/sh
# Runs Medusa's own integration spec of the Customer Module, unchanged, through this package:
# the spec file is taken from a local clone of medusajs/medusa at the commit given, transpiled
# (types erased), and run on node:test with Jest's `expect` and a stand-in for Medusa's
# moduleIntegrationTestRunner that hands it a customerdb client (see README.md, "Medusa's
# integration spec"). Nothing of Medusa's is kept in this repository: the spec is read from
# the clone into a work folder.
#
#   clients/node/medusa-spec/run.sh MEDUSA_CLONE [COMMIT] [SPEC_PATH]
#
# COMMIT defaults to 77d72c5 (the last v1 release of the module, the seed's method names);
# SPEC_PATH to the module's service spec at that commit. The customerdb program is found as the
# package finds it ($CUSTOMERDB, else PATH). Needs the package built (scripts/test.sh does it)
# and the npm registry once, for Jest's `expect` (29.7.0). Exits with node:test's status.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
clone=${1:?usage: run.sh MEDUSA_CLONE [COMMIT] [SPEC_PATH]}
commit=${2:-77d72c5}
spec=${3:-packages/modules/customer/integration-tests/__tests__/services/customer-module/index.spec.ts}
work=${CUSTOMERDB_SPEC_WORK:-${TMPDIR:-/tmp}/customerdb-medusa-spec}
mkdir -p "$work"
if [ ! -f "$work/node_modules/expect/package.json" ]; then
  (cd "$work" && { [ -f package.json ] || echo '{"private": true}' >package.json; } &&
    npm install --no-audit --no-fund --silent expect@29.7.0)
fi
if [ -d "$clone/.git" ] || [ -f "$clone/HEAD" ]; then
  git -C "$clone" show "$commit:$spec" >"$work/spec.ts"
else
  echo "run.sh: $clone is not a git clone of medusajs/medusa" >&2
  exit 2
fi
[ -d "$here/../dist" ] || { echo "run.sh: build the package first (scripts/test.sh)" >&2; exit 2; }
node "$here/transpile.mjs" "$work/spec.ts" "$here/.spec.generated.mjs"
CUSTOMERDB_SPEC_WORK=$work exec node --test --test-reporter=spec "$here/.spec.generated.mjs"
