#!/usr/bin/env bash
# Configures the add_subdirectory consumer (which checks customerdb's defaults as a subproject),
# builds only its program and the libraries it links, and runs it.
# Usage: run_subdirectory.sh SOURCE_DIR SCRATCH_DIR [CMAKE_GENERATOR]
set -euo pipefail
source=$1 scratch=$2 generator=${3:-Ninja}
rm -rf "$scratch"
cmake -S "$source/tests/consumer/subdirectory" -B "$scratch" -G "$generator" >/dev/null
cmake --build "$scratch" --target consumer -j 2
"$scratch/consumer"
