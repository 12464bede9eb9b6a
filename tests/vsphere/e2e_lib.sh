# Sourced by the vSphere scenarios (e2e-devices.sh, e2e-cdroms.sh,
# e2e-migrate.sh, e2e-safe-apply.sh) after they set hvctl, url and work: a
# config with target "vc" for the vcsim at $url, govc pointed at it, and helpers:
#   expect RC ARGS...   runs hvctl with the config (output in $work/out, $work/err)
#                       and fails the run unless it exits RC;
#   contains out|err TEXT;  fail MESSAGE (shows the last output, exits 1);
#   json out|err EXPR (the file's JSON as d);  vm NAME EXPR (of hvctl get NAME -o json).
mkdir -p "$work"
cfg=$work/config.yaml
cat >"$cfg" <<YAML
targets:
  vc:
    type: vsphere
    uri: $url
    username: user
    password_env: VC_PASSWORD
    insecure: true
YAML
export VC_PASSWORD=pass XDG_CACHE_HOME=$work/cache
export GOVC_URL="user:pass@${url#https://}" GOVC_INSECURE=1 GOVMOMI_HOME=$work/govmomi
ds=LocalDS_0

fail() { echo "FAIL: $*" >&2; echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"; exit 1; } >&2
expect() {  # RC ARGS...: hvctl with the config; output in $work/out, $work/err
  local want=$1 rc=0; shift
  "$hvctl" --config "$cfg" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" = "$want" ] || fail "hvctl $* exited $rc, expected $want"
}
contains() { grep -qF -- "$2" "$work/$1" || fail "$1 lacks '$2'"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$work/$1"; }  # FILE EXPR (as d)
vm() {  # vm NAME EXPR: EXPR of `hvctl get NAME -o json` (as d)
  expect 0 get "$1" -o json
  json out "$2"
}
