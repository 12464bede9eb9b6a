#!/usr/bin/env bash
# Installs what hvctl needs to build and test on Debian 12, with apt-get.
# Runs apt-get only when something is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache
  # libraries
  libcli11-dev libyaml-cpp-dev libyaml-dev libfmt-dev nlohmann-json3-dev doctest-dev
  libvirt-dev libxml2-dev libcurl4-openssl-dev libssl-dev
  # libisofs: the NoCloud seed image (src/provision/nocloud_seed.cpp)
  libisofs-dev
  # libvirt test counterparts: a private libvirtd with QEMU (TCG) and a tiny guest
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 busybox-static cpio
  # qemu-img: libvirt makes qcow2 volumes (and overlays of base images) with it;
  # qemu-nbd with libnbd: hvctl move reads a qcow2 or vhd image as raw content
  qemu-utils libnbd-dev
  # xxhash: the digests of a move's copy and its verify (the header; xxhsum
  # checks them in the tests)
  libxxhash-dev xxhash
  # vSphere test counterpart: vcsim and govc built from Debian's govmomi source package
  golang-go golang-github-vmware-govmomi-dev golang-github-google-uuid-dev golang-github-kr-pretty-dev
  dpkg-dev openssl
  # genisoimage: the vSphere e2e puts a small ISO it builds into a CD-ROM drive
  genisoimage
  # fuzzing (tests/fuzz: libFuzzer harnesses built with clang)
  clang libclang-rt-14-dev
  # cloud-init 22.4's own checks (tests/cloud-init/agreement.sh): its Python
  # dependencies; cloud-init itself is fetched with apt-get download into the
  # test cache and never installed (its units would reconfigure this host)
  python3-configobj python3-jinja2 python3-jsonpatch python3-jsonschema python3-netifaces python3-oauthlib
  python3-requests python3-serial python3-yaml
  # completion and man page tests; a real terminal for the live status line test
  bash-completion zsh fish mandoc groff-base man-db tmux
  # Xen: libxenlight/libxlutil (backend, xl.cfg import/export); the backend's
  # test counterpart boots this Xen with Debian's kernel as dom0 under QEMU
  # (tests/xen/harness fetches the kernel with apt-get download, never installs it)
  libxen-dev xen-utils-4.17 xen-hypervisor-4.17-amd64 kmod
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
