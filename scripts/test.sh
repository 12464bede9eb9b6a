#!/usr/bin/env bash
# Sets up and runs every hvctl test on a fresh Debian 12 machine:
# installs dependencies, builds, and runs ctest (unit, golden, end to end);
# then a second pass: the same tests (but e2e_xen) built with AddressSanitizer
# and UndefinedBehaviorSanitizer, and a 20-second run of every fuzz harness.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build=${HVCTL_BUILD_DIR:-build}
(cd "$build" && ctest --output-on-failure --timeout 900 "$@")

# Second pass. e2e_xen boots Xen under QEMU for minutes; the first pass ran it.
asan=$build-asan
HVCTL_BUILD_DIR=$asan scripts/build.sh -DHVCTL_SANITIZE=ON
if [ -d "$build/vcsim/bin" ] && [ ! -d "$asan/vcsim/bin" ]; then  # vcsim is Go: the same binary serves both
  mkdir -p "$asan/vcsim" && cp -a "$build/vcsim/bin" "$asan/vcsim/"
fi
(cd "$asan" && ctest --output-on-failure --timeout 900 -E e2e_xen "$@")
tests/fuzz/run.sh 20
