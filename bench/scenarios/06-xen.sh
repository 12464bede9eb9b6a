#!/usr/bin/env bash
# summary: Xen under QEMU: hvctl apply of 8 guests vs xl create (BENCH_XEN=1)
# Scenario 6, Xen: `hvctl apply` of 8 tiny PV guests against `xl create` of the
# same 8 (one after another as a script would, and all at once), in one boot
# of Xen 4.17 under QEMU/TCG (tests/xen/harness). One run: a boot takes
# minutes of both cores. Absolute times are TCG's; the ratio is the number.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
GUESTS=${BENCH_XEN_GUESTS:-8}
[ -x "$BUILD/hvctl-xen-monitor" ] || bench_die "no $BUILD/hvctl-xen-monitor: the Xen backend is not built (libxen-dev)"
out=$("$BENCH_DIR/xen/run.sh" -n "$GUESTS" "$BUILD") || { echo "$out" >&2; bench_die "the Xen run failed"; }
echo "$out" >&2
line=$(echo "$out" | grep '^BENCH guests=' | tail -1)
val() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
sec() { awk -v ms="$1" 'BEGIN {printf "%.3f", ms / 1000}'; }
result hvctl "hvctl apply ($GUESTS guests)" "$(sec "$(val hvctl_apply_ms)")" 1
result peer "xl create x$GUESTS, one after another" "$(sec "$(val xl_create_serial_ms)")" 1
result peer "xl create x$GUESTS, all at once" "$(sec "$(val xl_create_parallel_ms)")" 1
note "$(echo "$out" | grep -E '^BENCH [0-9]+ passed' | sed 's/^BENCH //')"
