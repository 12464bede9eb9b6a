#!/usr/bin/env bash
# Snapshots as a tree, on the built binary. libvirt's test driver loaded from
# tests/e2e/data/snapshot-tree.xml (no daemon): `snapshot list` as a table and
# as JSON (parent links, the current one, UTC times), and `snapshot create` of
# a name the VM has refused with exit 3. Then vcsim, whose state outlives one
# hvctl process: two snapshots made by hvctl, the second a child of the first
# and current; a duplicate name refused (vSphere itself would make a second
# one) and the tree unchanged after it; revert moves "current"; remove.
# Usage: snapshot_tree.sh HVCTL SOURCE_DIR WORK_DIR VCSIM_BUILD_DIR
set -uo pipefail
HVCTL=$1 SRC=$2 WORK=$3 VCSIM_BUILD=$4
source "$SRC/tests/e2e/lib.sh"
E2E_TMP=$WORK/tmp
rm -rf "$E2E_TMP"; mkdir -p "$E2E_TMP"
cleanup() { "$SRC/tests/vcsim/vcsim.sh" stop "$WORK/vcsim" >/dev/null 2>&1; }
trap cleanup EXIT

# tree: (name, parent, current) of each item of the SnapshotList in $out, in order.
tree() { json_get "$out" "[(i['name'], i['parent'], i['current']) for i in d['items']]"; }

T=(--config /dev/null --target "test://$SRC/tests/e2e/data/snapshot-tree.xml")
expect_exit 0 "libvirt: snapshot list" -- snapshot list web "${T[@]}"
ok "libvirt: the table shows the tree, children indented, the current one marked" \
  [ "$(sed 's/ *$//' <<<"$out")" = "$(printf '%s\n' \
    'SNAPSHOT   ID       CREATED               CURRENT' \
    'base       base     2026-12-01T12:26:07Z' \
    '  tuning   tuning   2026-12-01T12:40:00Z' \
    '  upgrade  upgrade  2026-12-01T14:00:00Z  *')" ]
expect_exit 0 "libvirt: snapshot list -o json" -- snapshot list web -o json "${T[@]}"
ok "libvirt: -o json: parents first, parent links, the current one" [ "$(tree)" = \
  "[('base', None, False), ('tuning', 'base', False), ('upgrade', 'base', True)]" ]
ok "libvirt: -o json: ids and UTC creation times" [ "$(json_get "$out" "[(i['id'], i['created']) for i in d['items']]")" = \
  "[('base', '2026-12-01T12:26:07Z'), ('tuning', '2026-12-01T12:40:00Z'), ('upgrade', '2026-12-01T14:00:00Z')]" ]
expect_exit 3 "libvirt: snapshot create of a name the VM has: exit 3" -- snapshot create web tuning "${T[@]}"
ok "libvirt: the refusal names the VM, the snapshot and the way out" \
  contains "$err" "VM 'web' already has a snapshot named 'tuning': choose another name, or remove that one first (hvctl snapshot remove web tuning)"

"$SRC/tests/vcsim/build.sh" "$VCSIM_BUILD" >/dev/null || exit 1
VCSIM_BIN=$VCSIM_BUILD/bin/vcsim "$SRC/tests/vcsim/vcsim.sh" start "$WORK/vcsim" >/dev/null || exit 1
cat >"$E2E_TMP/config.yaml" <<EOC
targets:
  vc: {type: vsphere, uri: "$(cat "$WORK/vcsim/url")", username: user, password_env: VC_PASSWORD, insecure: true}
default_target: vc
EOC
export VC_PASSWORD=pass XDG_CACHE_HOME=$E2E_TMP/cache
unset HVCTL_TARGET
C=(--config "$E2E_TMP/config.yaml")
cat >"$E2E_TMP/vm.yaml" <<'EOF2'
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: snap-e2e}
spec: {memory: {size: 32MiB}, power: stopped}
EOF2
expect_exit 0 "vcsim: apply a VM" -- apply -f "$E2E_TMP/vm.yaml" "${C[@]}"
expect_exit 0 "vcsim: snapshot create one" -- snapshot create snap-e2e one "${C[@]}"
expect_exit 0 "vcsim: snapshot create two" -- snapshot create snap-e2e two "${C[@]}"
expect_exit 0 "vcsim: snapshot list -o json" -- snapshot list snap-e2e -o json "${C[@]}"
listed=$out
ok "vcsim: two, the second a child of the first (by moref) and current" [ "$(json_get "$out" \
  "[(i['name'], i['parent'] == (d['items'][0]['id'] if n else None), i['current'], i['id'].startswith('snapshot-')) for n, i in enumerate(d['items'])]")" = \
  "[('one', True, False, True), ('two', True, True, True)]" ]
ok "vcsim: creation times in UTC" [ "$(json_get "$out" "all(i['created'].endswith('Z') and len(i['created']) == 20 for i in d['items'])")" = True ]
expect_exit 3 "vcsim: snapshot create of a name the VM has: exit 3" -- snapshot create snap-e2e one "${C[@]}"
ok "vcsim: the refusal names the snapshot and the way out" \
  contains "$err" "VM 'snap-e2e' already has a snapshot named 'one': choose another name, or remove that one first (hvctl snapshot remove snap-e2e one)"
expect_exit 0 "vcsim: snapshot list after the refusal" -- snapshot list snap-e2e -o json "${C[@]}"
ok "vcsim: nothing was made" [ "$out" = "$listed" ]
expect_exit 0 "vcsim: snapshot revert one" -- snapshot revert snap-e2e one "${C[@]}"
expect_exit 0 "vcsim: snapshot list after the revert" -- snapshot list snap-e2e -o json "${C[@]}"
ok "vcsim: one is current now" [ "$(tree | sed "s/'snapshot-[0-9]*'/ID/g")" = "[('one', None, True), ('two', ID, False)]" ]
expect_exit 0 "vcsim: snapshot remove two" -- snapshot remove snap-e2e two "${C[@]}"
expect_exit 0 "vcsim: snapshot list after the remove" -- snapshot list snap-e2e -o json "${C[@]}"
ok "vcsim: one is left" [ "$(tree)" = "[('one', None, True)]" ]
expect_exit 0 "vcsim: destroy the VM" -- destroy snap-e2e --yes "${C[@]}"
finish
