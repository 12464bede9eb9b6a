#!/usr/bin/env bash
# The scripting contract, on the built binary against libvirt's in-process
# test driver (no daemon): with -o json or -o yaml every command prints
# exactly one document on stdout, failures included (an `errors` list when
# the exit code is not 0); mistyped commands and flags get the nearest one;
# bare hvctl, --version and per-command help; list -A with a dead target.
# Usage: scripting_contract.sh HVCTL SOURCE_DIR
set -uo pipefail
HVCTL=$1 SRC=$2
source "$SRC/tests/e2e/lib.sh"
E2E_TMP=$(mktemp -d /tmp/hvctl-e2e-scripting.XXXXXX)
trap 'rm -rf "$E2E_TMP"' EXIT

T=(--config /dev/null --target test:///default)
cat >"$E2E_TMP/good.yaml" <<'EOF'
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: test}
spec: {cpu: {count: 2}}
EOF
cat >"$E2E_TMP/bad.yaml" <<'EOF'
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: vm1}
spec: {cpu: {count: 0}, colr: 1}
EOF
cat >"$E2E_TMP/partial.yaml" <<'EOF'
default_target: good
targets:
  good: {type: libvirt, uri: "test:///default"}
  dead: {type: libvirt, uri: "qemu+ssh://nobody@127.0.0.1:1/system"}
EOF
cat >"$E2E_TMP/dead.yaml" <<'EOF'
default_target: dead
targets:
  dead: {type: libvirt, uri: "qemu+ssh://nobody@127.0.0.1:1/system"}
  bogus: {type: libvirt, uri: "test:///nonexistent.xml"}
EOF

# one_document FORMAT RC: stdout ($out) is one JSON or YAML document, a
# mapping with formatVersion and kind, with a non-empty `errors` list (each
# with a message) exactly when RC is not 0.
one_document() {
  python3 - "$1" "$2" "$E2E_TMP/stdout" <<'EOF'
import json, sys, yaml
fmt, rc, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = open(path).read()
docs = [json.loads(text)] if fmt == "json" else list(yaml.safe_load_all(text))
assert len(docs) == 1, f"{len(docs)} documents"
d = docs[0]
assert isinstance(d, dict) and d.get("formatVersion") == 1 and d.get("kind"), d
errors = d.get("errors")
if rc == 0:
    assert errors is None, errors
else:
    assert errors and all(e.get("message") for e in errors), d
EOF
}

# contract RC NAME -- ARGS...: with -o json and -o yaml, exit RC and one
# document. (FORMATS="json" for export, whose YAML is a spec stream.)
contract() {
  local want=$1 name=$2; shift 3
  for fmt in ${FORMATS:-json yaml}; do
    expect_exit "$want" "$name -o $fmt: exit $want" -- "$@" -o "$fmt"
    printf '%s' "$out" >"$E2E_TMP/stdout"
    ok "$name -o $fmt: one document" one_document "$fmt" "$want"
  done
}

contract 0 "list" -- list "${T[@]}"
contract 0 "get" -- get test "${T[@]}"
contract 8 "get of a missing VM" -- get nosuch "${T[@]}"
FORMATS=json contract 0 "export of two VMs" -- export test test "${T[@]}"
contract 8 "export with a missing VM" -- export test nosuch "${T[@]}"
contract 0 "snapshot create" -- snapshot create test s1 "${T[@]}"
contract 0 "snapshot list" -- snapshot list test "${T[@]}"
contract 4 "snapshot revert to a missing snapshot" -- snapshot revert test nosuch "${T[@]}"
TREE=(--config /dev/null --target "test://$SRC/tests/e2e/data/snapshot-tree.xml")
contract 0 "snapshot list of a tree" -- snapshot list web "${TREE[@]}"
contract 3 "snapshot create of a name the VM has" -- snapshot create web tuning "${TREE[@]}"
contract 0 "destroy --dry-run" -- destroy test --dry-run "${T[@]}"
contract 8 "destroy --dry-run of a missing VM" -- destroy nosuch --dry-run "${T[@]}"
contract 3 "destroy without --yes" -- destroy test "${T[@]}"
contract 8 "start of a missing VM" -- start nosuch "${T[@]}"
contract 5 "start of one VM there and one not" -- start test nosuch "${T[@]}"
contract 6 "wait that times out" -- wait test --for stopped --timeout 1 "${T[@]}"
contract 0 "validate" -- validate -f "$E2E_TMP/good.yaml" "${T[@]}"
contract 3 "validate with problems" -- validate -f "$E2E_TMP/bad.yaml" "${T[@]}"
contract 0 "plan" -- plan -f "$E2E_TMP/good.yaml" "${T[@]}"
contract 3 "a mistyped command" -- aply "${T[@]}"
contract 3 "a mistyped flag" -- list --outptu json "${T[@]}"
contract 0 "version" -- version
contract 0 "--version" -- --version
contract 5 "list -A with a dead target" -- list -A --config "$E2E_TMP/partial.yaml"
contract 4 "list -A with every target dead" -- list -A --config "$E2E_TMP/dead.yaml"
contract 4 "list on a dead target" -- list --config "$E2E_TMP/dead.yaml"

expect_exit 3 "validate -o json: exit 3" -- validate -f "$E2E_TMP/bad.yaml" -o json "${T[@]}"
ok "validate -o json: each problem with file, line, column, message" \
  [ "$(json_get "$out" "[(e['file'].endswith('bad.yaml'), e['line'], e['column'], e['message']) for e in d['errors']]")" = \
    "[(True, 4, 21, 'spec.cpu.count must be between 1 and 512, not 0'), (True, 4, 25, \"unknown key 'spec.colr'\")]" ]
expect_exit 0 "export -o json of two VMs" -- export test test -o json "${T[@]}"
ok "export -o json of two VMs: a List of both specs" \
  [ "$(json_get "$out" "(d['kind'], [i['metadata']['name'] for i in d['items']])")" = "('List', ['test', 'test'])" ]
expect_exit 0 "export -o yaml of two VMs" -- export test test -o yaml "${T[@]}"
ok "export -o yaml stays a spec stream, one spec per VM" \
  [ "$(grep -c '^---$' <<<"$out") $(grep -c '^kind: VirtualMachine$' <<<"$out")" = "2 2" ]
expect_exit 5 "list -A -o json with a dead target" -- list -A --config "$E2E_TMP/partial.yaml" -o json
ok "list -A -o json: the healthy target's VMs, the dead one in errors" \
  [ "$(json_get "$out" "([(v['name'], v['target']) for v in d['items']], [e['target'] for e in d['errors']])")" = \
    "([('test', 'good')], ['dead'])" ]
expect_exit 5 "list -A (table) with a dead target" -- list -A --config "$E2E_TMP/partial.yaml"
ok "list -A (table): the healthy target's VMs on stdout" grep -qE '^test +running .* good ' <<<"$out"
ok "list -A (table): the dead target on stderr" contains "$err" "warning: target 'dead': cannot connect"
ok "list -A (table): nothing of the dead target on stdout" bash -c '! grep -q dead <<<"$0"' "$out"

expect_exit 3 "hvctl aply" -- aply
ok "hvctl aply: did you mean apply" contains "$err" "unknown command 'aply', did you mean 'apply'?"
expect_exit 3 "hvctl list --outptu json" -- list --outptu json "${T[@]}"
ok "hvctl list --outptu: did you mean --output" contains "$err" "unknown flag '--outptu', did you mean '--output'?"
ok "hvctl list --outptu: not CLI11's words" bash -c '! grep -q "not expected" <<<"$0"' "$err"

# A password in a target URI: refused before anything is contacted, and
# echoed nowhere (the message shows the URI as https://u:***@...).
for via in flag env; do
  if [ $via = flag ]; then
    expect_exit 3 "targets with a password in --target" -- --config /dev/null --target 'https://u:secret@127.0.0.1:1/sdk' targets -o json
  else
    HVCTL_TARGET='https://u:secret@127.0.0.1:1/sdk' expect_exit 3 "targets with a password in HVCTL_TARGET" -- \
      --config /dev/null targets -o json
  fi
  ok "password in the URI ($via): not on stdout" bash -c '! grep -q secret <<<"$0"' "$out"
  ok "password in the URI ($via): not on stderr" bash -c '! grep -q secret <<<"$0"' "$err"
  ok "password in the URI ($via): the redacted URI and the safe ways named" \
    contains "$out$err" "'https://u:***@127.0.0.1:1/sdk' holds a password"
  ok "password in the URI ($via): HVCTL_PASSWORD named" contains "$out$err" "HVCTL_PASSWORD"
done

expect_exit 0 "bare hvctl exits 0" --
ok "bare hvctl prints usage on stdout" contains "$out" "Usage: hvctl [OPTIONS]"
expect_exit 0 "hvctl --version" -- --version
version_flag=$out
expect_exit 0 "hvctl version" -- version
ok "--version says what version says" [ "$version_flag" = "$out" ]
expect_exit 0 "hvctl list --help" -- list --help
ok "list --help shows the global options" contains "$out" "--target TARGET"
expect_exit 0 "hvctl help list" -- help list
ok "help list shows the global options" contains "$out" "Global options:"
finish
