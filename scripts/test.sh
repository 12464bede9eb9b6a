#!/usr/bin/env bash
# Sets up and runs every hvctl test on a fresh Debian 12 machine, in stages:
#   install     the Debian packages (scripts/install-deps.sh; a no-op when present)
#   build       build/ with gcc (RelWithDebInfo)
#   test        every ctest in build/: unit, golden, end to end against a
#               private libvirtd, vcsim and Xen under QEMU, the bad-input
#               corpus, the fuzz regressions
#   asan-build  build-fuzz/ with clang, AddressSanitizer, UBSan and the
#               libFuzzer harnesses (-DHVCTL_FUZZ=ON): the one sanitizer tree
#   asan-test   the same ctests there but e2e_xen and e2e_xen_move, where any sanitizer report
#               fails the run (ctest sanitizer_reports)
#   fuzz        each harness over its corpus and regressions, then a fixed
#               number of new inputs from a fixed seed (tests/fuzz/run.sh
#               --runs): the same inputs on every run, so it fails only on a
#               change, never by chance
# At the end (also on failure) it prints how long each stage took against its
# budget, and the slowest tests. ccache (outside the clone: $CCACHE_DIR, else
# ~/.cache/ccache) and the test counterparts' cache ($HVCTL_TEST_CACHE, else
# ~/.cache/hvctl-tests: vcsim, the Xen boot files) make a second clone's run
# fast; a cold machine builds them once.
# Usage: scripts/test.sh [CTEST ARGS...]   (passed to both ctest stages)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${HVCTL_BUILD_DIR:-build}
fuzz_build=${HVCTL_FUZZ_BUILD_DIR:-$build-fuzz}
logs=$(mktemp -d "${TMPDIR:-/tmp}/hvctl-test.XXXXXX")
jobs=$(nproc)
# Each stage's budget in seconds, warm (ccache and test caches filled) / cold
# (a new machine, install excluded). The whole run must stay within 20 / 35
# minutes on 2 cores; what is left is headroom for the boots later work adds.
declare -A budget_warm=([install]=30 [build]=90 [test]=420 [asan-build]=120 [asan-test]=300 [fuzz]=90)
declare -A budget_cold=([install]=0 [build]=360 [test]=540 [asan-build]=720 [asan-test]=300 [fuzz]=90)
stages=() times=() results=()

summary() {
  local rc=$? total=0 i
  echo
  echo "== scripts/test.sh: where the time went (budget: warm / cold seconds)"
  for i in "${!stages[@]}"; do
    local s=${stages[$i]}
    total=$((total + times[i]))
    printf '  %-11s %5d s  %-6s  (budget %d / %d)\n' "$s" "${times[$i]}" "${results[$i]}" \
      "${budget_warm[$s]}" "${budget_cold[$s]}"
  done
  printf '  %-11s %5d s  (budget 1200 warm / 2100 cold, install excluded)\n' total "$total"
  if ls "$logs"/ctest-*.log >/dev/null 2>&1; then
    echo "== slowest tests"
    for log in "$logs"/ctest-*.log; do
      tree=${log##*/ctest-}
      sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) \.*[^0-9]*\([0-9.]*\) sec$/\2 \1/p' "$log" |
        sed "s/\$/ (${tree%.log})/"
    done | sort -rn | head -n 8 | awk '{printf "  %7.1f s  %s %s\n", $1, $2, $3}'
    local passed failed
    passed=$(grep -ho '[0-9]* tests failed out of [0-9]*' "$logs"/ctest-*.log | awk '{f += $1; n += $6} END {print n - f}')
    failed=$(grep -ho '[0-9]* tests failed out of [0-9]*' "$logs"/ctest-*.log | awk '{f += $1} END {print f + 0}')
    echo "ctest (both trees): $passed passed, $failed failed"
  fi
  rm -rf "$logs"
  exit "$rc"
}
trap summary EXIT

# stage NAME COMMAND...: runs COMMAND, timing it.
stage() {
  local name=$1 start=$SECONDS rc=0
  shift
  echo "== stage $name"
  "$@" || rc=$?
  stages+=("$name") times+=($((SECONDS - start)))
  if [ $rc -eq 0 ]; then results+=(ok); else results+=("FAILED"); return $rc; fi
}

# run_ctest TREE LOG [ARGS...]: every test of TREE, $jobs at a time (tests
# that need the whole machine say so with PROCESSORS/RUN_SERIAL).
run_ctest() {
  local tree=$1 log=$2
  shift 2
  (cd "$tree" && ctest --output-on-failure --timeout 900 -j "$jobs" "$@") 2>&1 | tee "$logs/$log"
}

stage install scripts/install-deps.sh
stage build scripts/build.sh
stage test run_ctest "$build" ctest-build.log "$@"
stage asan-build env HVCTL_BUILD_DIR="$fuzz_build" scripts/build.sh \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DHVCTL_FUZZ=ON
# e2e_xen and e2e_xen_move are left out: they boot Xen under QEMU for
# minutes, and the code they run (the Xen backend and monitor, a move's copy)
# is what unit/golden tests (libxl's JSON dumps, the copy between two Xen
# backends' files), e2e_move_vsphere_libvirt and the fuzz regressions already
# run under the sanitizers here.
stage asan-test run_ctest "$fuzz_build" ctest-asan.log -E '^e2e_xen(_move)?$' "$@"
stage fuzz env HVCTL_FUZZ_BUILD_DIR="$fuzz_build" tests/fuzz/run.sh --runs "${HVCTL_FUZZ_RUNS:-40000}"
