#!/usr/bin/env bash
# Fan one hvctl run out over N processes on this machine with xargs -P, then
# merge their reports into one result and one exit code.
#
#   examples/fanout/xargs-apply.sh COMMAND SPECS N REPORT_DIR [HVCTL FLAGS...]
#   e.g. examples/fanout/xargs-apply.sh apply specs/ 4 reports/ --wait --timeout 10m
#
# COMMAND is apply, plan or delete. Shard I of N takes the targets whose
# stable hash falls in shard I, so each target's VMs stay in one process and
# its limits hold. Every shard writes REPORT_DIR/shard-I.json; `hvctl report
# merge` then prints one table and exits as one unsharded run would have.
# $HVCTL is the hvctl binary (default: hvctl on PATH). Shards that fail do
# not stop the others: the merge says what happened to each VM.
set -uo pipefail
[ $# -ge 4 ] || { sed -n 2,15p "$0" >&2; exit 3; }
command=$1 specs=$2 shards=$3 reports=$4
shift 4
hvctl=${HVCTL:-hvctl}
mkdir -p "$reports"
rm -f "$reports"/shard-*.json
seq 1 "$shards" | xargs -P "$shards" -I{} \
  "$hvctl" "$command" -f "$specs" --shard "{}/$shards" --report "$reports/shard-{}.json" -q "$@" >/dev/null
shard_files=()
for i in $(seq 1 "$shards"); do shard_files+=("$reports/shard-$i.json"); done
exec "$hvctl" report merge "${shard_files[@]}"
