#!/usr/bin/env bash
# hvctl's cloud-init checks against cloud-init 22.4's own on the corpus here:
# both must accept or both refuse each file (README.md lists the files where
# they differ on purpose: none today). cloud-init comes from Debian's package,
# fetched with `apt-get download` and unpacked into the test cache, never
# installed; its Python dependencies are Debian packages (install-deps.sh).
# Exit 77 (skipped) only when that package cannot be fetched.
# Usage: agreement.sh HVCTL_VERDICT_TOOL CACHE_DIR
set -euo pipefail
tool=$1 cache=$2/cloud-init
here=$(cd "$(dirname "$0")" && pwd)
tree=$cache/tree
if [ ! -d "$tree/usr/lib/python3/dist-packages/cloudinit" ]; then
  mkdir -p "$cache/debs"
  (cd "$cache/debs" && ls cloud-init_*.deb >/dev/null 2>&1 || apt-get download -q cloud-init >/dev/null 2>&1) || {
    echo "SKIP: apt-get download cloud-init failed"; exit 77; }
  rm -rf "$tree.new" && dpkg-deb -x "$cache"/debs/cloud-init_*.deb "$tree.new" && mv "$tree.new" "$tree"
fi
# Debian's python3, where its python3-* packages are (not a pyenv or venv one first in PATH)
export PYTHONPATH=$tree/usr/lib/python3/dist-packages
cd "$here"
fail=0 n=0
for kind in user-data network-config; do
  files=("$kind"/*)
  theirs=$(/usr/bin/python3 cloud_init_verdict.py "$kind" "${files[@]}" 2>/dev/null | grep -E "^$kind/") ||
    { echo "FAIL: cloud-init's checks did not run (python3 deps? scripts/install-deps.sh)"; exit 1; }
  ours=$("$tool" "$kind" "${files[@]}")
  for f in "${files[@]}"; do
    n=$((n + 1))
    t=$(grep -F "$f " <<<"$theirs" | head -1) o=$(grep -F "$f " <<<"$ours" | head -1)
    tv=${t#"$f "} ov=${o#"$f "}
    want=refused; case $f in */ok-*) want=ok ;; esac
    if [ "${tv%%:*}" != "${ov%%:*}" ] || [ "${ov%%:*}" != "$want" ]; then
      echo "DISAGREE $f (corpus says $want)"; echo "  cloud-init: $tv"; echo "  hvctl:      $ov"; fail=1
    else
      echo "agree $f: $ov"
    fi
  done
done
echo "$n files"
exit $fail
