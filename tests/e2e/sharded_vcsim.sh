#!/usr/bin/env bash
# Sharding against real vSphere targets: four vcsim instances (and a fifth
# config name that spells one of them differently), three VMs each.
# examples/fanout/xargs-apply.sh runs plan and apply in 3 shards at once;
# each target's VMs stay in one shard, both spellings of one target land
# together, and the merged report equals one unsharded run's (the apply on
# fresh simulators). A target that does not answer shows in its shard's
# report and in the merged exit code.
# Usage: sharded_vcsim.sh HVCTL SOURCE_DIR WORK_DIR VCSIM_BUILD_DIR
set -uo pipefail
HVCTL=$1 SRC=$2 WORK=$3 VCSIM_BUILD=$4
source "$SRC/tests/e2e/lib.sh"
E2E_TMP=$WORK/tmp
rm -rf "$WORK"; mkdir -p "$E2E_TMP/specs"
export HVCTL VCSIM_BIN=$VCSIM_BUILD/bin/vcsim VC_PASSWORD=pass HVCTL_CONFIG=$E2E_TMP/config.yaml
unset HVCTL_TARGET
FANOUT=$SRC/examples/fanout/xargs-apply.sh
sims=(vc1 vc2 vc3 vc4)

stop_all() { for s in "${sims[@]}"; do "$SRC/tests/vcsim/vcsim.sh" stop "$WORK/$s" >/dev/null 2>&1; done; }
trap stop_all EXIT
"$SRC/tests/vcsim/build.sh" "$VCSIM_BUILD" >/dev/null || exit 1

# start_all [EXTRA CONFIG LINE]: fresh simulators, and a config naming them;
# vc1-alias is vc1 spelled another way (a user in the URI, the scheme in upper case).
start_all() {
  stop_all
  for s in "${sims[@]}"; do "$SRC/tests/vcsim/vcsim.sh" start "$WORK/$s" >/dev/null || exit 1; done
  local url1 port1
  url1=$(cat "$WORK/vc1/url") port1=${url1##*:}; port1=${port1%%/*}
  {
    echo "targets:"
    for s in "${sims[@]}"; do
      echo "  $s: {type: vsphere, uri: \"$(cat "$WORK/$s/url")\", username: user, password_env: VC_PASSWORD, insecure: true}"
    done
    echo "  vc1-alias: {type: vsphere, uri: \"HTTPS://user@127.0.0.1:$port1/sdk\", username: user, password_env: VC_PASSWORD, insecure: true}"
    [ $# -gt 0 ] && echo "$1"
  } >"$HVCTL_CONFIG"
}

spec() {  # spec TARGET NAME
  cat <<EOS
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $2, labels: {suite: shard}}
spec:
  target: $1
  cpu: {count: 1}
  memory: {size: 64MiB}
  power: running
---
EOS
}
for s in "${sims[@]}"; do for i in 1 2 3; do spec "$s" "$s-vm-$i"; done; done >"$E2E_TMP/specs/fleet.yaml"
spec vc1-alias vc1-vm-alias >>"$E2E_TMP/specs/fleet.yaml"

# items FILE...: the merged items without their timings, as one line of JSON.
items() { "$HVCTL" report merge "$@" -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for i in d["items"]: i.pop("seconds", None)
print(json.dumps({"items": d["items"], "errors": d["errors"], "exitCode": d["exitCode"]}, sort_keys=True))'; }
shard_files() { for i in 1 2 3; do echo "$1/shard-$i.json"; done; }

start_all

# plan: sharded against unsharded, on the same simulators.
expect_exit 2 "unsharded plan: 13 VMs to create" -- plan -f "$E2E_TMP/specs" --detailed-exitcode --report "$E2E_TMP/plan-all.json"
rc=0; "$FANOUT" plan "$E2E_TMP/specs" 3 "$E2E_TMP/plan" --detailed-exitcode >"$E2E_TMP/fanout.out" 2>&1 || rc=$?
ok "xargs -P fan-out of plan exits as the unsharded plan did (2)" [ "$rc" = 2 ]
ok "its merged table counts 3 shards and 13 VMs on 5 targets" grep -q "3 shards of 'plan': 13 VMs on 5 targets" "$E2E_TMP/fanout.out"
ok "the merged plan equals the unsharded plan" [ "$(items $(shard_files "$E2E_TMP/plan"))" = "$(items "$E2E_TMP/plan-all.json")" ]
placement=$(python3 - "$E2E_TMP/plan" <<'PY'
import json, sys
seen, problems = {}, []
for i in (1, 2, 3):
    r = json.load(open(f"{sys.argv[1]}/shard-{i}.json"))
    names = {t["target"] for t in r["targets"]}
    for t in r["targets"]:
        if t["shard"] != i: problems.append(f"{t['target']} says shard {t['shard']} in shard {i}")
        seen.setdefault(t["target"], set()).add(i)
    for item in r["items"]:
        if item["target"] not in names: problems.append(f"{item['vm']} of {item['target']} is in shard {i}")
if any(len(v) != 1 for v in seen.values()): problems.append(f"a target in two shards: {seen}")
if sorted(seen) != ["vc1", "vc1-alias", "vc2", "vc3", "vc4"]: problems.append(f"targets: {sorted(seen)}")
if seen.get("vc1") != seen.get("vc1-alias"): problems.append("vc1 and vc1-alias in different shards")
print("; ".join(problems) or "ok")
PY
)
ok "each target's VMs stay in one shard, and both spellings of vc1 land together ($placement)" [ "$placement" = ok ]

# apply: sharded on these simulators, unsharded on fresh ones; the same result.
rc=0; "$FANOUT" apply "$E2E_TMP/specs" 3 "$E2E_TMP/apply" >"$E2E_TMP/fanout.out" 2>&1 || rc=$?
ok "xargs -P fan-out of apply exits 0" [ "$rc" = 0 ]
ok "every VM was created and started" [ "$(grep -c "created, started" "$E2E_TMP/fanout.out")" = 13 ]
sharded=$(items $(shard_files "$E2E_TMP/apply"))
expect_exit 0 "then an unsharded plan is in sync" -- plan -f "$E2E_TMP/specs" --detailed-exitcode
timed=$(python3 -c '
import json, sys
print(all("seconds" in i for f in sys.argv[1:] for i in json.load(open(f))["items"]))' $(shard_files "$E2E_TMP/apply"))
ok "each VM's item in the shard reports has its seconds" [ "$timed" = True ]
start_all
expect_exit 0 "unsharded apply on fresh simulators" -- apply -f "$E2E_TMP/specs" --report "$E2E_TMP/apply-all.json"
ok "the merged sharded apply equals the unsharded apply" [ "$sharded" = "$(items "$E2E_TMP/apply-all.json")" ]

# A target that does not answer: its shard fails as a whole (as an unsharded
# run would), its report names the target's error, the other shards apply;
# merged, that is partial (5), or 4 when every target shared the dead one's shard.
start_all "  vcdead: {type: vsphere, uri: \"https://127.0.0.1:1/sdk\", username: user, password_env: VC_PASSWORD, insecure: true}"
spec vcdead lost-vm >>"$E2E_TMP/specs/fleet.yaml"
rc=0; "$FANOUT" apply "$E2E_TMP/specs" 3 "$E2E_TMP/dead" >"$E2E_TMP/fanout.out" 2>&1 || rc=$?
verdict=$(python3 - "$E2E_TMP/dead" <<'PY'
import json, sys
reports = [json.load(open(f"{sys.argv[1]}/shard-{i}.json")) for i in (1, 2, 3)]
dead = [r for r in reports if any(t["target"] == "vcdead" for t in r["targets"])]
live = [r for r in reports if r not in dead]
problems = []
if len(dead) != 1: problems.append(f"vcdead in {len(dead)} shards")
elif dead[0]["exitCode"] != 4 or dead[0]["result"] != "Error": problems.append(f"dead shard: {dead[0]['exitCode']} {dead[0]['result']}")
elif not [e for t in dead[0]["targets"] if t["target"] == "vcdead" for e in t["errors"]]: problems.append("no error under vcdead")
if not all(i["ok"] for r in live for i in r["items"]): problems.append("a live shard failed")
applied = any(r["items"] for r in live)
print(("; ".join(problems) or "ok") + (" 5" if applied else " 4"))
PY
)
ok "the dead target's shard fails with its error under the target; the others apply (${verdict% *})" [ "${verdict% *}" = ok ]
ok "the merged exit code says so (${verdict#* })" [ "$rc" = "${verdict#* }" ]
ok "the merged table names the dead target's error" grep -q "^error: vcdead: " "$E2E_TMP/fanout.out"
finish
