#!/bin/bash
# Build VMware's vCenter simulator (vcsim) and govc, version 0.24.2, offline from Debian 12's
# golang-github-vmware-govmomi packages, for hvctl's vSphere integration tests.
#
#   tests/vcsim/build.sh OUTDIR      ->  OUTDIR/bin/vcsim  OUTDIR/bin/govc
#
# - Installs golang-go and the govmomi/uuid/pretty -dev packages with apt-get only when one is
#   missing (needs root then).
# - The -dev package ships the govmomi library but not the vcsim/ and govc/ main packages, so the
#   source package is downloaded with a private apt configuration whose deb-src entries are derived
#   from this machine's own apt sources. No mirror is named anywhere in this script.
# - The build compiles Debian's installed library (which carries Debian's Go 1.19 fixes) plus the
#   two mains from the upstream tarball, in GOPATH mode, without any network access from Go.
# - When both binaries exist, built from the installed govmomi version, it returns at once
#   (OUTDIR is a cache, shared by build trees; delete it to rebuild).
set -euo pipefail

OUT=${1:?usage: $0 OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BIN=$OUT/bin

built_from() { dpkg-query -W -f '${Version}' golang-github-vmware-govmomi-dev 2>/dev/null; }
have_bins() { [ -x "$BIN/vcsim" ] && [ -x "$BIN/govc" ] && [ "$(cat "$OUT/built-from" 2>/dev/null)" = "$(built_from)" ]; }
have_bins && exit 0

# One build at a time per OUTDIR (parallel CI jobs sharing the build tree).
exec 9>"$OUT/.build.lock"
flock 9
have_bins && exit 0

log() { echo "vcsim/build.sh: $*" >&2; }
START=$(date +%s)

# --- 1. apt packages -------------------------------------------------------------------------
PKGS="golang-go golang-github-vmware-govmomi-dev golang-github-google-uuid-dev golang-github-kr-pretty-dev"
missing=()
for p in $PKGS; do
  st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "missing packages: ${missing[*]} (run as root or install them)"; exit 1; }
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # An empty or stale package list makes install fail; update once and retry.
  apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
fi

VER=$(dpkg-query -W -f '${Version}' golang-github-vmware-govmomi-dev)
UPVER=${VER#*:}; UPVER=${UPVER%-*}
LIB=/usr/share/gocode/src/github.com/vmware/govmomi
[ -d "$LIB" ] || { log "$LIB not found"; exit 1; }

# --- 2. upstream source of the vcsim/ and govc/ mains -----------------------------------------
SRCROOT=$OUT/src
SRC=$SRCROOT/govmomi-$UPVER
if [ ! -d "$SRC/vcsim" ] || [ ! -d "$SRC/govc" ]; then
  APTDIR=$OUT/apt
  rm -rf "$APTDIR"
  mkdir -p "$APTDIR/sources" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$SRCROOT"
  n=0
  # deb822 files: turn the "deb" type into "deb-src" (keeping URIs, suites, Signed-By).
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    awk '
      /^[Tt]ypes:/ { print "Types: deb-src"; next }
      { print }' "$f" > "$APTDIR/sources/$(basename "$f")"
    n=$((n + 1))
  done
  # one-line files: every active "deb" line becomes a "deb-src" line.
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -s "$f" ] || continue
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" > "$APTDIR/sources/$(basename "$f").list"
    [ -s "$APTDIR/sources/$(basename "$f").list" ] && n=$((n + 1))
  done
  [ "$n" -gt 0 ] || { log "no apt sources found under /etc/apt"; exit 1; }
  cat > "$APTDIR/apt.conf" <<EOF
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$APTDIR/sources";
Dir::State::Lists "$APTDIR/lists";
Dir::Cache "$APTDIR/cache";
Debug::NoLocking "1";
EOF
  log "fetching source package golang-github-vmware-govmomi=$VER"
  # A source list may also name repositories without deb-src (third-party); tolerate their errors
  # as long as Debian's own Sources index arrives, which apt-get source then needs.
  APT_CONFIG=$APTDIR/apt.conf apt-get update -q >&2 || log "apt-get update reported errors (continuing)"
  DL=$SRCROOT/dl
  rm -rf "$DL"; mkdir -p "$DL"
  # apt downloads as the unprivileged _apt user when it can write there (else it warns).
  if id _apt >/dev/null 2>&1; then chown _apt "$DL" 2>/dev/null || true; fi
  (cd "$DL" && APT_CONFIG=$APTDIR/apt.conf apt-get source -q --download-only \
      "golang-github-vmware-govmomi=$VER" >&2)
  rm -rf "$SRC.tmp"; mkdir -p "$SRC.tmp"
  tar -xf "$DL"/golang-github-vmware-govmomi_"$UPVER".orig.tar.* -C "$SRC.tmp" --strip-components=1
  if [ ! -d "$SRC.tmp/vcsim" ] || [ ! -d "$SRC.tmp/govc" ]; then log "tarball lacks vcsim/ or govc/"; exit 1; fi
  rm -rf "$SRC"; mv "$SRC.tmp" "$SRC"
  rm -rf "$DL" "$APTDIR"
fi

# --- 3. build ----------------------------------------------------------------------------------
GP=$OUT/gopath
G=$GP/src/github.com/vmware/govmomi
rm -rf "$GP"; mkdir -p "$(dirname "$G")"
cp -r "$LIB" "$G"
rm -rf "$G/vcsim" "$G/govc"
cp -r "$SRC/vcsim" "$SRC/govc" "$G/"

export GOPATH=$GP:/usr/share/gocode GO111MODULE=off GOFLAGS='' GOPROXY=off GOTOOLCHAIN=local
export GOCACHE=${GOCACHE:-$OUT/gocache}
mkdir -p "$BIN"
log "building with $(go version)"
for m in vcsim govc; do
  go build -ldflags "-s -w" -o "$BIN/.$m.tmp" "github.com/vmware/govmomi/$m"
done
# Rename last, so that a half-finished build never looks done.
mv "$BIN/.govc.tmp" "$BIN/govc"
mv "$BIN/.vcsim.tmp" "$BIN/vcsim"
built_from > "$OUT/built-from"
rm -rf "$GP"
log "built $BIN/vcsim and $BIN/govc (govmomi $VER) in $(( $(date +%s) - START )) s"
