#!/bin/sh
# Runs in the bench dom0: N guests by hvctl apply, then by xl create (serial
# and parallel), destroying them between rounds.
cd "$(dirname "$0")" && . ./lib.sh
N=$(cat count)
PARALLEL=$(cat parallel 2>/dev/null || true)  # hvctl apply --parallel, when BENCH_XEN_PARALLEL set it
names() { i=1; while [ $i -le "$N" ]; do echo "bench-$i"; i=$((i + 1)); done; }
destroy_all() { for n in $(names); do retry xl destroy "$n" >/dev/null 2>&1; done; rm -rf /var/lib/hvctl/xen; }
all_running() { test "$(xl_view | grep -c '^bench-.* running$')" = "$N"; }
ms() { echo "$(uptime_s) $1" | awk '{printf "%d", ($1 - $2) * 1000}'; }

for n in $(names); do spec "$n" pv sleep; done > fleet.yaml
for n in $(names); do
  printf 'name="%s"\ntype="pv"\nkernel="/guest/vmlinux"\nramdisk="/guest/guest.cpio.gz"\n' "$n" > "$n.cfg"
  printf 'extra="console=hvc0 quiet guest_action=sleep"\nmemory=128\nvcpus=1\non_poweroff="destroy"\n' >> "$n.cfg"
done

t0=$(uptime_s); retry $HV apply ${PARALLEL:+--parallel "$PARALLEL"} -f fleet.yaml >/dev/null 2>apply.err || cat apply.err; HVCTL_MS=$(ms "$t0")
all_running && ok "hvctl started $N" || bad "hvctl: not all running"
destroy_all

t0=$(uptime_s); for n in $(names); do retry xl create -q "$n.cfg" >/dev/null 2>&1; done; XL_MS=$(ms "$t0")
all_running && ok "xl started $N" || bad "xl: not all running"
destroy_all

t0=$(uptime_s); for n in $(names); do retry xl create -q "$n.cfg" >/dev/null 2>&1 & done; wait; XLP_MS=$(ms "$t0")
all_running && ok "xl (parallel) started $N" || bad "xl parallel: not all running"
destroy_all

echo "BENCH guests=$N hvctl_apply_ms=$HVCTL_MS xl_create_serial_ms=$XL_MS xl_create_parallel_ms=$XLP_MS"
echo "BENCH ratio hvctl/xl-serial=$(echo "$HVCTL_MS $XL_MS" | awk '{printf "%.2f", $1 / $2}')" \
     "hvctl/xl-parallel=$(echo "$HVCTL_MS $XLP_MS" | awk '{printf "%.2f", $1 / $2}')"
echo "BENCH $PASS passed, $FAIL failed, $(retries) crashed commands retried"
[ "$FAIL" = 0 ]
