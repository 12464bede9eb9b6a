#!/usr/bin/env bash
# Sets up and runs every hvctl test on a fresh Debian 12 machine:
# installs dependencies, builds, and runs ctest (unit, golden, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd "${HVCTL_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 "$@"
