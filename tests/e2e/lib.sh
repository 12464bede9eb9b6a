# Helpers for end-to-end scenarios: run the built hvctl, assert on exit codes
# and output, count, and print the closing "N passed, N failed" line.
# Usage in a scenario: source lib.sh; ...; finish
passed=0
failed=0

# ok NAME COMMAND... : passes when COMMAND succeeds.
ok() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "not ok - $name"; fi
}

# expect_exit CODE NAME -- hvctl ARGS... : runs hvctl, stores stdout/stderr in
# $out and $err, passes when the exit code is CODE.
expect_exit() {
  local want=$1 name=$2; shift 3
  local rc=0
  out=$("$HVCTL" "$@" 2>"$E2E_TMP/stderr") || rc=$?
  err=$(cat "$E2E_TMP/stderr")
  if [ "$rc" -eq "$want" ]; then passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name (exit $rc, wanted $want)"
    echo "  stdout: ${out//$'\n'/$'\n'  stdout: }"
    echo "  stderr: ${err//$'\n'/$'\n'  stderr: }"
  fi
}

# reachable_work_dir DIR: prints DIR when others may enter every directory
# above it, else a new directory under /tmp. A private libvirtd and its QEMU
# guests run as an unprivileged user and must reach their files, and a clone
# may sit in a 0700 directory (mktemp -d). The caller removes a /tmp one.
reachable_work_dir() {
  local d=$1 up
  mkdir -p "$d"
  up=$(cd "$d" && pwd)
  while [ "$up" != / ]; do
    up=$(dirname "$up")
    case $(stat -c %A "$up") in
      ?????????[xt]) ;;
      *) d=$(mktemp -d /tmp/hvctl-e2e.XXXXXX); chmod 755 "$d"; break ;;
    esac
  done
  echo "$d"
}

# wait_for SECONDS COMMAND... : polls COMMAND every 0.5 s until it succeeds;
# fails when SECONDS pass first. For conditions, never for retrying hvctl.
wait_for() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ "$SECONDS" -lt "$end" ] || return 1; sleep 0.5; done
}

contains() { grep -qF -- "$2" <<<"$1"; }

# private_libvirtd GIVEN_WORK_DIR: with $SRC, $WORK and $E2E_TMP set, builds
# the tiny guest in $WORK/guest, (re)starts a private libvirtd in
# $WORK/libvirtd and points HVCTL_CONFIG at a config whose one target, lab,
# is it. On exit: kills a background hvctl left in $pid, stops the daemon,
# and removes $WORK when reachable_work_dir made it under /tmp.
private_libvirtd() {
  E2E_GIVEN_WORK=$1
  "$SRC/tests/harness/tiny-guest.sh" "$WORK/guest" >/dev/null || exit 1
  "$SRC/tests/harness/libvirtd.sh" stop "$WORK/libvirtd" >/dev/null 2>&1
  "$SRC/tests/harness/libvirtd.sh" start "$WORK/libvirtd" >/dev/null || exit 1
  trap stop_private_libvirtd EXIT
  cat > "$E2E_TMP/config.yaml" <<EOC
targets:
  lab: {type: libvirt, uri: "$(cat "$WORK/libvirtd/uri")", domain_type: qemu}
default_target: lab
EOC
  export HVCTL_CONFIG=$E2E_TMP/config.yaml
}
stop_private_libvirtd() {
  [ -n "${pid:-}" ] && kill -KILL "$pid" 2>/dev/null
  "$SRC/tests/harness/libvirtd.sh" stop "$WORK/libvirtd" >/dev/null 2>&1
  [ "$WORK" = "$E2E_GIVEN_WORK" ] || rm -rf "$WORK"
}

# bounded_hvctl BIN DIR: writes DIR/hvctl, which runs BIN through `timeout`
# (120 s), so a hang fails the test instead of blocking it; prints its path.
bounded_hvctl() {
  printf '#!/bin/sh\nexec timeout -k 5 120 %q "$@"\n' "$1" > "$2/hvctl"
  chmod +x "$2/hvctl"
  echo "$2/hvctl"
}

# json_get JSON JQ-LIKE-PYTHON-EXPR : evaluates a Python expression on `d`.
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" <<<"$1"; }

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
