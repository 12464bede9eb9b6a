#!/usr/bin/env bash
# Configures and builds hvctl into build/ (or $HVCTL_BUILD_DIR); extra
# arguments go to cmake's configure step.
# With ccache installed (scripts/install-deps.sh installs it) every compile
# goes through it, with paths taken relative to the source tree, so a clone in
# another directory (CI's) hits the cache a first clone filled; the cache
# lives outside the clone ($CCACHE_DIR, else ~/.cache/ccache).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${HVCTL_BUILD_DIR:-build}
args=()
command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ] && args+=(-G Ninja)
if command -v ccache >/dev/null; then
  launcher="env;CCACHE_BASEDIR=$PWD;CCACHE_NOHASHDIR=true;ccache"
  args+=(-DCMAKE_C_COMPILER_LAUNCHER="$launcher" -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
fi
cmake -S . -B "$build" "${args[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
