#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, checks the installed `customerdb` program answers
# over stdio, then configures, builds and runs the find_package consumer.
# Usage: run.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR [CMAKE_GENERATOR]
set -euo pipefail
build=$1 source=$2 scratch=$3 generator=${4:-Ninja}
rm -rf "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
answer=$(echo '{"jsonrpc":"2.0","id":1,"method":"ping","params":[]}' | "$scratch/prefix/bin/customerdb" rpc 2>/dev/null)
[[ $answer == *'"result"'* ]] || { echo "installed customerdb rpc answered: $answer" >&2; exit 1; }
cmake -S "$source/tests/consumer" -B "$scratch/build" -G "$generator" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/build"
"$scratch/build/consumer"
