#!/bin/bash
# Start and stop a vCenter simulator (vcsim) instance for hvctl's integration tests.
#
#   tests/vcsim/vcsim.sh start DIR [vcsim flags...]    e.g. -esx, -trace, -method-delay
#                                                            PowerOnVM_Task:500, -tlscert c -tlskey k
#   tests/vcsim/vcsim.sh stop DIR
#
# start listens on 127.0.0.1:0 (a free port), logs in with user/pass, and writes into DIR:
#   url        https://127.0.0.1:PORT/sdk   (no credentials; "http://" when -tls=false is given)
#   pid        vcsim's process id
#   vcsim.log  vcsim's stdout and stderr (with -trace: every SOAP request and response)
#   env        shell lines to source for govc: GOVC_URL (with credentials), GOVC_INSECURE=1,
#              GOVC_USERNAME, GOVC_PASSWORD, GOVMOMI_HOME=DIR/govmomi-home
#   tmp/       vcsim's datastore backing directories (removed by vcsim on a clean stop)
# Any number of instances can run at once, each in its own DIR.
#
# Environment: VCSIM_BIN   vcsim binary (default: <repo>/build/vcsim/bin/vcsim, see build.sh)
#              VCSIM_USER / VCSIM_PASS   credentials (default user / pass)
#              VCSIM_START_TIMEOUT / VCSIM_STOP_TIMEOUT   seconds (default 30 / 10)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

die() { echo "vcsim.sh: $*" >&2; exit 1; }

# True while PID runs; a zombie (exited, not yet reaped, e.g. under a PID 1 that never reaps)
# counts as gone.
alive() {
  local st
  st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# True when PID is alive and is a vcsim process (guards against a recycled PID).
is_vcsim() {
  local pid=$1
  [ -n "$pid" ] && alive "$pid" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q vcsim
}

cmd_start() {
  local dir=${1:?usage: vcsim.sh start DIR [vcsim flags...]}; shift
  local bin=${VCSIM_BIN:-$ROOT/build/vcsim/bin/vcsim}
  [ -x "$bin" ] || die "no vcsim at $bin (run tests/vcsim/build.sh $ROOT/build/vcsim or set VCSIM_BIN)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/pid" ] && is_vcsim "$(cat "$dir/pid")"; then
    die "vcsim already running in $dir (pid $(cat "$dir/pid"))"
  fi
  rm -f "$dir/url" "$dir/pid" "$dir/env" "$dir/vcsim.log"
  rm -rf "$dir/tmp"; mkdir -p "$dir/tmp" "$dir/govmomi-home"

  # vcsim treats -username/-password values that name a readable file as "read the secret from
  # this file" (session.Secret), so a file called "pass" in the working directory would silently
  # change the password. Passing absolute paths of files we own makes that deterministic.
  local user=${VCSIM_USER:-user} pass=${VCSIM_PASS:-pass}
  printf '%s\n' "$user" > "$dir/.username"
  printf '%s\n' "$pass" > "$dir/.password"

  # Our flags first: Go's flag package lets a later repetition (e.g. the caller's -l) win.
  TMPDIR=$dir/tmp "$bin" -l 127.0.0.1:0 -username "$dir/.username" -password "$dir/.password" "$@" \
      </dev/null >"$dir/vcsim.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$dir/pid"

  # vcsim prints "export GOVC_URL=https://USER:PASS@127.0.0.1:PORT/sdk GOVC_SIM_PID=N" once it
  # listens. Wait for it, bounded.
  local timeout=${VCSIM_START_TIMEOUT:-30} line="" i
  for ((i = 0; i < timeout * 20; i++)); do
    line=$(grep -m1 '^export GOVC_URL=' "$dir/vcsim.log" 2>/dev/null || true)
    [ -n "$line" ] && break
    if ! alive "$pid"; then
      wait "$pid" 2>/dev/null || true
      rm -f "$dir/pid"
      cat "$dir/vcsim.log" >&2
      die "vcsim exited during startup (log: $dir/vcsim.log)"
    fi
    sleep 0.05
  done
  if [ -z "$line" ]; then
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
    die "vcsim printed no URL within ${timeout}s (log: $dir/vcsim.log)"
  fi

  local full=${line#export GOVC_URL=}; full=${full%% *}       # https://user:pass@host:port/sdk
  local scheme=${full%%://*} rest=${full#*://}
  local url=$scheme://${rest#*@}                               # drop "user:pass@"
  echo "$url" > "$dir/url"
  {
    printf 'export GOVC_URL=%q\n' "$full"
    printf 'export GOVC_USERNAME=%q GOVC_PASSWORD=%q\n' "$user" "$pass"
    printf 'export GOVC_INSECURE=1 GOVMOMI_HOME=%q\n' "$dir/govmomi-home"
  } > "$dir/env"
  echo "$url"
}

cmd_stop() {
  local dir=${1:?usage: vcsim.sh stop DIR}
  [ -f "$dir/pid" ] || return 0
  local pid; pid=$(cat "$dir/pid")
  if is_vcsim "$pid"; then
    # SIGTERM lets vcsim remove its datastore temp dirs (model.Remove); SIGKILL after a bound.
    kill -TERM "$pid" 2>/dev/null || true
    local timeout=${VCSIM_STOP_TIMEOUT:-10} i
    for ((i = 0; i < timeout * 20; i++)); do
      alive "$pid" || break
      sleep 0.05
    done
    if alive "$pid"; then
      echo "vcsim.sh: pid $pid ignored SIGTERM for ${timeout}s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.05; done
    fi
  fi
  rm -f "$dir/pid"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop)  shift; cmd_stop "$@" ;;
  *) die "usage: vcsim.sh start DIR [vcsim flags...] | stop DIR" ;;
esac
