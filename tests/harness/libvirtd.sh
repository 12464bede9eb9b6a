#!/usr/bin/env bash
# libvirtd.sh start|stop|status|env DIR
#
# A private libvirtd (QEMU driver, session mode) whose whole state lives in
# DIR, for end-to-end tests whose libvirt state must outlive one client.
# It never reads or writes /etc/libvirt, /var/lib/libvirt, /run/libvirt and
# does not talk to a system libvirtd; no virtlogd is used (stdio_handler=file).
#
# Debian packages needed: libvirt-daemon libvirt-daemon-driver-qemu
#   libvirt-clients qemu-system-x86 util-linux passwd
#   (and for guests: see tiny-guest.sh)
#
# As root, the daemon runs as the unprivileged user $HVCTL_TEST_USER (default
# hvctl-test, created with useradd if missing); as any other user it runs as
# that user.  Clients (root or the same user) connect with the URI written to
# DIR/uri, of the form
#     qemu+unix:///session?socket=<DIR>/xdg/run/libvirt/libvirt-sock
# Guests must be <domain type='qemu'> (TCG): the daemon user has no /dev/kvm.
# QEMU runs as that user, so kernel/initrd must be world-readable and files
# QEMU writes (console logs) must be in a directory it can write: DIR/scratch.
#
#   start  Start the daemon and wait (<= $HVCTL_LIBVIRTD_TIMEOUT s, default 60)
#          until it answers; prints the URI.  If a daemon for DIR is already
#          running and answering, says so, prints the URI and exits 0 (reuse).
#          On failure prints the daemon log and exits 1.  Defined domains in
#          DIR survive stop/start.
#   stop   Destroys running domains, SIGTERMs the daemon (SIGKILL after 15 s),
#          kills QEMU processes it left behind (from their pid files), waits.
#          Exits 0 if nothing was running.
#   status Exit 0 if running and answering, else 1.
#   env    Prints "export LIBVIRT_DEFAULT_URI=..." for eval.
#
# Unix socket paths are limited to 107 bytes; if DIR is longer than 40 chars,
# state is reached through a short symlink /tmp/hvctl-lv.XXXXXX/d -> DIR.
# Set HVCTL_LIBVIRTD_LOG_LEVEL=1 for a debug log in DIR/daemon/libvirtd.log.
set -euo pipefail

die() { echo "libvirtd.sh: $*" >&2; exit 1; }
log() { echo "libvirtd.sh: $*" >&2; }

[ $# -eq 2 ] || die "usage: $0 start|stop|status|env DIR"
cmd=$1
if [ "$cmd" = start ]; then
    mkdir -p "$2"
elif [ ! -d "$2" ]; then
    [ "$cmd" = stop ] && { log "no libvirtd running for $2"; exit 0; }
    die "no such directory: $2"
fi
dir=$(cd "$2" && pwd)
pidfile=$dir/daemon/libvirtd.pid

# True if pid $1 exists and is not a zombie (kill -0 succeeds on zombies).
alive() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}
# The pid in DIR/daemon/libvirtd.pid if that process is a live libvirtd.
daemon_pid() {
    local pid
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    [ -n "$pid" ] && alive "$pid" &&
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = libvirtd ] || return 1
    echo "$pid"
}
uri() { cat "$dir/uri" 2>/dev/null; }
answers() { local u; u=$(uri) && [ -n "$u" ] && timeout 10 virsh -q -c "$u" uri >/dev/null 2>&1; }
show_logs() {
    local f
    for f in "$dir/daemon/stderr.log" "$dir/daemon/libvirtd.log"; do
        [ -s "$f" ] && { echo "----- $f (last 60 lines)"; tail -n 60 "$f"; }
    done >&2
    return 0
}

# Wait until none of the given pids is alive; $1 = timeout in seconds.
wait_gone() {
    local t=$1 i p any; shift
    for ((i = 0; i < t * 10; i++)); do
        any=0
        for p in "$@"; do alive "$p" && any=1; done
        [ $any -eq 0 ] && return 0
        sleep 0.1
    done
    return 1
}

do_start() {
    command -v libvirtd >/dev/null || PATH=$PATH:/usr/sbin
    command -v libvirtd >/dev/null || die "libvirtd missing: apt-get install libvirt-daemon libvirt-daemon-driver-qemu"
    command -v virsh >/dev/null || die "virsh missing: apt-get install libvirt-clients"
    command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: apt-get install qemu-system-x86"

    if pid=$(daemon_pid); then
        if answers; then
            log "already running for $dir (pid $pid), reusing it"
            uri; return 0
        fi
        die "a libvirtd (pid $pid) for $dir is running but not answering; run '$0 stop $dir' first"
    fi

    # Who runs the daemon.
    local user run_as=()
    if [ "$(id -u)" -eq 0 ]; then
        user=${HVCTL_TEST_USER:-hvctl-test}
        if ! getent passwd "$user" >/dev/null; then
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$user" 2>/dev/null ||
                getent passwd "$user" >/dev/null || die "useradd $user failed"
        fi
        run_as=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups --)
    else
        user=$(id -un)
    fi

    # Short base path if needed (unix socket path limit).
    local base=$dir
    if [ -s "$dir/shortbase" ] && [ "$(readlink "$(cat "$dir/shortbase")")" = "$dir" ]; then
        base=$(cat "$dir/shortbase")
    elif [ ${#dir} -gt 40 ]; then
        local sd
        sd=$(mktemp -d /tmp/hvctl-lv.XXXXXX)
        chmod 755 "$sd"
        ln -s "$dir" "$sd/d"
        base=$sd/d
        echo "$base" >"$dir/shortbase"
    fi

    mkdir -p "$dir"/{daemon,home,scratch} "$dir"/xdg/{config/libvirt,data,cache,run}
    chmod a+x "$dir"   # mktemp -d makes 0700 dirs; the daemon user must enter
    chmod 700 "$dir/xdg/run"
    if [ "$(id -u)" -eq 0 ]; then chown -R "$user:" "$dir"/{daemon,home,scratch,xdg}; fi
    if [ ${#run_as[@]} -gt 0 ] && ! "${run_as[@]}" test -w "$base/xdg/run" -a -w "$dir/scratch"; then
        die "user $user cannot reach $dir: make its parent directories world-searchable (chmod a+x)"
    fi

    local level=${HVCTL_LIBVIRTD_LOG_LEVEL:-3}
    cat >"$dir/xdg/config/libvirt/libvirtd.conf" <<EOF
log_outputs = "$level:file:$base/daemon/libvirtd.log"
EOF
    cat >"$dir/xdg/config/libvirt/qemu.conf" <<EOF
# QEMU writes its own logs and chardev log files: no virtlogd.
stdio_handler = "file"
security_driver = "none"
EOF
    echo "qemu+unix:///session?socket=$base/xdg/run/libvirt/libvirt-sock" >"$dir/uri"
    rm -f "$pidfile"
    : >"$dir/daemon/stderr.log"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$user:" "$dir"/xdg/config/libvirt/*.conf "$dir/daemon/stderr.log"
    fi

    local t0=$SECONDS ms0 bgpid
    ms0=$(date +%s%N)
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        HOME="$base/home" USER="$user" LOGNAME="$user" \
        XDG_CONFIG_HOME="$base/xdg/config" XDG_DATA_HOME="$base/xdg/data" \
        XDG_CACHE_HOME="$base/xdg/cache" XDG_RUNTIME_DIR="$base/xdg/run" \
        setsid "${run_as[@]}" libvirtd --config "$base/xdg/config/libvirt/libvirtd.conf" \
        --pid-file "$base/daemon/libvirtd.pid" \
        </dev/null >>"$dir/daemon/stderr.log" 2>&1 &
    bgpid=$!

    local timeout=${HVCTL_LIBVIRTD_TIMEOUT:-60}
    while :; do
        if ! alive "$bgpid" && ! daemon_pid >/dev/null; then
            show_logs; die "libvirtd exited during start-up"
        fi
        if answers; then break; fi
        if [ $((SECONDS - t0)) -ge "$timeout" ]; then
            show_logs; kill "$bgpid" 2>/dev/null || true
            die "libvirtd did not answer within ${timeout}s"
        fi
        sleep 0.2
    done
    log "libvirtd for $dir running as $user (pid $(cat "$pidfile")), ready in $(( ($(date +%s%N) - ms0) / 1000000 )) ms"
    uri
}

do_stop() {
    local pid u qpids=() f p
    if ! pid=$(daemon_pid); then
        log "no libvirtd running for $dir"
    else
        u=$(uri) || true
        if [ -n "$u" ]; then
            for dom in $(timeout 20 virsh -q -c "$u" list --name 2>/dev/null); do
                timeout 20 virsh -q -c "$u" destroy "$dom" >/dev/null 2>&1 || true
            done
        fi
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_gone 15 "$pid"; then
            log "libvirtd (pid $pid) ignored SIGTERM, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone 5 "$pid" || die "libvirtd (pid $pid) did not exit"
        fi
    fi
    # QEMU processes survive their daemon; kill those whose pid file is ours.
    for f in "$dir"/xdg/run/libvirt/qemu/run/*.pid; do
        [ -e "$f" ] || continue
        p=$(cat "$f" 2>/dev/null) || continue
        case $(readlink "/proc/$p/exe" 2>/dev/null) in
            */qemu-system-*) kill -TERM "$p" 2>/dev/null && qpids+=("$p") ;;
        esac
    done
    if [ ${#qpids[@]} -gt 0 ]; then
        log "killing leftover qemu: ${qpids[*]}"
        wait_gone 10 "${qpids[@]}" || { kill -KILL "${qpids[@]}" 2>/dev/null || true; wait_gone 5 "${qpids[@]}"; }
    fi
    rm -f "$dir/uri" "$pidfile"
    if [ -s "$dir/shortbase" ]; then
        f=$(cat "$dir/shortbase")
        rm -f "$f" && rmdir "${f%/d}" 2>/dev/null || true
        rm -f "$dir/shortbase"
    fi
}

case $cmd in
    start) do_start ;;
    stop) do_stop ;;
    status) daemon_pid >/dev/null && answers ;;
    env) u=$(uri) || die "no $dir/uri: not started"
         printf "export LIBVIRT_DEFAULT_URI='%s'\n" "$u" ;;
    *) die "unknown command '$cmd' (start|stop|status|env)" ;;
esac
