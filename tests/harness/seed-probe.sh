# A NoCloud seed found by its label, for the test guests' init (busybox sh;
# sourced: tiny-guest.sh's libvirt guest and tests/xen/harness/guest-init.sh).
#
# is_seed DEV: whether DEV's ISO 9660 volume id (32 bytes at byte 32808) is
#   cidata or CIDATA.
# seed_read DEV...: the first DEV that is a block device and a seed, mounted
#   read-only on /seed as iso9660: prints "DEV|HOSTNAME|MARKER" (meta-data's
#   local-hostname with surrounding double quotes taken off, nothing
#   unescaped; the value of user-data's first "# hvctl-marker: VALUE" line),
#   or "DEV|FAIL" when it does not mount; nothing when no DEV is a seed.
#   (A DEV that is an unexpanded glob is no block device: skipped.)
# seed_print READ: the console lines for seed_read's READ:
#   "HVCTL-GUEST-SEED-HOSTNAME NAME" and "HVCTL-GUEST-SEED-MARKER VALUE", or
#   "HVCTL-GUEST-SEED-FAIL cannot mount DEV"; after a seed's two lines, one in
#   the form of cloud-init's final message ("Cloud-init v. hvctl-test-guest
#   finished at ..."), which hvctl's readiness waits for when a spec has init
#   and no ready condition.
is_seed() {
  case $(dd if="$1" bs=8 skip=4101 count=4 2>/dev/null | tr -d ' \000') in cidata|CIDATA) return 0 ;; esac
  return 1
}
seed_read() {
  local dev host mark
  for dev in "$@"; do
    [ -b "$dev" ] && is_seed "$dev" || continue
    mkdir -p /seed
    if mount -t iso9660 -o ro "$dev" /seed 2>/dev/null; then
      host=$(sed -n 's/^local-hostname: *//p' /seed/meta-data 2>/dev/null | sed 's/^"\(.*\)"$/\1/')
      mark=$(sed -n 's/^# hvctl-marker: *//p' /seed/user-data 2>/dev/null | head -n 1)
      umount /seed
      echo "$dev|$host|$mark"
    else
      echo "$dev|FAIL"
    fi
    return 0
  done
}
seed_print() {
  local rest
  case $1 in
    *"|FAIL") echo "HVCTL-GUEST-SEED-FAIL cannot mount ${1%|FAIL}" ;;
    *) rest=${1#*|}; echo "HVCTL-GUEST-SEED-HOSTNAME ${rest%%|*}"; echo "HVCTL-GUEST-SEED-MARKER ${1##*|}"
       # the line cloud-init's final_message module prints at the end of first boot
       echo "Cloud-init v. hvctl-test-guest finished at $(date -R 2>/dev/null). Datasource DataSourceNoCloud [seed=${1%%|*}]." ;;
  esac
}
