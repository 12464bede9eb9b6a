# Sourced by run.sh: a guest that cannot boot (a kernel path that does not
# exist, a "kernel" that is no kernel) is reported with libxl's reason, leaves
# no domain behind, stays defined (stopped) so the spec can be fixed, and the
# fixed spec converges on the next apply.
badboot() {  # badboot NAME KERNEL
  printf -- '---\napiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: %s, labels: {suite: e2e-xen}}\n' "$1"
  printf 'spec:\n  memory: {size: 128MiB}\n  boot: {kernel: %s, ramdisk: /guest/guest.cpio.gz, cmdline: "console=hvc0 quiet"}\n' "$2"
  printf '  xen: {type: pv}\n  power: running\n'
}
DOMS_BEFORE=$(xl_view)
badboot e2e-nokernel /guest/no-such-vmlinux > nokernel.yaml
run_rc 4 "apply of a guest whose kernel path does not exist fails" -- apply -f nokernel.yaml
check "the error names the VM and libxl's reason" contains "$OUT" "e2e-nokernel"
check "and says the domain could not be created" contains "$OUT$(cat /tmp/stderr)" "cannot create the Xen domain"
check "no domain is left behind" gone_from_xl e2e-nokernel
badboot e2e-badkernel /guest/guest.cpio.gz > badkernel.yaml
run_rc 4 "apply of a guest whose kernel is no kernel fails" -- apply -f badkernel.yaml
check "no domain is left behind" gone_from_xl e2e-badkernel
check "xl lists exactly the domains it listed before" test "$(xl_view)" = "$DOMS_BEFORE"
check "no monitor process is left for it" sh -c '! ps | grep -v grep | grep -q "monitor.*e2e-badkernel"'
check "the VM stays defined, stopped, so its spec can be fixed" test "$(hvctl_power e2e-badkernel)" = stopped
badboot e2e-badkernel /guest/vmlinux > badkernel.yaml
run_rc 0 "with the kernel fixed, the next apply converges" -- apply -f badkernel.yaml
check "and the guest runs" test "$(hvctl_power e2e-badkernel)" = running
run_rc 0 "delete both" -- delete -f badkernel.yaml -f nokernel.yaml
check "e2e-badkernel is gone from xl" gone_from_xl e2e-badkernel
check "hvctl no longer lists them" test "$(hvctl_power e2e-nokernel)$(hvctl_power e2e-badkernel)" = absentabsent
