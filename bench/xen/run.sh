#!/usr/bin/env bash
# bench/xen/run.sh [-n N] [BUILD_DIR]   (bench/scenarios/06-xen.sh runs it with 8)
# Times `hvctl apply` of N tiny PV guests against `xl create` of the same
# guests (one after another, as a script would, and all at once), in the same
# Xen boot under QEMU/TCG, and prints the ratios. Absolute times are TCG's;
# the ratio is the number to watch. Needs what tests/xen/harness needs.
# BENCH_XEN_PARALLEL: hvctl apply --parallel (default: the Xen backend's, 4).
# BENCH_XEN_TIMEOUT: seconds for the whole boot (default 1800; TCG on a busy
# 2-core machine needed more than 900 for 8 guests in three rounds).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
N=8
[ "${1:-}" = -n ] && { N=$2; shift 2; }
BUILD=$(cd "${1:-$HERE/../../build}" && pwd)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cp "$HERE/in-dom0/run.sh" "$HERE/../../tests/xen/e2e/lib.sh" "$W/"
echo "$N" > "$W/count"
[ -z "${BENCH_XEN_PARALLEL:-}" ] || echo "$BENCH_XEN_PARALLEL" > "$W/parallel"  # else the backend's default (4)
MODULE=()  # the Xen backend's module, beside hvctl (HVCTL_BACKEND_MODULES)
[ -f "$BUILD/hvctl-backend-xen.so" ] && MODULE=(--bin "$BUILD/hvctl-backend-xen.so")
# Each guest takes 128 MiB (the uncompressed kernel alone is 65 MB).
MEM=$((1024 + 768 + 160 * N))
"$HERE/../../tests/xen/harness/run-in-dom0.sh" --cache "$BUILD/xen-harness" --mem "$MEM" --timeout "${BENCH_XEN_TIMEOUT:-1800}" \
  --bin "$BUILD/hvctl" --bin "$BUILD/hvctl-xen-monitor" "${MODULE[@]}" "$W" | grep -E '^(BENCH|RETRY|FAIL|DOM0)'
