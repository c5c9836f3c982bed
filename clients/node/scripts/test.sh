#!/bin/sh
# Builds the package and runs its tests against the customerdb program ($CUSTOMERDB, else
# customerdb on PATH): `npm ci` when node_modules does not hold what package-lock.json pins
# (so a second run needs no network), tsc into dist/, the type checks of test/*.ts, then
# node's test runner on test/*.test.mjs and examples/*.test.mjs. Runs from any directory; one
# run at a time per tree.
set -eu
cd "$(dirname "$0")/.."

exec 9>.build.lock
flock 9

if ! cat package.json package-lock.json | cmp -s - node_modules/.customerdb-installed; then
  npm ci --ignore-scripts --no-audit --no-fund
  cat package.json package-lock.json >node_modules/.customerdb-installed
fi
rm -rf dist
node_modules/.bin/tsc -p tsconfig.json
node_modules/.bin/tsc -p test/tsconfig.json
node_modules/.bin/tsc -p test/tsconfig.node.json
node --test test/*.test.mjs examples/*.test.mjs
