#!/usr/bin/env bash
# scripts/synapse.sh — a throwaway Matrix homeserver (Synapse) on 127.0.0.1 for
# testing the bot's Matrix adapter against the real thing.
#
#   scripts/synapse.sh install
#       Create (or reuse) a cached virtualenv with a pinned matrix-synapse from
#       PyPI. Idempotent: a marker file in the venv records the pinned version,
#       so a second call returns at once. A flock serialises concurrent callers.
#
#   scripts/synapse.sh start DIR
#       Install if needed, generate a config in DIR (server name "localhost",
#       SQLite, media, logs and signing key all in DIR), rewrite it for tests
#       (one plain-http client listener on a free 127.0.0.1 port, no
#       federation, no registration, no URL previews, no stats, every rc_*
#       rate limit set very high), start Synapse in the background (pid in
#       DIR/synapse.pid), wait for GET /health to return 200 and print exactly:
#           url=http://127.0.0.1:PORT
#           config=DIR/homeserver.yaml
#       Everything else goes to stderr. The background processes do not keep
#       the caller's stdout/stderr open, so `$(scripts/synapse.sh start DIR)`
#       and Rust's Command::output() return as soon as the server is healthy.
#       Starting again in a DIR that already holds a config reuses it (users,
#       rooms and secrets persist) but picks a fresh port.
#       Pass a DIR on /dev/shm when available: SQLite there is much faster.
#
#   scripts/synapse.sh register DIR NAME PASSWORD [--admin]
#       Create a user through the shared-secret admin API (the venv's
#       register_new_matrix_user). An existing user is not an error.
#
#   scripts/synapse.sh stop DIR
#       SIGTERM, wait up to 10 s, then SIGKILL. No-op if not running.
#
# Environment:
#   LABCIRCLE_SYNAPSE_VENV           venv location
#                                    (default ~/.cache/labcircle-synapse-venv)
#   LABCIRCLE_SYNAPSE_VERSION        matrix-synapse version (default: the pin below)
#   LABCIRCLE_SYNAPSE_PYTHON         interpreter used to create the venv (default python3)
#   LABCIRCLE_SYNAPSE_START_TIMEOUT  seconds to wait for /health (default 60)
#   LABCIRCLE_SYNAPSE_WATCH_PID      if set on `start`, a detached watcher stops
#                                    this Synapse once that pid has exited
#   LABCIRCLE_SYNAPSE_CLEANUP=1      ... and the watcher then removes DIR
#   LABCIRCLE_SYNAPSE_ACCESS_LOG=1   log every request to DIR/homeserver.log, with
#                                    epoch times (for scripts/matrix-gap.py)
#
# Network: the only hosts contacted are PyPI (by pip, during install) and
# 127.0.0.1. Synapse is configured with no trusted key servers, an empty
# federation whitelist, no federation listener, no URL previews and no stats.
set -euo pipefail

SYNAPSE_PIN="1.163.2"
SYNAPSE_VERSION="${LABCIRCLE_SYNAPSE_VERSION:-$SYNAPSE_PIN}"
VENV="${LABCIRCLE_SYNAPSE_VENV:-${HOME:-/tmp}/.cache/labcircle-synapse-venv}"
MARKER="$VENV/.labcircle-synapse-installed"
LOCK="$VENV.lock"
BASE_PYTHON="${LABCIRCLE_SYNAPSE_PYTHON:-python3}"
START_TIMEOUT="${LABCIRCLE_SYNAPSE_START_TIMEOUT:-60}"
SELF="$(readlink -f "${BASH_SOURCE[0]}")"
PROG="synapse.sh"

usage() {
    cat >&2 <<EOF
usage: scripts/synapse.sh install
       scripts/synapse.sh start DIR
       scripts/synapse.sh register DIR NAME PASSWORD [--admin]
       scripts/synapse.sh stop DIR

Runs a local Synapse (matrix-synapse $SYNAPSE_VERSION) on 127.0.0.1 for tests.
'start' prints url=http://127.0.0.1:PORT and config=DIR/homeserver.yaml.
See the comments at the top of this script for details and environment variables.
EOF
}

die() {
    echo "$PROG: error: $*" >&2
    exit 1
}

note() {
    echo "$PROG: $*" >&2
}

# ---------------------------------------------------------------- install

installed() {
    [[ -f "$MARKER" && -x "$VENV/bin/python" ]] &&
        [[ "$(cat "$MARKER" 2>/dev/null)" == "matrix-synapse==$SYNAPSE_VERSION" ]]
}

cmd_install() {
    if installed; then
        return 0
    fi
    mkdir -p "$(dirname "$VENV")"
    # The lock runs in a subshell so fd 9 (and the lock) never leaks into
    # Synapse or the watcher started later by `start`.
    (
        exec 9>"$LOCK"
        if ! flock -w 900 9; then
            die "timed out waiting for another install to finish (lock $LOCK)"
        fi
        # Someone else may have finished the job while we waited.
        if installed; then
            exit 0
        fi
        command -v "$BASE_PYTHON" >/dev/null 2>&1 ||
            die "'$BASE_PYTHON' not found; set LABCIRCLE_SYNAPSE_PYTHON to a Python >= 3.10"
        note "installing matrix-synapse==$SYNAPSE_VERSION into $VENV (takes ~30 s the first time)"
        local start=$SECONDS
        # A venv without a matching marker is incomplete or of another version:
        # rebuild it from scratch (but never wipe a directory that is not a venv).
        if [[ -e "$VENV" && ! -f "$VENV/pyvenv.cfg" ]] && [[ -n "$(ls -A "$VENV" 2>/dev/null)" ]]; then
            die "$VENV exists and is not a virtualenv; refusing to replace it"
        fi
        rm -rf "$VENV"
        "$BASE_PYTHON" -m venv "$VENV" >&2 ||
            die "could not create a virtualenv at $VENV with $BASE_PYTHON (is the venv module installed?)"
        if ! PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
            "$VENV/bin/python" -m pip install --quiet "matrix-synapse==$SYNAPSE_VERSION" >&2; then
            rm -rf "$VENV"
            die "pip could not install matrix-synapse==$SYNAPSE_VERSION (is PyPI reachable?)"
        fi
        "$VENV/bin/python" -c 'import synapse.app.homeserver, yaml' >&2 ||
            die "matrix-synapse installed but does not import; remove $VENV and retry"
        echo "matrix-synapse==$SYNAPSE_VERSION" >"$MARKER"
        note "installed matrix-synapse==$SYNAPSE_VERSION in $((SECONDS - start)) s"
    )
}

# ---------------------------------------------------------------- helpers

# Prints the pid in DIR/synapse.pid if that process is alive and is Synapse.
running_pid() {
    local dir="$1" pid
    [[ -f "$dir/synapse.pid" ]] || return 1
    pid="$(cat "$dir/synapse.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    is_synapse "$pid" || return 1
    echo "$pid"
}

# Prints field N (1-based, as in proc(5)) of /proc/PID/stat. The command name
# (field 2) may contain spaces, so fields are counted after its closing ')'.
stat_field() {
    local pid="$1" n="$2" stat rest
    stat="$(<"/proc/$pid/stat")" 2>/dev/null || return 1
    rest="${stat##*) }"
    local -a fields
    read -r -a fields <<<"$rest"
    echo "${fields[n - 3]:-}"
}

# True if pid is a live process (zombies count as dead).
alive() {
    local state
    state="$(stat_field "$1" 3 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != "Z" && "$state" != "X" ]]
}

# True if pid is a live Synapse homeserver process (guards against a stale
# pid file whose pid was reused).
is_synapse() {
    local pid="$1" cmdline
    alive "$pid" || return 1
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ "$cmdline" == *synapse.app.homeserver* ]]
}

# Closes every file descriptor above 2 in the current (sub)shell, so a
# background child keeps nothing of its caller's open (pipes included).
close_extra_fds() {
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
        fd="${fd##*/}"
        if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then
            eval "exec $fd>&-" 2>/dev/null || true
        fi
    done
}

# Sends SIGTERM, waits up to 10 s, then SIGKILL.
kill_synapse() {
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    note "Synapse (pid $pid) still running after 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    die "Synapse (pid $pid) did not die after SIGKILL"
}

log_tail() {
    local dir="$1" f
    for f in "$dir/synapse.out" "$dir/homeserver.log"; do
        if [[ -s "$f" ]]; then
            echo "---- last lines of $f ----" >&2
            tail -n 30 "$f" >&2
        fi
    done
}

# Reads the client listener's port from DIR/homeserver.yaml.
config_port() {
    local config="$1"
    "$VENV/bin/python" - "$config" <<'PY'
import sys, yaml
with open(sys.argv[1]) as f:
    cfg = yaml.safe_load(f)
for listener in cfg.get("listeners") or []:
    names = [n for r in listener.get("resources") or [] for n in r.get("names") or []]
    if listener.get("type") == "http" and "client" in names:
        print(listener["port"])
        break
else:
    sys.exit("no http client listener in " + sys.argv[1])
PY
}

# Rewrites DIR/homeserver.yaml for local testing on a free port, writes the
# log config, and prints the chosen port.
rewrite_config() {
    local dir="$1"
    "$VENV/bin/python" - "$dir" <<'PY'
import os, socket, sys, yaml

d = sys.argv[1]
path = os.path.join(d, "homeserver.yaml")
with open(path) as f:
    cfg = yaml.safe_load(f) or {}

if not cfg.get("registration_shared_secret"):
    sys.exit(f"{path} has no registration_shared_secret (generation failed?)")

# A free port on 127.0.0.1 (the kernel picks one; Synapse binds it right after,
# and `start` retries with another port if it was taken in between).
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()

HIGH = {"per_second": 1000, "burst_count": 10000}

def high():
    return dict(HIGH)

cfg.update({
    "server_name": cfg.get("server_name", "localhost"),
    "pid_file": os.path.join(d, "homeserver.pid"),
    "listeners": [{
        "port": port,
        "bind_addresses": ["127.0.0.1"],
        "type": "http",
        "tls": False,
        "x_forwarded": False,
        "resources": [{"names": ["client"], "compress": False}],
    }],
    "public_baseurl": f"http://127.0.0.1:{port}/",
    "database": {
        "name": "sqlite3",
        "args": {"database": os.path.join(d, "homeserver.db")},
    },
    "log_config": os.path.join(d, "log.config"),
    "media_store_path": os.path.join(d, "media_store"),
    "signing_key_path": cfg.get("signing_key_path") or os.path.join(d, "localhost.signing.key"),
    "enable_registration": False,
    "report_stats": False,
    "trusted_key_servers": [],
    "suppress_key_server_warning": True,
    "federation_domain_whitelist": [],
    "url_preview_enabled": False,
    "enable_metrics": False,
    # Rate limits: effectively off, so tests can hammer the server.
    "rc_message": high(),
    "rc_registration": high(),
    "rc_registration_token_validity": high(),
    "rc_login": {"address": high(), "account": high(), "failed_attempts": high()},
    "rc_admin_redaction": high(),
    "rc_joins": {"local": high(), "remote": high()},
    "rc_joins_per_room": high(),
    "rc_3pid_validation": high(),
    "rc_invites": {"per_room": high(), "per_user": high(), "per_issuer": high()},
    "rc_third_party_invite": high(),
    "rc_media_create": high(),
    "rc_federation": {
        "window_size": 1000,
        "sleep_limit": 10000,
        "sleep_delay": 1,
        "reject_limit": 10000,
        "concurrent": 10000,
    },
    "rc_key_requests": high(),
    "rc_presence": {"per_user": high()},
    "rc_delayed_event_mgmt": high(),
    "rc_room_creation": high(),
    "rc_reports": high(),
    "rc_user_directory": high(),
    "rc_profile": high(),
})
# The registration_shared_secret, macaroon/form secrets and signing key that
# --generate-config made are kept as they are.

log_config = {
    "version": 1,
    "formatters": {"precise": {
        "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s",
    }},
    "handlers": {"file": {
        "class": "logging.FileHandler",
        "formatter": "precise",
        "filename": os.path.join(d, "homeserver.log"),
        "encoding": "utf8",
    }},
    "loggers": {"synapse.storage.SQL": {"level": "WARNING"}},
    "root": {"level": "WARNING", "handlers": ["file"]},
    "disable_existing_loggers": False,
}
if os.environ.get("LABCIRCLE_SYNAPSE_ACCESS_LOG") == "1":
    # Every request, with its user, duration and end time (seconds since the epoch, to the
    # microsecond), for scripts/matrix-gap.py.
    log_config["loggers"]["synapse.access"] = {"level": "INFO"}
    log_config["formatters"]["precise"]["format"] = (
        "%(created).6f - %(name)s - %(levelname)s - %(request)s - %(message)s"
    )

for name, data in ((path, cfg), (cfg["log_config"], log_config)):
    tmp = name + ".tmp"
    with open(tmp, "w") as f:
        yaml.safe_dump(data, f, sort_keys=False)
    os.replace(tmp, name)
print(port)
PY
}

# Polls GET /health until 200. Exit status: 0 healthy, 1 Synapse died, 2 timeout.
wait_healthy() {
    local port="$1" pid="$2" timeout="$3"
    "$VENV/bin/python" - "$port" "$pid" "$timeout" <<'PY'
import os, sys, time, urllib.request

port, pid, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
# No proxies: only ever talk to 127.0.0.1 directly.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
url = f"http://127.0.0.1:{port}/health"
deadline = time.monotonic() + timeout

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False

while time.monotonic() < deadline:
    if not alive(pid):
        sys.exit(1)
    try:
        with opener.open(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.05)
sys.exit(2)
PY
}

# ---------------------------------------------------------------- commands

cmd_start() {
    local dir="$1" pid port rc
    mkdir -p "$dir" || die "cannot create $dir"
    dir="$(cd "$dir" && pwd -P)"
    local config="$dir/homeserver.yaml"

    local watch="${LABCIRCLE_SYNAPSE_WATCH_PID:-}"
    [[ -z "$watch" || "$watch" =~ ^[0-9]+$ ]] ||
        die "LABCIRCLE_SYNAPSE_WATCH_PID must be a pid, got '$watch'"

    if pid="$(running_pid "$dir")"; then
        die "Synapse is already running in $dir (pid $pid); run '$PROG stop $dir' first"
    fi

    cmd_install

    local py="$VENV/bin/python"
    # --generate-config writes homeserver.yaml (with fresh secrets), the
    # signing key and a log config. A DIR that already has a config and key
    # (a warm restart) keeps them, so users, rooms and secrets persist; the
    # generation step (~1.3 s of Python imports) is skipped then.
    if [[ ! -s "$config" || ! -s "$dir/localhost.signing.key" ]]; then
        if ! (cd "$dir" && "$py" -m synapse.app.homeserver \
            --server-name localhost \
            --config-path "$config" \
            --generate-config \
            --report-stats=no \
            --data-directory "$dir" >"$dir/generate.log" 2>&1); then
            cat "$dir/generate.log" >&2
            die "generating the Synapse config in $dir failed"
        fi
    fi
    # Keep the previous run's log, so a failure's tail shows this run only.
    if [[ -f "$dir/homeserver.log" ]]; then
        mv -f "$dir/homeserver.log" "$dir/homeserver.log.prev"
    fi

    for _ in 1 2 3; do
        port="$(rewrite_config "$dir")" || die "rewriting $config failed"
        : >"$dir/synapse.out"
        # Own session, stdio on files: nothing holds the caller's pipes or
        # terminal. `setsid` execs in place here (a background job of a
        # non-interactive shell is no group leader), so $! is Synapse's pid.
        (
            cd "$dir"
            close_extra_fds
            exec setsid "$py" -m synapse.app.homeserver -c "$config"
        ) </dev/null >>"$dir/synapse.out" 2>&1 &
        pid=$!
        echo "$pid" >"$dir/synapse.pid"

        rc=0
        wait_healthy "$port" "$pid" "$START_TIMEOUT" || rc=$?
        if [[ $rc -eq 0 ]]; then
            break
        fi
        if [[ $rc -eq 1 ]] && grep -q 'Address already in use' "$dir/synapse.out" "$dir/homeserver.log" 2>/dev/null; then
            note "port $port was taken before Synapse bound it; retrying with another port"
            rm -f "$dir/synapse.pid"
            continue
        fi
        log_tail "$dir"
        if [[ $rc -eq 1 ]]; then
            rm -f "$dir/synapse.pid"
            die "Synapse exited during startup (see above; logs in $dir)"
        fi
        kill_synapse "$pid" || true
        rm -f "$dir/synapse.pid"
        die "Synapse did not answer GET http://127.0.0.1:$port/health within ${START_TIMEOUT}s (logs in $dir)"
    done
    if [[ $rc -ne 0 ]]; then
        log_tail "$dir"
        die "Synapse could not bind a free port after 3 attempts"
    fi

    if [[ -n "$watch" ]]; then
        (
            close_extra_fds
            exec setsid bash "$SELF" _watch "$dir" "$watch" "$pid" "${LABCIRCLE_SYNAPSE_CLEANUP:-0}"
        ) </dev/null >/dev/null 2>&1 &
    fi

    echo "url=http://127.0.0.1:$port"
    echo "config=$config"
}

# Hidden: the detached watcher spawned by `start`.
cmd_watch() {
    local dir="$1" watch="$2" pid="$3" cleanup="$4" started
    # Remember the watched process's start time so a recycled pid is not
    # mistaken for it.
    started="$(stat_field "$watch" 22 2>/dev/null || true)"
    while [[ -n "$started" ]] && alive "$watch" &&
        [[ "$(stat_field "$watch" 22 2>/dev/null || true)" == "$started" ]]; do
        # Stop watching if the directory was removed and Synapse is gone.
        if [[ ! -d "$dir" ]] && ! is_synapse "$pid"; then
            exit 0
        fi
        sleep 1
    done
    if is_synapse "$pid"; then
        kill_synapse "$pid" || true
    fi
    if [[ -f "$dir/synapse.pid" && "$(cat "$dir/synapse.pid" 2>/dev/null)" == "$pid" ]]; then
        rm -f "$dir/synapse.pid"
    fi
    if [[ "$cleanup" == "1" && -d "$dir" ]] && ! running_pid "$dir" >/dev/null; then
        rm -rf "$dir"
    fi
}

cmd_stop() {
    local dir="$1" pid
    [[ -d "$dir" ]] || die "no such directory: $dir"
    if pid="$(running_pid "$dir")"; then
        kill_synapse "$pid"
        note "stopped Synapse (pid $pid) in $dir"
    else
        note "Synapse is not running in $dir"
    fi
    rm -f "$dir/synapse.pid"
}

cmd_register() {
    local dir="$1" name="$2" password="$3" admin="${4:---no-admin}"
    case "$admin" in
        --admin | --no-admin) ;;
        *) usage; die "unknown option '$admin' (expected --admin)" ;;
    esac
    local config="$dir/homeserver.yaml"
    [[ -f "$config" ]] || die "no $config; run '$PROG start $dir' first"
    installed || die "Synapse is not installed in $VENV; run '$PROG install' or 'start' first"
    running_pid "$dir" >/dev/null || die "Synapse is not running in $dir; run '$PROG start $dir' first"
    local port out rc=0
    port="$(config_port "$config")" || die "cannot read the listener port from $config"
    # register_new_matrix_user uses python-requests, which honours *_proxy
    # variables: drop them so the request goes straight to 127.0.0.1.
    out="$(env -u http_proxy -u https_proxy -u all_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY \
        "$VENV/bin/register_new_matrix_user" -c "$config" -u "$name" -p "$password" \
        "$admin" --exists-ok "http://127.0.0.1:$port" 2>&1)" || rc=$?
    if [[ $rc -eq 0 ]]; then
        if grep -q 'already exists' <<<"$out"; then
            note "user @$name:localhost already exists; left as it is"
        else
            local what="user"
            [[ "$admin" == --admin ]] && what="admin"
            note "registered $what @$name:localhost"
        fi
        return 0
    fi
    echo "$out" >&2
    die "registering '$name' failed"
}

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
        install)
            [[ $# -eq 0 ]] || { usage; exit 2; }
            cmd_install
            ;;
        start)
            [[ $# -eq 1 && -n "$1" ]] || { usage; exit 2; }
            cmd_start "$1"
            ;;
        stop)
            [[ $# -eq 1 && -n "$1" ]] || { usage; exit 2; }
            cmd_stop "$1"
            ;;
        register)
            [[ $# -eq 3 || $# -eq 4 ]] || { usage; exit 2; }
            cmd_register "$@"
            ;;
        _watch)
            [[ $# -eq 4 ]] || exit 2
            cmd_watch "$@"
            ;;
        -h | --help | help)
            usage
            ;;
        *)
            usage
            exit 2
            ;;
    esac
}

main "$@"
