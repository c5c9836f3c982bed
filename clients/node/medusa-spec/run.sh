#!/bin/sh
# Runs Medusa's own integration spec of the Customer Module, unchanged, through this package:
# the spec file is taken from a local clone of medusajs/medusa at the commit given, transpiled
# (types erased), and run on node:test with Jest's `expect` and a stand-in for Medusa's
# moduleIntegrationTestRunner that hands it a customerdb client (see README.md, "Medusa's
# integration spec"). Nothing of Medusa's is kept in this repository: the spec is read from
# the clone into a work folder.
#
#   clients/node/medusa-spec/run.sh [--interface v1|v2] MEDUSA_CLONE [COMMIT] [SPEC_PATH]
#
# COMMIT defaults to 77d72c5 (the last v1 release of the module, the seed's method names);
# 59e6747 is Medusa 2.0's spec. SPEC_PATH defaults to the module's service spec (the same path
# at both). The spec gets the module's v1 interface (the client) or its v2 one (`db.v2`): the
# v2 one when the spec calls a method only v2 has (createCustomers, ...), unless --interface
# says which. MEDUSA_CLONE is a clone of medusajs/medusa, bare or not. The customerdb program is
# found as the package finds it ($CUSTOMERDB, else PATH). Needs the package built
# (scripts/test.sh does it) and the npm registry once, for Jest's `expect` (29.7.0). Exits with
# node:test's status.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: run.sh [--interface v1|v2] MEDUSA_CLONE [COMMIT] [SPEC_PATH]"
interface=
case "${1:-}" in
  --interface) interface=${2:?$usage}; shift 2 ;;
  --interface=*) interface=${1#--interface=}; shift ;;
esac
case "$interface" in
  ""|v1|v2) ;;
  *) echo "run.sh: --interface is v1 or v2, not $interface" >&2; exit 2 ;;
esac
clone=${1:?$usage}
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
called=$(node "$here/transpile.mjs" "$work/spec.ts" "$here/.spec.generated.mjs")
interface=${interface:-$called}
echo "run.sh: $spec at $commit, on the module's $interface interface"
CUSTOMERDB_SPEC_WORK=$work CUSTOMERDB_SPEC_INTERFACE=$interface \
  exec node --test --test-reporter=spec "$here/.spec.generated.mjs"
