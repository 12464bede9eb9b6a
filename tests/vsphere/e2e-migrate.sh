#!/usr/bin/env bash
# hvctl migrate and hvctl drain against a running vcsim:
#  - a stopped VM moves to another host of its cluster; a running one only
#    with --live, and stays running;
#  - refused before anything is sent, each exit 3 with the VM where it was:
#    a running VM without --live, an unknown host, a host that does not see
#    the VM's datastore (a local datastore of one host, made with govc);
#  - drain moves every VM it can off a host, to its cluster's other hosts,
#    fails the one no host can take (exit 5, the VM still running there),
#    and with --shutdown shuts that one down instead (exit 0);
#  - a drain of an unknown host is exit 3, of an empty host exit 0;
#  - vsphere.pinHost: a VM elsewhere is a plan change only with the pin, and
#    apply moves it back, running.
# vcsim 0.24.2 checks nothing on a relocate itself (QUIRKS.md), so what is
# refused here is hvctl's own check, made from the hosts' networks and
# datastores as vCenter reports them.
#
# usage: e2e-migrate.sh HVCTL_BIN VCSIM_URL WORKDIR GOVC_BIN
set -euo pipefail

hvctl=$1 url=$2 work=$3 govc=$4
source "$(dirname "$0")/e2e_lib.sh"  # cfg, expect, contains, fail, json, vm; GOVC_URL
host_of() { vm "$1" "d['runtime']['host']"; }
power_of() { vm "$1" "d['power']"; }

# A datastore only DC0_C0_H2 sees.
mkdir -p "$work/only-h2"
"$govc" datastore.create -type local -name OnlyH2 -path "$work/only-h2" DC0_C0_H2

spec() {  # spec NAME HOST DATASTORE POWER
  cat <<YAML
---
apiVersion: hvctl/v1
kind: VirtualMachine
metadata: {name: $1}
spec:
  cpu: {count: 1}
  memory: {size: 32MiB}
  disks: [{id: root, size: 32MiB}]
  nics: [{id: eth0, network: VM Network}]
  power: $4
  vsphere: {cluster: DC0_C0, host: $2, datastore: $3}
YAML
}
{ spec mig-a DC0_C0_H2 LocalDS_0 running; spec mig-b DC0_C0_H2 OnlyH2 running; spec mig-c DC0_C0_H0 LocalDS_0 stopped; } \
  >"$work/fleet.yaml"
expect 0 apply -f "$work/fleet.yaml"
[ "$(host_of mig-a)" = DC0_C0_H2 ] || fail "mig-a was not placed on DC0_C0_H2"

# A stopped VM moves; a second run has nothing to do.
expect 0 migrate mig-c --to-host DC0_C0_H1
contains err "mig-c: migrated from DC0_C0_H0 to DC0_C0_H1"
[ "$(host_of mig-c)" = DC0_C0_H1 ] || fail "mig-c is not on DC0_C0_H1 after migrate"
expect 0 migrate mig-c --to-host DC0_C0_H1 -o json
[ "$(json out "d['items'][0]['done']")" = "['already on DC0_C0_H1']" ] || fail "a second migrate was not a no-op"

# Refused, each before anything is sent.
expect 3 migrate mig-a --to-host DC0_C0_H0
contains err "it is running: pass --live"
expect 3 migrate mig-a --to-host esx-nowhere --live
contains err "no host named 'esx-nowhere' (there are: DC0_C0_H0, DC0_C0_H1, DC0_C0_H2, DC0_H0)"
expect 3 migrate mig-b --to-host DC0_C0_H0 --live
contains err "host 'DC0_C0_H0' does not see datastore 'OnlyH2'"
[ "$(host_of mig-a)" = DC0_C0_H2 ] && [ "$(host_of mig-b)" = DC0_C0_H2 ] || fail "a refused migrate moved a VM"
[ "$(power_of mig-a)" = running ] || fail "a refused migrate changed mig-a's power"

# A running VM moves live, and keeps running.
expect 0 migrate mig-a --to-host DC0_C0_H0 --live
[ "$(host_of mig-a)" = DC0_C0_H0 ] && [ "$(power_of mig-a)" = running ] || fail "mig-a did not move live"
expect 0 migrate mig-a --to-host DC0_C0_H2 --live

# drain: mig-a goes to a peer in the cluster; mig-b, whose datastore only
# this host sees, fails and stays running where it was.
expect 5 drain DC0_C0_H2 -o json
[ "$(json out "sorted((i['vm'], i['ok']) for i in d['items'])")" = "[('mig-a', True), ('mig-b', False)]" ] ||
  fail "drain did not report mig-a done and mig-b failed"
contains err "no host can take it"
case $(host_of mig-a) in DC0_C0_H0|DC0_C0_H1) ;; *) fail "drain moved mig-a to $(host_of mig-a), not a peer of DC0_C0_H2" ;; esac
[ "$(host_of mig-b)" = DC0_C0_H2 ] && [ "$(power_of mig-b)" = running ] || fail "the failed drain changed mig-b"

# --shutdown: what no host can take is shut down in place.
expect 0 drain DC0_C0_H2 --shutdown --timeout 5
contains err "mig-b: shut down, left on DC0_C0_H2"
[ "$(power_of mig-b)" = stopped ] || fail "drain --shutdown left mig-b $(power_of mig-b)"

expect 3 drain esx-nowhere
contains err "no host named 'esx-nowhere'"
expect 0 drain DC0_H0
contains err "host 'DC0_H0' runs no VMs"

# vsphere.pinHost: mig-a, drained off DC0_C0_H2, is drift only when its spec pins it there.
spec mig-a DC0_C0_H2 LocalDS_0 running >"$work/a.yaml"
expect 0 plan --detailed-exitcode -f "$work/a.yaml"
sed 's/datastore: LocalDS_0}/datastore: LocalDS_0, pinHost: true}/' "$work/a.yaml" >"$work/a-pinned.yaml"
expect 2 plan --detailed-exitcode -f "$work/a-pinned.yaml" -o json
[ "$(json out "[(c['field'], c['to']) for c in d['items'][0]['changes']]")" = "[('vsphere.host', 'DC0_C0_H2')]" ] ||
  fail "the pinned plan is not one change of vsphere.host to DC0_C0_H2"
expect 0 apply -f "$work/a-pinned.yaml"
contains out "mig-a  vc      update  migrated to DC0_C0_H2"
[ "$(host_of mig-a)" = DC0_C0_H2 ] && [ "$(power_of mig-a)" = running ] || fail "apply did not move mig-a back live"
expect 0 plan --detailed-exitcode -f "$work/a-pinned.yaml"

expect 0 destroy --yes mig-a mig-b mig-c
echo "e2e-migrate: all checks passed"
