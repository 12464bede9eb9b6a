#!/usr/bin/env bash
# summary: hvctl validate of BENCH_SPECS specs vs PyYAML parsing them
# Scenario 5, validation: `hvctl validate` of BENCH_SPECS (10,000) generated
# specs, one file each in one directory, offline (no target, so the schema
# checks only). There is no offline spec validator among the peers; the
# reference is Python's PyYAML with libyaml (CSafeLoader) merely parsing the
# same files in one process: the cost of reading them, without any checks.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-5.XXXXXX)
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/specs"
seq 1 "$BENCH_SPECS" | awk -v dir="$W/specs" '{
  f = sprintf("%s/vm-%05d.yaml", dir, $1)
  printf "apiVersion: hvctl/v1\nkind: VirtualMachine\n" > f
  printf "metadata:\n  name: vm-%05d\n  labels: {tier: web, team: t%d}\n", $1, $1 % 7 > f
  printf "spec:\n  cpu: {count: %d, weight: 256}\n  memory: {size: %dMiB, max: 4GiB}\n", 1 + $1 % 4, 512 * (1 + $1 % 4) > f
  printf "  firmware: bios\n  disks:\n    - {id: root, size: 20GiB, bus: virtio, format: qcow2}\n" > f
  printf "    - {id: data, size: 100GiB, bus: virtio}\n  nics: [{id: eth0, network: default, model: virtio}]\n" > f
  printf "  power: running\n" > f
  close(f)
}'
cat > "$W/parse.py" <<'EOS'
import os, sys, yaml
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    with open(os.path.join(d, f)) as fh:
        list(yaml.load_all(fh, Loader=yaml.CSafeLoader))
EOS
PY=/usr/bin/python3

measure hvctl "hvctl validate ($BENCH_SPECS specs)" "$(runs_or 5)" --warmup 1 -- \
  "HVCTL_CONFIG=/dev/null $HVCTL validate -f $W/specs >/dev/null"
measure peer "PyYAML CSafeLoader parse only" "$(runs_or 5)" --warmup 1 -- "$PY $W/parse.py $W/specs"
