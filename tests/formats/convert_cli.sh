#!/usr/bin/env bash
# End to end: the built binary converts every corpus file to YAML and back to
# its own format with the same spec, --strict fails on any loss, malformed
# input exits 3 with file:line, and --output-file is never clobbered on error.
# Usage: convert_cli.sh HVCTL CORPUS_DIR
set -uo pipefail
hvctl=${1:?usage: convert_cli.sh HVCTL CORPUS_DIR}
corpus=${2:?usage: convert_cli.sh HVCTL CORPUS_DIR}
malformed=$(dirname "$corpus")/malformed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() {  # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
native_of() {
  case $1 in *.cfg) echo xl ;; *.vmx) echo vmx ;; *.xml) echo libvirt ;; *) echo yaml ;; esac
}
compiled_in() {  # can this build read FORMAT? (xl needs libxlutil, libvirt the backend)
  case $1 in
    xl) ! "$hvctl" convert --from xl --to yaml "$corpus/minimal.cfg" 2>&1 | grep -q "not compiled in" ;;
    libvirt) ! "$hvctl" convert --to yaml "$corpus/kvm-web.xml" 2>&1 | grep -q "not compiled in" ;;
    *) true ;;
  esac
}

for f in "$corpus"/*; do
  name=$(basename "$f")
  native=$(native_of "$f")
  compiled_in "$native" || { echo "skip $name ($native not compiled in)"; continue; }
  check "$name converts to yaml" "$hvctl" -q convert "$f" --to yaml -O "$work/a.yaml" 2>/dev/null
  [[ $native == yaml ]] && continue
  check "$name: yaml -> $native" "$hvctl" -q convert "$work/a.yaml" --to "$native" -O "$work/b.$native" 2>/dev/null
  "$hvctl" -q convert "$work/b.$native" --to yaml -O "$work/c.yaml" 2>/dev/null
  check "$name: $native -> yaml -> $native -> yaml keeps the spec" cmp -s "$work/a.yaml" "$work/c.yaml"
  check "$name: detected without --from" "$hvctl" -q import "$f" -O "$work/d.yaml" 2>/dev/null
done

# import is convert --to yaml; --from overrides detection.
check "import == convert --to yaml" cmp -s <("$hvctl" -q import "$corpus/esxi-ubuntu.vmx" 2>/dev/null) \
  <("$hvctl" -q convert --from vmx --to yaml "$corpus/esxi-ubuntu.vmx" 2>/dev/null)

# Losses: reported on stderr with file:line; --strict makes them exit 3 and writes nothing.
"$hvctl" convert "$corpus/esxi-ubuntu.vmx" --to yaml >/dev/null 2>"$work/err"
check "losses are reported with file:line" grep -q '^warning: .*esxi-ubuntu.vmx:50: uuid.bios' "$work/err"
echo "keep me" > "$work/out.yaml"
"$hvctl" convert --strict "$corpus/esxi-ubuntu.vmx" --to yaml -O "$work/out.yaml" 2>"$work/err"
check "--strict with losses exits 3" test $? -eq 3
check "--strict with losses writes nothing" grep -qx "keep me" "$work/out.yaml"
"$hvctl" -q convert --strict "$corpus/fleet.yaml" --to yaml -O "$work/strict.yaml" 2>/dev/null
check "--strict without losses exits 0" test $? -eq 0
check "--strict writes the file when nothing is lost" test -s "$work/strict.yaml"
if compiled_in xl; then  # keys at xl's defaults are no loss
  "$hvctl" -q convert --strict "$corpus/defaults-only.cfg" --to yaml -O "$work/defaults.yaml" 2>"$work/err"
  check "--strict accepts a file that loses nothing but defaults" test $? -eq 0
  check "defaults-only.cfg: no warning at all" test ! -s "$work/err"
fi

# Malformed input: one clear error naming file:line, exit 3, the output file untouched.
expect_error() {  # expect_error FILE FORMAT PATTERN
  local file=$1 to=$2 pattern=$3 rc
  echo "keep me" > "$work/out"
  "$hvctl" convert "$file" --to "$to" -O "$work/out" >/dev/null 2>"$work/err"
  rc=$?
  check "$(basename "$file"): exit 3" test $rc -eq 3
  check "$(basename "$file"): error names $pattern" grep -q -- "$pattern" "$work/err"
  check "$(basename "$file"): --output-file not clobbered" grep -qx "keep me" "$work/out"
}
if compiled_in xl; then
  expect_error "$malformed/truncated.cfg" yaml "truncated.cfg:3:1: xl.cfg: config parsing error"
  expect_error "$malformed/bad-disk.cfg" yaml "bad-disk.cfg:5:1: disk\[1\]"
  expect_error "$malformed/garbage.cfg" yaml "garbage.cfg:2:1: binary data"
fi
expect_error "$malformed/truncated.vmx" yaml "truncated.vmx:4:1: 'scsi0:0.fileName': the quoted value is not closed"
expect_error "$malformed/garbage.vmx" xl "garbage.vmx:3:1: binary data"
check "no temporary files left beside the output" test "$(ls -A "$work" | grep -c hvctl-)" -eq 0

# A spec string the target format cannot hold: refused (exit 3) at the spec's line, nothing written.
printf 'apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: k}\nspec:\n  memory: {size: 64MiB}\n  vsphere:\n    extraConfig: {"bad key": v}\n  disks: [{id: xvda, path: "/i/a\\nb"}]\n' > "$work/unholdable.yaml"
expect_error "$work/unholdable.yaml" vmx "unholdable.yaml:7:.*extraConfig key 'bad key'"
if compiled_in xl; then
  expect_error "$work/unholdable.yaml" xl "unholdable.yaml:8:.*disk 'xvda': path holds the control character U+000A"
fi

# Several VMs into a one-VM format need --output-dir; with it, one file per VM.
"$hvctl" -q convert "$corpus/fleet.yaml" --to vmx >/dev/null 2>&1
check "two VMs to vmx without --output-dir exits 3" test $? -eq 3
mkdir "$work/dir"
check "--output-dir writes one file per VM" "$hvctl" -q convert "$corpus/fleet.yaml" --to vmx --output-dir "$work/dir" 2>/dev/null
check "--output-dir file names come from the VMs" test -s "$work/dir/app-01.vmx" -a -s "$work/dir/xen-01.vmx"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
