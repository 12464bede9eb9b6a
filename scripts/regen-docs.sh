#!/usr/bin/env bash
# Refreshes man/ and completions/ from the built binary (they are generated
# from the command table and the spec docs); review the diff, then commit.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${HVCTL_BUILD_DIR:-build}
cmake --build "$build" --target hvctl_docs
cp "$build"/generated/man/* man/
cp "$build"/generated/completions/* completions/
git status --short man completions
