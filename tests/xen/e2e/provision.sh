# Sourced by run.sh: first-boot identity, clones and templates on real Xen.
# spec.init: hvctl writes a NoCloud seed (STATE_DIR/seeds/VM.iso) and gives
# it to the guest as a read-only xen disk; the guest (guest-init.sh with
# tests/harness/seed-probe.sh) finds it by its label and prints meta-data's
# host name and user-data's marker. apply --wait returns once the marker is
# on the console; a changed host name is impossible without --reinit, and
# apply --reinit makes the restarted guest read the new one; destroy deletes
# the seed. Clones: a clone of a running source is impossible, nothing made;
# of the stopped source, the clone boots from its own copy of the source's
# disk while the source's image keeps its checksum. A template is made
# stopped, is never started, and is a clone source.
ST=/var/lib/hvctl/xen
# seedspec HOST MARKER [default]: e2e-seed, ready when its console shows MARKER;
# with "default", no ready condition: ready at cloud-init's final message.
seedspec() {
  printf '#cloud-config\n# hvctl-marker: %s\npackage_update: false\n' "$2" > "user-data-$2"
  local extra
  extra=$(printf '  init:\n    hostname: %s\n    cloudInit: {userData: user-data-%s}' "$1" "$2")
  [ "${3:-}" = default ] || extra=$(printf '  ready: {console: "HVCTL-GUEST-SEED-MARKER %s"}\n%s' "$2" "$extra")
  spec e2e-seed pv sleep "$extra"
}
# disk_params VM: the image of each of VM's disks, as its back end's xenstore says, with its mode (r, w)
disk_params() {
  xl block-list "$1" | awk 'NR > 1 {print $7}' | while read -r be; do
    echo "$(xenstore-read "$be/params") $(xenstore-read "$be/mode")"
  done
}
seed_console() { echo "its console:"; tail -8 /var/log/xen/console/guest-e2e-seed.log; }

provision_seed() {  # returns at the first step the next ones need that fails
  seedspec seed-one xen-seed-1 > seed.yaml
  run_rc 0 "apply --wait of a guest with spec.init returns once its console shows user-data's marker" -- \
    apply -f seed.yaml --wait --timeout 120
  [ "$rc" = 0 ] || { seed_console; return 1; }
  check "the marker was on its console when apply returned" console_has e2e-seed "HVCTL-GUEST-SEED-MARKER xen-seed-1"
  check "the guest read its host name from the seed's meta-data" console_has e2e-seed "HVCTL-GUEST-SEED-HOSTNAME seed-one"
  console_has e2e-seed "HVCTL-GUEST-SEED-HOSTNAME seed-one" || seed_console
  check "the seed is $ST/seeds/e2e-seed.iso" test -s "$ST/seeds/e2e-seed.iso"
  check "xl gives it to the guest read-only" contains "$(disk_params e2e-seed)" "$ST/seeds/e2e-seed.iso r"
  SEED_ID=$(xl domid e2e-seed)

  seedspec seed-two xen-seed-2 default > seed2.yaml
  run_rc 7 "plan: a changed host name is impossible without --reinit (exit 7)" -- plan -f seed2.yaml
  check "plan says it changes the first-boot identity" contains "$OUT$(cat /tmp/stderr)" "changes its first-boot identity"
  run_rc 7 "apply without --reinit leaves it as it is" -- apply -f seed2.yaml
  check "the guest runs on in the same domain" test "$(xl domid e2e-seed)" = "$SEED_ID"
  run_rc 0 "apply --reinit rebuilds the seed and restarts the guest, waiting for cloud-init's final message" -- \
    apply -f seed2.yaml --reinit --wait --timeout 120 -o json
  check "ready by it (the spec names no ready condition)" contains "$OUT" "console showed cloud-init's final message"
  check "the guest was restarted (a new domain)" test "$(xl domid e2e-seed 2>/dev/null)" != "$SEED_ID"
  check "the restarted guest read the new host name" wait_for 10 console_has e2e-seed "HVCTL-GUEST-SEED-HOSTNAME seed-two"
  console_has e2e-seed "HVCTL-GUEST-SEED-HOSTNAME seed-two" || seed_console
  run_rc 0 "plan after it: nothing to do" -- plan -f seed2.yaml --detailed-exitcode
}

# clonespec NAME SOURCE_LINE [EXTRA]: a VM whose spec is its source and readiness
clonespec() {
  printf -- '---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s, labels: {suite: e2e-xen}}\nspec:\n  source: %s\n  ready: {console: "GUEST-MARKER: sleeping"}\n%s\n' "$1" "$2" "${3:-}"
}
sum_of() { sha256sum < "$1" | cut -c1-64; }

provision_clone() {
  spec e2e-src pv sleep '  ready: {console: "GUEST-MARKER: sleeping"}
  disks: [{id: root, from: /guest/disk-a.img, size: 4MiB}]' > src.yaml
  run_rc 0 "apply of the source VM, its disk made from a base image" -- apply -f src.yaml --wait --timeout 120
  [ "$rc" = 0 ] || return 1
  check "its guest read the base image's marker" console_has e2e-src "GUEST-DISK-MARKER hvctl-disk-a"
  clonespec e2e-clone "{vm: e2e-src}" > clone.yaml
  run_rc 7 "plan: a clone of the running e2e-src is impossible (exit 7)" -- plan -f clone.yaml
  check "saying the source must be stopped" contains "$OUT$(cat /tmp/stderr)" "source VM 'e2e-src' is running"
  run_rc 7 "apply leaves the clone unmade" -- apply -f clone.yaml
  check "no domain e2e-clone in xl" gone_from_xl e2e-clone
  check "hvctl has no e2e-clone" test "$(hvctl_power e2e-clone)" = absent
  check "and no image was copied for it" test ! -e "$ST/disks/e2e-clone"

  run_rc 0 "stop the source" -- stop e2e-src --timeout 60
  SRC_SUM=$(sum_of "$ST/disks/e2e-src/root.img")
  run_rc 2 "plan: the clone of the stopped source is a create" -- plan -f clone.yaml --detailed-exitcode
  check "plan says what it clones" contains "$OUT" "create (clone of e2e-src)"
  run_rc 0 "apply -v clones e2e-src and waits for the clone's guest" -- apply -v -f clone.yaml --wait --timeout 120
  check "-v tells the copy's progress, to its end" grep -q "VM 'e2e-clone': copying disk 'root': 100%" /tmp/stderr
  check "xl gives the clone its own copy, read-write" contains "$(disk_params e2e-clone)" "$ST/disks/e2e-clone/root.img w"
  check "and not the source's image" lacks "$(disk_params e2e-clone)" "e2e-src"
  check "the clone's guest read the source's disk marker from its copy" console_has e2e-clone "GUEST-DISK-MARKER hvctl-disk-a"
  check "the source stays stopped" test "$(hvctl_power e2e-src)" = stopped
  check "the source's image is unchanged (sha256sum before and after)" test "$(sum_of "$ST/disks/e2e-src/root.img")" = "$SRC_SUM"
  run_rc 0 "get e2e-clone" -- get e2e-clone -o json
  check "get names its source" contains "$OUT" '"vm": "e2e-src"'
  check "and the copy it made, of the source's size" contains "$OUT" '"size": "4MiB"'
  run_rc 0 "plan again: nothing to do" -- plan -f clone.yaml --detailed-exitcode
  clonespec e2e-clone "{vm: e2e-other}" > clone2.yaml
  run_rc 0 "plan with another source for the existing clone" -- plan -f clone2.yaml --detailed-exitcode
  check "says a source is read at create only" contains "$OUT" "ignored (read at create only): source.vm"
}

provision_template() {
  spec e2e-tpl pv sleep '  template: true
  disks: [{id: root, from: /guest/disk-b.img}]' > tpl.yaml
  run_rc 0 "apply of a template makes it, stopped" -- apply -f tpl.yaml
  check "hvctl lists it stopped" test "$(hvctl_power e2e-tpl)" = stopped
  run_rc 0 "get e2e-tpl" -- get e2e-tpl -o json
  check "get says it is a template" contains "$OUT" '"template": true'
  run_rc 3 "start of a template is refused (exit 3: no VM could take the request)" -- start e2e-tpl
  check "saying templates are never powered on" contains "$(cat /tmp/stderr)" "VM 'e2e-tpl' is a template: templates are never powered on"
  check "no domain e2e-tpl in xl" gone_from_xl e2e-tpl
  clonespec e2e-fromvm "{vm: e2e-tpl}" > fromvm.yaml
  run_rc 7 "plan: a template named as source.vm is impossible" -- plan -f fromvm.yaml
  check "saying to clone it with source.template" contains "$OUT$(cat /tmp/stderr)" "clone it with source.template"
  clonespec e2e-fromtpl "{template: e2e-tpl}" "  power: stopped" > fromtpl.yaml
  run_rc 0 "apply clones the template (left stopped)" -- apply -f fromtpl.yaml
  check "its disk is a copy of the template's" cmp -s "$ST/disks/e2e-tpl/root.img" "$ST/disks/e2e-fromtpl/root.img"
  run_rc 0 "get e2e-fromtpl" -- get e2e-fromtpl -o json
  check "the clone is no template" lacks "$OUT" '"template": true'
}

T_PROV=$(uptime_s)
provision_seed
run_rc 0 "destroy e2e-seed" -- destroy e2e-seed --yes
check "its seed is deleted with it" test ! -e "$ST/seeds/e2e-seed.iso"
provision_clone
provision_template
run_rc 0 "destroy the sources, clones and the template" -- destroy e2e-src e2e-clone e2e-tpl e2e-fromtpl --yes
check "their copies are deleted with them" test -z "$(ls "$ST/disks" 2>/dev/null)"
check "no VMs left" test -z "$(hvctl_view)$(xl_view)"
echo "provision.sh: $(since "$T_PROV")s"
