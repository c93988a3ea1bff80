# shellcheck shell=bash
# Helpers shared by eng/*.sh. Source it (`source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"`);
# it defines variables and functions only and leaves the caller's shell options alone.
#
#   repo_root          absolute path of the repository (parent of eng/)
#   LOG_TAG            prefix of log lines; set it before sourcing ("infra" gives "[infra] ...")
#   log/warn/die       messages on stderr; die exits 1
#   as_root CMD...     runs CMD directly when we are root, else through sudo
#   load_env [FILE]    reads .env (KEY=VALUE lines) and exports every key; a variable the caller
#                      already has in its environment wins over the file
#   require_env VAR... dies unless every VAR is set and non-empty
#   ensure_packages PKG[:PROBE]...
#                      installs (apt-get update once, then apt-get install -y) the packages whose
#                      PROBE is missing. PROBE is a command name or an absolute path (globs allowed);
#                      it defaults to the package name. Service starts by the packages' maintainer
#                      scripts are blocked meanwhile, so no system-wide daemon grabs our ports.
#   port_listening PORT  true when some process listens on TCP PORT (any address)
#   port_owner PORT    "pid N: COMMAND, in CWD" of the listener when it can be seen (root), else empty
#   now_ms             wall clock in milliseconds

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${LOG_TAG:=eng}"

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
warn() { log "warning: $*"; }
die() {
    log "error: $*"
    exit 1
}

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -- "$@"
    else
        die "this step needs root and sudo is not installed: $*"
    fi
}

now_ms() {
    local t="${EPOCHREALTIME/,/.}"
    printf '%s\n' "$(( ${t%.*} * 1000 + 10#${t#*.} / 1000 ))"
}

# Keys read from the env file, in order (for scripts that want to list them).
env_keys=()

load_env() {
    local file="${1:-$repo_root/.env}" line key value
    if [[ ! -f $file ]]; then
        warn "$file not found; relying on the environment"
        return 0
    fi
    while IFS= read -r line || [[ -n $line ]]; do
        line="${line%$'\r'}"
        line="${line#"${line%%[![:space:]]*}"}"
        [[ -z $line || $line == '#'* ]] && continue
        line="${line#export }"
        if [[ $line != *=* ]]; then
            warn "$file: ignoring line without '=': $line"
            continue
        fi
        key="${line%%=*}"
        key="${key%"${key##*[![:space:]]}"}"
        value="${line#*=}"
        value="${value#"${value%%[![:space:]]*}"}"
        if [[ ! $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
            warn "$file: ignoring invalid key: $key"
            continue
        fi
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        else
            value="${value%%[[:space:]]#*}" # unquoted: a " #" starts a comment, as in docker compose
            value="${value%"${value##*[![:space:]]}"}"
        fi
        env_keys+=("$key")
        # The caller's environment wins: only fill in what is not set yet.
        [[ -n ${!key+x} ]] || printf -v "$key" '%s' "$value"
        export "${key?}"
    done <"$file"
}

require_env() {
    local var missing=()
    for var in "$@"; do
        [[ -n ${!var:-} ]] || missing+=("$var")
    done
    ((${#missing[@]} == 0)) || die "not set (add them to $repo_root/.env or the environment): ${missing[*]}"
}

_apt_updated=0

apt_update_once() {
    ((_apt_updated)) && return 0
    log "apt-get update"
    as_root apt-get -o DPkg::Lock::Timeout=300 -qq update >/dev/null || die "apt-get update failed"
    _apt_updated=1
}

_probe_present() {
    if [[ $1 == /* ]]; then
        compgen -G "$1" >/dev/null
    else
        command -v "$1" >/dev/null 2>&1
    fi
}

# Runs "$@" with /usr/sbin/policy-rc.d answering 101 ("action forbidden"), which invoke-rc.d and
# deb-systemd-invoke honour: maintainer scripts then install services without starting them.
_without_service_starts() {
    local policy=/usr/sbin/policy-rc.d created=0 rc=0
    if [[ ! -e $policy ]]; then
        as_root sh -c "printf '#!/bin/sh\n# Temporary, from eng/lib.sh (ensure_packages): do not start services.\nexit 101\n' >$policy && chmod 755 $policy"
        created=1
    fi
    "$@" || rc=$?
    if ((created)); then
        as_root rm -f "$policy"
    fi
    return "$rc"
}

ensure_packages() {
    local spec pkg probe missing=() apt_log
    for spec in "$@"; do
        pkg="${spec%%:*}"
        probe="${spec#*:}"
        _probe_present "$probe" || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    command -v apt-get >/dev/null 2>&1 ||
        die "missing packages (${missing[*]}) and no apt-get here: install them by hand"
    apt_update_once
    log "installing ${missing[*]} (apt-get) ..."
    apt_log="$(mktemp "${TMPDIR:-/tmp}/apt-install.XXXXXX")"
    if ! _without_service_starts as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 -y -q --no-install-recommends install "${missing[@]}" \
        </dev/null >"$apt_log" 2>&1; then
        tail -n 30 "$apt_log" >&2
        rm -f "$apt_log"
        die "apt-get install ${missing[*]} failed"
    fi
    rm -f "$apt_log"
    for spec in "$@"; do
        probe="${spec#*:}"
        _probe_present "$probe" || die "${spec%%:*} installed, but $probe is still missing"
    done
}

port_listening() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

port_owner() {
    local port=$1 pid
    command -v ss >/dev/null 2>&1 || return 0
    pid="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1)"
    pid="${pid#pid=}"
    [[ -n $pid && -r /proc/$pid/cmdline ]] || return 0
    printf 'pid %s: %s, in %s\n' "$pid" "$(tr '\0' ' ' </proc/"$pid"/cmdline | cut -c 1-100)" \
        "$(readlink "/proc/$pid/cwd" 2>/dev/null || echo '?')"
}
