#!/usr/bin/env bash
# Fidelity of hvctl convert on this directory's corpus against hand-written expected specs
# (issue #19): field agreement, silent drops, printed secrets, files failing. See measure.py.
# Usage: measure.sh HVCTL
set -euo pipefail
hvctl=${1:?usage: measure.sh HVCTL}
exec python3 "$(dirname "$0")/measure.py" "$hvctl"
