#!/usr/bin/env bash
# Replays tests/fuzz/corpus/<name> and tests/fuzz/regressions/<name> through
# each harness's replay binary (the ctest fuzz_regressions).
# Usage: replay.sh FUZZ_DIR NAME=REPLAY_BINARY...
set -euo pipefail
dir=$1
shift
status=0
for pair in "$@"; do
  name=${pair%%=*}
  bin=${pair#*=}
  inputs=()
  for d in "$dir/corpus/$name" "$dir/regressions/$name"; do
    [ -d "$d" ] && inputs+=("$d")
  done
  if [ ${#inputs[@]} -eq 0 ]; then
    echo "fuzz_regressions: $name has no corpus in $dir/corpus/$name" >&2
    status=1
    continue
  fi
  if out=$("$bin" "${inputs[@]}" 2>"${TMPDIR:-/tmp}/fuzz-replay-$name.$$"); then
    echo "$name: $out"
  else
    rc=$?
    tail -n 60 "${TMPDIR:-/tmp}/fuzz-replay-$name.$$" >&2
    echo "$name: FAILED (exit $rc) on the last input named above" >&2
    status=1
  fi
  rm -f "${TMPDIR:-/tmp}/fuzz-replay-$name.$$"
done
exit $status
