#!/usr/bin/env bash
# Fails, printing them, when any sanitizer report was written to DIR during
# the test run (see sanitizers.cmake).
set -euo pipefail
dir=$1
shopt -s nullglob
reports=("$dir"/*)
if [ ${#reports[@]} -eq 0 ]; then
  echo "sanitizer_reports: no AddressSanitizer/UndefinedBehaviorSanitizer/LeakSanitizer reports"
  exit 0
fi
for r in "${reports[@]}"; do
  echo "=== $r"
  cat "$r"
done
echo "sanitizer_reports: ${#reports[@]} report(s) above" >&2
exit 1
