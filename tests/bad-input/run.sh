#!/usr/bin/env bash
# The bad-input corpus (ctest bad_input): every case in cases/ goes through
# the built hvctl under `timeout 20` and must end as its NAME.expect says.
#   NAME.yaml, NAME.d/ (a directory of specs)  ->  hvctl validate -f CASE
#   NAME.cfg, NAME.vmx, NAME.xml               ->  hvctl convert CASE --to yaml
# NAME.expect lines:
#   exit N          the exit code (required; 3 = invalid input)
#   stderr TEXT     TEXT appears in stderr (any number of these; CASE stands for the case's path)
#   stdout any      stdout may hold output (default: it must be empty unless exit is 0)
# Every case must also: never crash or hang (exit < 124), and leave its input
# files byte for byte as they were.
# Usage: tests/bad-input/run.sh HVCTL
set -uo pipefail
hvctl=${1:?usage: run.sh HVCTL}
cases=$(cd "$(dirname "$0")/cases" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_CONFIG_HOME=$work/config
unset HVCTL_TARGET HVCTL_CONFIG
passed=0 failed=0

fail() { failed=$((failed + 1)); echo "FAIL $name: $*"; }

checksum() { find "$1" -type f -print0 | sort -z | xargs -0 sha256sum; }

for expect in "$cases"/*.expect; do
  name=$(basename "$expect" .expect)
  input=
  for candidate in "$cases/$name".{yaml,cfg,vmx,xml,d}; do [ -e "$candidate" ] && input=$candidate; done
  if [ -z "$input" ]; then fail "no input file next to $name.expect"; continue; fi
  case $input in
    *.yaml|*.d) cmd=(validate -f "$input") ;;
    *) cmd=(convert "$input" --to yaml) ;;
  esac
  want_exit=$(sed -n 's/^exit //p' "$expect")
  stdout_any=$(grep -c '^stdout any$' "$expect")
  before=$(checksum "$input")
  timeout 20 "$hvctl" "${cmd[@]}" --config /dev/null >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  ok=1
  if [ $rc -ge 124 ]; then fail "exit $rc: crashed, killed or hung (timeout 20 s)"; ok=0
  elif [ "$rc" != "$want_exit" ]; then fail "exit $rc, expected $want_exit"; ok=0; fi
  while IFS= read -r line; do
    text=${line#stderr }
    text=${text//CASE/$input}
    grep -qF -- "$text" "$work/err" || { fail "stderr lacks: $text"; ok=0; }
  done < <(grep '^stderr ' "$expect")
  if [ "$rc" != 0 ] && [ "$stdout_any" = 0 ] && [ -s "$work/out" ]; then fail "printed to stdout on failure"; ok=0; fi
  [ "$(checksum "$input")" = "$before" ] || { fail "the input was modified"; ok=0; }
  if [ $ok = 1 ]; then
    passed=$((passed + 1)); echo "ok   $name (exit $rc)"
  else
    echo "---- stderr of $name (first lines):"; head -c 2000 "$work/err" | head -n 8
  fi
done
echo "bad_input: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -ge 40 ]
