#!/usr/bin/env bash
# With HVCTL_BACKEND_MODULES, hvctl itself loads none of the backends'
# libraries: a command that needs no backend (version, validate, completion)
# starts without libvirt, libcurl, libxml2, OpenSSL or the Xen libraries, and
# each backend's module brings its own when a target (or a conversion) needs it.
# Usage: startup_libraries.sh HVCTL
set -euo pipefail
hvctl=$1
dir=$(dirname "$hvctl")
fail=0

loaded=$(ldd "$hvctl")
for lib in libvirt libcurl libxml2 libssl libxenlight libxlutil libxenctrl libyajl libisofs; do
  if grep -q "$lib" <<<"$loaded"; then
    echo "not ok - hvctl loads $lib at start-up:"; grep "$lib" <<<"$loaded" | sed 's/^/  /'; fail=1
  else
    echo "ok - hvctl does not load $lib at start-up"
  fi
done

# Each module that is built carries what its backend needs.
check_module() {  # MODULE LIB
  [ -e "$dir/$1" ] || { echo "ok - $1 is not built here (skipped)"; return; }
  local needs; needs=$(ldd "$dir/$1")  # not piped into grep -q: ldd's SIGPIPE would fail the pipeline
  if grep -q "$2" <<<"$needs"; then echo "ok - $1 brings $2"; else echo "not ok - $1 does not link $2"; fail=1; fi
}
check_module hvctl-backend-libvirt.so libvirt
check_module hvctl-backend-vsphere.so libcurl
check_module hvctl-backend-xen.so libxlutil
check_module hvctl-backend-libvirt.so libisofs  # (spec.init's seed)
check_module hvctl-backend-xen.so libisofs
exit $fail
