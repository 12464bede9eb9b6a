#!/usr/bin/env bash
# Runs the libFuzzer harnesses one after the other.
# Usage: tests/fuzz/run.sh SECONDS [HARNESS...]        each for SECONDS (default: every harness)
#        tests/fuzz/run.sh --runs N [HARNESS...]       the gate: N inputs each, seed 1
#
# SECONDS is the developer's search for new crashes: what it finds depends on
# time and load, so it stays out of CI. --runs is what scripts/test.sh runs:
# a fixed seed, a fixed number of inputs and a fresh working corpus make each
# run the same run, so the gate goes red only on a change to the code or to
# the corpora, never by chance.
# Configures and builds ${HVCTL_FUZZ_BUILD_DIR:-build-fuzz} with clang and
# -DHVCTL_FUZZ=ON when needed. Each harness starts from its seed corpus
# (tests/fuzz/corpus/NAME) and past crashes (tests/fuzz/regressions/NAME);
# what it learns goes to BUILD/fuzz-work/NAME, its log to BUILD/fuzz-logs/NAME.log.
# Prints per harness the executions reached and whether it crashed; any crash,
# leak, timeout or OOM input is copied to tests/fuzz/regressions/NAME/ (so the
# ctest fuzz_regressions replays it from then on) and the exit status is 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
usage="usage: tests/fuzz/run.sh SECONDS|--runs N [HARNESS...]"
if [ "${1:-}" = --runs ]; then
  runs=${2:?$usage}
  budget=(-runs="$runs" -seed=1 -reload=0)  # reload: a time-based corpus re-read
  shift 2
else
  seconds=${1:?$usage}
  budget=(-max_total_time="$seconds")
  shift
fi
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in "$here"/fuzz_*.cpp; do n=$(basename "$f" .cpp); harnesses+=("${n#fuzz_}"); done
fi
build=${HVCTL_FUZZ_BUILD_DIR:-$root/build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac

if ! grep -q '^HVCTL_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  command -v clang++ >/dev/null || { echo "run.sh: clang++ is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  generator=()
  command -v ninja >/dev/null && [ ! -f "$build/CMakeCache.txt" ] && generator=(-G Ninja)
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DHVCTL_FUZZ=ON "${launcher[@]}" >/dev/null
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >/dev/null

# How long an input may be: long enough for deep nesting and very long lines.
max_len=65536
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0}

# The gate runs each harness the same way from any checkout. With address-space
# randomisation a few edges (std::regex's scanner in a static initialiser) are
# covered or not from run to run, and the search forks from there; without it
# the stack still moves with the size of the environment and of argv. So it
# runs under setarch -R, with a fixed environment, from a directory whose name
# is always as long (mktemp), holding links to the harness, its corpora and the
# suppressions: every path it is given is the same string.
place=
if [ -n "${runs:-}" ]; then
  place=$(mktemp -d /tmp/hvctl-fuzz.XXXXXX)
  trap 'rm -rf "$place"' EXIT
  ln -s "$root/tests/sanitizers/lsan.supp" "$place/lsan.supp"
fi
# run_harness NAME WORK ARTIFACTS LOG SEEDS...
run_harness() {
  local h=$1 work=$2 artifacts=$3 log=$4
  shift 4
  local common=(-max_len=$max_len -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  if [ -z "$place" ]; then
    "$build/tests/fuzz_$h" "${budget[@]}" "${common[@]}" -artifact_prefix="$artifacts" "$work" "$@" >"$log" 2>&1
    return
  fi
  rm -rf "$place"/{fuzz,work,found,corpus,regressions}
  mkdir "$place/work" "$place/found"
  ln -s "$build/tests/fuzz_$h" "$place/fuzz"
  local dirs=(work) i=0 rc=0 seed
  for seed in "$@"; do ln -s "$seed" "$place/$([ $i = 0 ] && echo corpus || echo regressions)"; i=$((i + 1)); done
  [ -e "$place/corpus" ] && dirs+=(corpus)
  [ -e "$place/regressions" ] && dirs+=(regressions)
  (cd "$place" && env -i PATH=/usr/bin:/bin ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     LSAN_OPTIONS=suppressions=lsan.supp:print_suppressions=0 setarch "$(uname -m)" -R \
     ./fuzz "${budget[@]}" "${common[@]}" -artifact_prefix=found/ "${dirs[@]}") >"$log" 2>&1 || rc=$?
  cp -r "$place/found/." "$artifacts"
  return $rc
}
status=0
printf '%-8s %12s %8s  %s\n' HARNESS EXECS SECONDS RESULT
for h in "${harnesses[@]}"; do
  work=$build/fuzz-work/$h artifacts=$build/fuzz-artifacts/$h/ log=$build/fuzz-logs/$h.log
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  seeds=("$here/corpus/$h")
  [ -d "$here/regressions/$h" ] && seeds+=("$here/regressions/$h")
  start=$SECONDS
  rc=0
  run_harness "$h" "$work" "$artifacts" "$log" "${seeds[@]}" || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$execs" ] || execs=$(grep -o '#[0-9]*' "$log" | tail -n 1 | tr -d '#')
  found=()
  shopt -s nullglob
  for a in "$artifacts"{crash,leak,timeout,oom}-*; do found+=("$a"); done
  shopt -u nullglob
  if [ $rc -eq 0 ] && [ ${#found[@]} -eq 0 ]; then
    result="no crash"
  else
    status=1
    mkdir -p "$here/regressions/$h"
    saved=()
    for a in "${found[@]}"; do cp "$a" "$here/regressions/$h/" && saved+=("tests/fuzz/regressions/$h/$(basename "$a")"); rm -f "$a"; done
    reason=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|==ERROR' "$log" || true)
    result="CRASHED (exit $rc): ${reason:-see $log}; input saved: ${saved[*]:-none}"
  fi
  printf '%-8s %12s %8s  %s\n' "$h" "${execs:-?}" "$((SECONDS - start))" "$result"
done
[ $status -eq 0 ] || echo "run.sh: a harness crashed; logs in $build/fuzz-logs, inputs in tests/fuzz/regressions" >&2
exit $status
