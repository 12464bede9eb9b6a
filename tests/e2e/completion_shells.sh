#!/usr/bin/env bash
# Drives the real bash (with bash-completion), zsh and fish with hvctl's
# generated completion scripts and asserts on what they complete.
# Usage: completion_shells.sh HVCTL_DIR GENERATED_DIR SOURCE_DIR
set -uo pipefail
export PATH=$1:$PATH
gen=$2
source "$3/tests/e2e/lib.sh"
unset HVCTL_TARGET HVCTL_CONFIG
# These checks are about what is offered, not how fast: a loaded machine or a
# sanitizer build may need more than the default 2 s to list the test driver's
# VMs. The deadline itself is checked at the end, against a target that never answers.
export HVCTL_COMPLETION_TIMEOUT_MS=60000
cfg=$(mktemp -d); trap 'rm -rf "$cfg"' EXIT
printf 'targets:\n  lab: {type: libvirt, uri: "test:///default"}\n  prod: {type: libvirt, uri: "test:///default"}\n' > "$cfg/config.yaml"

bash_complete() {  # words...: the last is the word being completed
  bash -c 'source /usr/share/bash-completion/bash_completion 2>/dev/null; source "$0"
           COMP_WORDS=(hvctl "$@"); COMP_CWORD=$#; _hvctl; printf "%s\n" "${COMPREPLY[@]}"' "$gen/hvctl.bash" "$@"
}
zsh_complete() {  # words...; _describe and _files stubbed to print what the script offers
  zsh -f -c 'source "$0"; _describe() { print -l -- "${(@P)4}" }; _files() { print FILES }
             words=(hvctl "$@"); CURRENT=$(( $# + 1 )); _hvctl' "$gen/_hvctl" "$@"
}
fish_complete() { fish -c "source '$gen/hvctl.fish'; complete -C '$1'"; }

has() { grep -qx -- "$2" <<<"$1"; }

out=$(bash_complete st)
ok "bash: subcommands" has "$out" start
ok "bash: subcommands filtered" bash -c '! grep -qx apply <<<"$0"' "$out"
ok "bash: flags of apply" has "$(bash_complete apply --d)" --dry-run
ok "bash: -o values" has "$(bash_complete -o "")" json
ok "bash: VM names from the target" has "$(bash_complete --target test:///default start "")" test
ok "bash: target names from the config" has "$(bash_complete --config "$cfg/config.yaml" --target "")" prod
cd "$cfg" && ok "bash: -f completes files" has "$(bash_complete apply -f con)" config.yaml; cd - >/dev/null

out=$(zsh_complete st)
ok "zsh: subcommands with descriptions" has "$out" "start:Start VMs"
ok "zsh: flags" has "$(zsh_complete destroy --)" "--yes:Do not ask for confirmation"
ok "zsh: -o values" has "$(zsh_complete -o "")" "yaml:yaml"
ok "zsh: VM names" has "$(zsh_complete --target test:///default stop "")" "test:test"
ok "zsh: -f completes files" has "$(zsh_complete plan -f "")" FILES

out=$(fish_complete "hvctl st")
ok "fish: subcommands" has "$out" $'start\tStart VMs'
ok "fish: flags" has "$(fish_complete "hvctl plan --det")" $'--detailed-exitcode\tExit 0 when in sync, 2 when changes are pending (7 when one is impossible, either way)'
ok "fish: -o values" has "$(fish_complete "hvctl -o ")" table
ok "fish: VM names" has "$(fish_complete "hvctl --target test:///default get ")" test
ok "fish: completion shells" has "$(fish_complete "hvctl completion ")" zsh

# A target that accepts the connection and never answers: completion gives up
# at its deadline, offers no names, and leaves no lookup process behind.
port_file=$cfg/port
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 120
while time.time() < end:
    s.settimeout(1)
    try: conns.append(s.accept()[0])
    except socket.timeout: pass
' "$port_file" &
mute=$!
trap 'kill $mute 2>/dev/null; rm -rf "$cfg"' EXIT
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
printf 'targets:\n  mute: {type: vsphere, uri: "https://127.0.0.1:%s/sdk", username: u, password_env: HVCTL_MUTE_PW, insecure: true}\n' \
  "$(cat "$port_file")" > "$cfg/mute.yaml"
out=$(HVCTL_MUTE_PW=x HVCTL_COMPLETION_TIMEOUT_MS=500 hvctl __complete --config "$cfg/mute.yaml" --target mute start "" 2>/dev/null)
ok "a target that never answers: completion returns with no names" test "$out" = ":0"
ok "and no lookup process is left" bash -c '! pgrep -f "__complete --config $0/mute.yaml" >/dev/null' "$cfg"
kill $mute 2>/dev/null
finish
