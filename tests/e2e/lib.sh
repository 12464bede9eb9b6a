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

contains() { grep -qF -- "$2" <<<"$1"; }

# json_get JSON JQ-LIKE-PYTHON-EXPR : evaluates a Python expression on `d`.
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" <<<"$1"; }

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
