#!/usr/bin/env bash
# summary: start-up: hvctl version vs govc version, virsh --version
# Scenario 1, start-up: `hvctl version` against `govc version` and
# `virsh --version`, each started directly (no shell), many times.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
RUNS=$(runs_or 50)
measure hvctl "hvctl version" "$RUNS" -N --warmup 5 -- "$HVCTL" version
measure peer "govc version" "$RUNS" -N --warmup 5 -- "$GOVC" version
measure peer "virsh --version" "$RUNS" -N --warmup 5 -- virsh --version
