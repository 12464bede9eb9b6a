#!/usr/bin/env bash
# Configures and builds hvctl into build/ (or $HVCTL_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${HVCTL_BUILD_DIR:-build}
generator=()
command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ] && generator=(-G Ninja)
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
