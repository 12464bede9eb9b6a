#!/usr/bin/env bash
# The generated man pages render, lint clean at warning level, and the
# checked-in copies in man/ and completions/ match what the binary generates.
# Usage: man_pages.sh GENERATED_DIR SOURCE_DIR
set -uo pipefail
gen=$1 src=$2
source "$src/tests/e2e/lib.sh"
for page in hvctl.1 hvctl-spec.5; do
  ok "man -l renders $page" bash -c 'MANWIDTH=100 man -l "$0" 2>&1 | grep -q "NAME"' "$gen/man/$page"
  ok "mandoc lint: no warnings or errors in $page" mandoc -T lint -W warning "$gen/man/$page"
  ok "groff -ww finds nothing in $page" bash -c '[ -z "$(groff -man -ww -z "$0" 2>&1)" ]' "$gen/man/$page"
done
ok "man/ is up to date (scripts/regen-docs.sh)" diff -r "$gen/man" "$src/man"
ok "completions/ is up to date (scripts/regen-docs.sh)" diff -r "$gen/completions" "$src/completions"
finish
