#!/usr/bin/env bash
# Private PostgreSQL and RabbitMQ for development and tests: no Docker, no systemd.
#
#   eng/infra.sh up      install the Debian packages if missing, start both (data in .local/),
#                        create the users, database and vhost from .env; idempotent and fast
#                        when already running
#   eng/infra.sh up --durable   (or INFRA_DURABLE=1 eng/infra.sh up) the same, but PostgreSQL
#                        starts crash-safe: fsync, synchronous_commit and full_page_writes on, as
#                        a benchmark of durable commits needs (booking bench reports what it ran with).
#                        The setting is written at each start, so it applies when this `up` starts
#                        PostgreSQL; one that already runs is left alone, with a warning
#                        (eng/infra.sh down && eng/infra.sh up --durable switches it). The next plain
#                        `up` that starts it goes back to the fast, disposable settings.
#   eng/infra.sh down    stop what this checkout started; the data stays in .local/
#   eng/infra.sh status  show what runs where
#   eng/infra.sh rabbitmqctl ARGS...  rabbitmqctl for this checkout's node
#   eng/infra.sh postgres crash|start  stop PostgreSQL as a crash would (-m immediate) / start it again (the fault tests)
#   eng/infra.sh cluster up|down|status  a three-node RabbitMQ cluster besides the single node (own ports and data
#                        dirs, see "RabbitMQ cluster" below); `cluster stop N` stops node N (1-3), `cluster up` starts
#                        it again. `down` stops the cluster too. Unlike the rest, the cluster's data does not outlive a
#                        full stop: a `cluster up` with no node running forms it again from empty data dirs.
#
# Settings come from .env; variables already in the environment win. Ports:
#   PostgreSQL  127.0.0.1:$POSTGRES_PORT              data .local/pg
#   RabbitMQ    127.0.0.1:$RABBITMQ_PORT (AMQP)       data .local/rabbitmq, node booking-$RABBITMQ_PORT@localhost
#               127.0.0.1:$RABBITMQ_MANAGEMENT_PORT (management UI/API), 127.0.0.1:$((RABBITMQ_PORT+20000)) (Erlang distribution)
#   cluster     127.0.0.1:$RABBITMQ_CLUSTER_PORT..+2 (AMQP), $RABBITMQ_CLUSTER_MANAGEMENT_PORT..+2 (management), data .local/rabbitmq-cluster
# If a port is already served by something that accepts the .env credentials (this project's
# infra from another checkout, or its docker compose), `up` uses it instead of failing.
# INFRA_TIMEOUT (seconds, default 60) bounds each wait for a server to come up.
set -euo pipefail

LOG_TAG=infra
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    echo "usage: eng/infra.sh up [--durable]|down|status|rabbitmqctl ARGS...|postgres crash|start|cluster up|down|status|stop N" >&2
    exit 2
}
[[ $# -ge 1 ]] || usage

load_env "$repo_root/.env"
require_env POSTGRES_PORT POSTGRES_USER POSTGRES_PASSWORD POSTGRES_DB \
    RABBITMQ_PORT RABBITMQ_MANAGEMENT_PORT RABBITMQ_USER RABBITMQ_PASSWORD RABBITMQ_VHOST
for var in POSTGRES_PORT RABBITMQ_PORT RABBITMQ_MANAGEMENT_PORT; do
    if [[ ! ${!var} =~ ^[0-9]{1,5}$ ]] || ((${!var} < 1 || ${!var} > 65535)); then
        die "$var must be a TCP port number, not '${!var}'"
    fi
done
((RABBITMQ_PORT + 20000 < 65536)) || die "RABBITMQ_PORT must be below 45536 (its Erlang distribution port is RABBITMQ_PORT+20000)"
timeout_s="${INFRA_TIMEOUT:-60}"
durable="${INFRA_DURABLE:-0}"
[[ $durable =~ ^[01]$ ]] || die "INFRA_DURABLE must be 0 or 1, not '$durable'"
local_dir="$repo_root/.local"

# One `up`/`down` at a time per checkout (e.g. eng/test.sh and eng/run.sh started together).
# Fd 9 holds the lock: every server we start gets it closed (9>&-), or it would keep the lock.
take_lock() {
    command -v flock >/dev/null 2>&1 || return 0
    mkdir -p "$local_dir"
    exec 9>"$local_dir/infra.lock"
    if ! flock -n 9; then
        log "waiting for another eng/infra.sh in this checkout ..."
        flock -w "$((timeout_s * 3))" 9 || die "timed out waiting for $local_dir/infra.lock"
    fi
}

# ---------------------------------------------------------------- PostgreSQL

pg_dir="$local_dir/pg"
pg_data="$pg_dir/data"
pg_log="$pg_dir/log/postgres.log"
pg_sock_dir="$pg_dir/run"
# A unix socket path is limited to 107 bytes: fall back to a short per-checkout directory.
if ((${#pg_sock_dir} + ${#POSTGRES_PORT} + 12 > 107)); then
    pg_sock_dir="${TMPDIR:-/tmp}/booking-pg-$(cksum <<<"$repo_root" | cut -d ' ' -f 1)"
fi
# PostgreSQL refuses to run as root: as root we use the Debian package's "postgres" user.
if [[ $EUID -eq 0 ]]; then pg_os_user=postgres; else pg_os_user="$(id -un)"; fi
pg_bin=""
pg_adopted=0

find_pg_bin() {
    local dir
    if [[ -n ${PG_BINDIR:-} ]]; then
        pg_bin="$PG_BINDIR"
    else
        dir="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)"
        pg_bin="${dir%/initdb}"
    fi
    [[ -n $pg_bin && -x $pg_bin/pg_ctl ]]
}

as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u "$pg_os_user" -- "$@")
    else
        "$@"
    fi
}

# pid of this checkout's postmaster, if it runs
pg_our_pid() {
    local pid
    [[ -r $pg_data/postmaster.pid ]] || return 1
    pid="$(head -n 1 "$pg_data/postmaster.pid")"
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm && "$(cat "/proc/$pid/comm")" == postgres ]] || return 1
    printf '%s\n' "$pid"
}

pg_our_port() { sed -n 4p "$pg_data/postmaster.pid" 2>/dev/null; }

# Does 127.0.0.1:$POSTGRES_PORT accept the .env credentials, with the database and CREATEDB?
pg_app_ok() {
    local psql="${pg_bin:+$pg_bin/}psql" out
    command -v "$psql" >/dev/null 2>&1 || return 1
    out="$(PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=5 "$psql" -X -q -A -t -w \
        -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
        -c 'SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user' 2>/dev/null)" || return 1
    [[ $out == t ]]
}

pg_fail() {
    log "error: $*"
    if [[ -r $pg_log ]]; then
        log "last lines of $pg_log:"
        tail -n 25 "$pg_log" >&2
    fi
    exit 1
}

# Lets $pg_os_user traverse every directory down to $1 (chmod o+x where it cannot).
pg_ensure_reachable() {
    local target=$1 path="" part
    local -a parts
    [[ $EUID -eq 0 ]] || return 0
    runuser -u "$pg_os_user" -- test -x "$target" 2>/dev/null && return 0
    IFS=/ read -ra parts <<<"${target#/}"
    for part in "${parts[@]}"; do
        path+="/$part"
        if ! runuser -u "$pg_os_user" -- test -x "$path" 2>/dev/null; then
            log "chmod o+x $path (so that the $pg_os_user user can reach $target)"
            chmod o+x "$path"
        fi
    done
}

pg_write_conf() {
    local sock="${pg_sock_dir//\'/\'\'}"
    as_pg tee "$pg_data/booking-local.conf" >/dev/null <<EOF
# Written by eng/infra.sh at every start: change .env, not this file.
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$sock'
# Tests create many throwaway databases, each with its own connection pool.
max_connections = 300
# Where the database time goes, per statement (docs/benchmarks.md: CREATE EXTENSION pg_stat_statements, then query it).
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
EOF
    if ((durable)); then
        as_pg tee -a "$pg_data/booking-local.conf" >/dev/null <<'EOF'
# eng/infra.sh up --durable: crash-safe commits, for benchmarks of what production would pay.
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
    else
        as_pg tee -a "$pg_data/booking-local.conf" >/dev/null <<'EOF'
# Disposable development/test data: trade crash safety for speed (eng/infra.sh up --durable: crash-safe).
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
}

# fsync of the server on 127.0.0.1:$POSTGRES_PORT as the .env user sees it ("on"/"off"), empty if it cannot be asked.
pg_fsync() {
    local psql="${pg_bin:+$pg_bin/}psql"
    PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=5 "$psql" -X -q -A -t -w -h 127.0.0.1 -p "$POSTGRES_PORT" \
        -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c 'SHOW fsync' 2>/dev/null || true
}

# After `up`: says when the server does not run with the durability asked for (it is not restarted for that).
pg_check_durability() {
    local fsync
    fsync="$(pg_fsync)"
    if ((durable)) && [[ $fsync != on ]]; then
        if ((pg_adopted)); then
            warn "--durable: the PostgreSQL on port $POSTGRES_PORT was not started by this checkout and runs with fsync=${fsync:-?}; it is left as it is"
        else
            warn "--durable: PostgreSQL was already running with fsync=${fsync:-?} and is left as it is; to switch: eng/infra.sh down && eng/infra.sh up --durable"
        fi
    elif ((!durable)) && [[ $fsync == on ]]; then
        log "PostgreSQL runs durable (fsync=on), as started by an earlier 'up --durable'"
    fi
}

pg_start() {
    local initdb_log="$pg_dir/log/initdb.log"
    mkdir -p "$pg_dir/log" "$pg_sock_dir"
    if [[ $EUID -eq 0 ]]; then
        id "$pg_os_user" >/dev/null 2>&1 || die "user $pg_os_user does not exist (it comes with the postgresql package)"
        chown "$pg_os_user:" "$pg_dir" "$pg_dir/log" "$pg_sock_dir"
        pg_ensure_reachable "$pg_dir"
        pg_ensure_reachable "$pg_sock_dir"
    fi
    if [[ ! -f $pg_data/PG_VERSION ]]; then
        log "initdb $pg_data"
        if ! as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 </dev/null >"$initdb_log" 2>&1; then
            tail -n 25 "$initdb_log" >&2
            die "initdb failed (full output in $initdb_log)"
        fi
        printf "\ninclude_if_exists = 'booking-local.conf'\n" | as_pg tee -a "$pg_data/postgresql.conf" >/dev/null
    fi
    pg_write_conf
    log "starting PostgreSQL on 127.0.0.1:$POSTGRES_PORT (data $pg_data)"
    as_pg "$pg_bin/pg_ctl" start -D "$pg_data" -l "$pg_log" -w -t "$timeout_s" -s </dev/null >/dev/null 2>&1 9>&- ||
        pg_fail "PostgreSQL did not start"
}

pg_stop() {
    log "stopping PostgreSQL (pid $(pg_our_pid || echo '?'))"
    as_pg "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w -t "$timeout_s" -s </dev/null >/dev/null 2>&1 ||
        pg_fail "pg_ctl stop failed"
}

pg_wait_ready() {
    local deadline=$((SECONDS + timeout_s))
    until "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 2; do
        pg_our_pid >/dev/null || pg_fail "PostgreSQL is not running"
        ((SECONDS < deadline)) || pg_fail "PostgreSQL not ready on 127.0.0.1:$POSTGRES_PORT after ${timeout_s}s"
        sleep 0.3
    done
}

# Role (LOGIN, CREATEDB, password from .env) and database owned by it, pg_stat_statements; idempotent.
pg_provision() {
    (
        export BOOKING_PG_PASSWORD="$POSTGRES_PASSWORD"
        as_pg "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg_sock_dir" -p "$POSTGRES_PORT" -U postgres -d postgres \
            -v role="$POSTGRES_USER" -v db="$POSTGRES_DB" >/dev/null <<'SQL'
\getenv pw BOOKING_PG_PASSWORD
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
-- Per-statement database time, read from the postgres database (docs/benchmarks.md, profile).
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SELECT format('GRANT pg_read_all_stats TO %I', :'role') \gexec
SELECT format('GRANT EXECUTE ON FUNCTION pg_stat_statements_reset TO %I', :'role') \gexec
SQL
    ) || pg_fail "creating role $POSTGRES_USER / database $POSTGRES_DB failed"
}

pg_up() {
    local port
    if pg_our_pid >/dev/null; then
        port="$(pg_our_port)"
        if [[ $port != "$POSTGRES_PORT" ]]; then
            log "our PostgreSQL listens on port $port but POSTGRES_PORT is $POSTGRES_PORT: restarting it"
            pg_stop
        fi
    fi
    if ! pg_our_pid >/dev/null; then
        if port_listening "$POSTGRES_PORT"; then
            if pg_app_ok; then
                pg_adopted=1
                log "port $POSTGRES_PORT: using a PostgreSQL not started by this checkout that accepts the .env credentials ($(port_owner "$POSTGRES_PORT"))"
                return 0
            fi
            die "port $POSTGRES_PORT is in use by something else, which is not this checkout's PostgreSQL and does not accept the .env credentials ($(port_owner "$POSTGRES_PORT")). Stop it, or set another POSTGRES_PORT."
        fi
        pg_start
    fi
    pg_wait_ready
    pg_provision
    pg_app_ok || pg_fail "cannot log in as $POSTGRES_USER to database $POSTGRES_DB on 127.0.0.1:$POSTGRES_PORT"
}

pg_status() {
    local pid
    if pid="$(pg_our_pid)"; then
        echo "postgres: running on 127.0.0.1:$(pg_our_port) (pid $pid, data ${pg_data#"$repo_root"/}, socket $pg_sock_dir, fsync=$(pg_fsync))"
    elif port_listening "$POSTGRES_PORT"; then
        echo "postgres: port $POSTGRES_PORT is served by something not started by this checkout ($(port_owner "$POSTGRES_PORT"))"
    else
        echo "postgres: stopped (port $POSTGRES_PORT)"
    fi
}

pg_down() {
    if pg_our_pid >/dev/null; then
        find_pg_bin || die "PostgreSQL binaries not found (set PG_BINDIR)"
        pg_stop
    else
        log "PostgreSQL: not running (from this checkout)"
    fi
}

# ---------------------------------------------------------------- RabbitMQ

rmq_bin="${RABBITMQ_BINDIR:-/usr/lib/rabbitmq/bin}"
rmq_adopted=0
rmq_launcher_pid=""

# rmq_use DIR AMQP_PORT MANAGEMENT_PORT: the node every rmq_* function below works on (this checkout's single node,
# or one node of the cluster). We call the scripts in /usr/lib/rabbitmq/bin directly: Debian's /usr/sbin wrappers
# switch to the "rabbitmq" user with HOME=/var/lib/rabbitmq. HOME=DIR gives server and CLI their own Erlang cookie.
# Nothing is read from /etc/rabbitmq (env file, config, plugins: all under DIR).
rmq_use() {
    rmq_dir=$1
    rmq_port=$2
    rmq_mgmt_port=$3
    rmq_launcher_pid=""
    rmq_log_dir="$rmq_dir/log"
    rmq_node="booking-$rmq_port@localhost"
    rmq_dist_port=$((rmq_port + 20000))
    rmq_pid_file="$rmq_dir/$rmq_node.pid"
    rmq_env=(
        env -u XDG_CONFIG_HOME
        HOME="$rmq_dir"
        RABBITMQ_NODENAME="$rmq_node"
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
        RABBITMQ_NODE_PORT="$rmq_port"
        RABBITMQ_DIST_PORT="$rmq_dist_port"
        RABBITMQ_CONF_ENV_FILE="$rmq_dir/rabbitmq-env.conf"
        RABBITMQ_CONFIG_FILE="$rmq_dir/rabbitmq.conf"
        RABBITMQ_ADVANCED_CONFIG_FILE="$rmq_dir/advanced.config"
        RABBITMQ_ENABLED_PLUGINS_FILE="$rmq_dir/enabled_plugins"
        RABBITMQ_MNESIA_BASE="$rmq_dir/mnesia"
        RABBITMQ_LOG_BASE="$rmq_log_dir"
        RABBITMQ_PID_FILE="$rmq_pid_file"
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
        ERL_EPMD_ADDRESS=127.0.0.1
        ERL_CRASH_DUMP="$rmq_log_dir/erl_crash.dump"
    )
}
rmq_use "$local_dir/rabbitmq" "$RABBITMQ_PORT" "$RABBITMQ_MANAGEMENT_PORT" # this checkout's single node

# rmq TOOL ARGS...: runs a RabbitMQ script (rabbitmqctl, rabbitmq-diagnostics, ...) for this node, for at most
# INFRA_TIMEOUT seconds (a node that hangs on stop or join must not hang the caller)
rmq() {
    (cd "$rmq_dir" && exec timeout "$timeout_s" "${rmq_env[@]}" "$rmq_bin/$1" "${@:2}")
}

# pid of this checkout's node, if it runs
rmq_our_pid() {
    local pid
    [[ -r $rmq_pid_file ]] || return 1
    pid="$(head -n 1 "$rmq_pid_file")"
    # RabbitMQ 3.10 takes the node name from the environment, not from its command line.
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/environ ]] || return 1
    tr '\0' '\n' <"/proc/$pid/environ" | grep -qxF -- "RABBITMQ_NODENAME=$rmq_node" || return 1
    printf '%s\n' "$pid"
}

urlencode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c="${s:i:1}"
        case $c in
        [a-zA-Z0-9._~-]) out+="$c" ;;
        *) printf -v c '%%%02X' "'$c" && out+="$c" ;;
        esac
    done
    printf '%s' "$out"
}

json_string() {
    local s=$1
    s="${s//\\/\\\\}"
    s="${s//\"/\\\"}"
    s="${s//$'\n'/\\n}"
    s="${s//$'\r'/\\r}"
    s="${s//$'\t'/\\t}"
    printf '"%s"' "$s"
}

# Management API check, done with the .env user: it answers only if that user exists with that
# password and the administrator tag, and shows its permissions on the vhost. ~20 ms.
rmq_app_ok() {
    local creds body
    command -v curl >/dev/null 2>&1 || return 1
    port_listening "$rmq_port" || return 1
    creds="$RABBITMQ_USER:$RABBITMQ_PASSWORD"
    creds="${creds//\\/\\\\}"
    creds="${creds//\"/\\\"}"
    body="$(printf 'user = "%s"\n' "$creds" | curl -sf -m 5 -K - \
        "http://127.0.0.1:$rmq_mgmt_port/api/permissions/$(urlencode "$RABBITMQ_VHOST")/$(urlencode "$RABBITMQ_USER")" 2>/dev/null)" ||
        return 1
    [[ $body == *'"configure":".*"'* && $body == *'"write":".*"'* && $body == *'"read":".*"'* ]] || return 1
    # The service's own account (no tags) must have its rights on the vhost too.
    [[ -z ${RABBITMQ_SERVICE_USER:-} ]] && return 0
    body="$(printf 'user = "%s"\n' "$creds" | curl -sf -m 5 -K - \
        "http://127.0.0.1:$rmq_mgmt_port/api/permissions/$(urlencode "$RABBITMQ_VHOST")/$(urlencode "$RABBITMQ_SERVICE_USER")" 2>/dev/null)" ||
        return 1
    [[ $body == *'"configure":".*"'* ]]
}

rmq_fail() {
    local startup="$rmq_log_dir/startup.log" node_log="$rmq_log_dir/$rmq_node.log"
    log "error: $*"
    if [[ -s $startup ]]; then
        # The first error lines say what went wrong; the crash report after them rarely does.
        log "errors in $startup (the server's console output):"
        grep -m 20 -E 'error|Error|ERROR|FAILED' "$startup" >&2 || tail -n 25 "$startup" >&2
    fi
    if [[ -s $node_log ]]; then
        log "last lines of $node_log:"
        tail -n 25 "$node_log" >&2
    fi
    if [[ -s $rmq_log_dir/erl_crash.dump ]]; then
        log "Erlang crash dump $rmq_log_dir/erl_crash.dump: $(grep -m 1 '^Slogan' "$rmq_log_dir/erl_crash.dump" || true)"
    fi
    exit 1
}

rmq_write_conf() {
    cat >"$rmq_dir/rabbitmq.conf" <<EOF
# Written by eng/infra.sh at every start: change .env, not this file.
# AMQP listener and distribution port come from RABBITMQ_NODE_IP_ADDRESS/_NODE_PORT/_DIST_PORT.
management.tcp.ip = 127.0.0.1
management.tcp.port = $rmq_mgmt_port
log.console = false
log.file.level = info
EOF
    echo '[rabbitmq_management].' >"$rmq_dir/enabled_plugins"
}

# A random Erlang cookie: the cluster's nodes share one (rmq_cookie, set while forming), a single node has its own.
rmq_random_cookie() {
    local cookie
    cookie="$(head -c 48 /dev/urandom | base64 -w 0 | tr -dc 'A-Za-z0-9')"
    printf '%s' "${cookie:0:32}"
}
rmq_cookie=""

rmq_start() {
    local port
    for port in "$rmq_port" "$rmq_mgmt_port" "$rmq_dist_port"; do
        if port_listening "$port"; then
            die "port $port (needed by RabbitMQ: AMQP $rmq_port, management $rmq_mgmt_port, distribution $rmq_dist_port) is in use by something that is not this checkout's RabbitMQ and does not accept the .env credentials ($(port_owner "$port")). Stop it, or change the ports in .env (RABBITMQ_PORT, RABBITMQ_MANAGEMENT_PORT; for the cluster RABBITMQ_CLUSTER_PORT, RABBITMQ_CLUSTER_MANAGEMENT_PORT)."
        fi
    done
    mkdir -p "$rmq_dir" "$rmq_log_dir" "$rmq_dir/mnesia"
    chmod 700 "$rmq_dir"
    if [[ ! -s $rmq_dir/.erlang.cookie ]]; then
        (umask 077 && printf '%s' "${rmq_cookie:-$(rmq_random_cookie)}" >"$rmq_dir/.erlang.cookie")
        chmod 400 "$rmq_dir/.erlang.cookie"
    fi
    rmq_write_conf
    rm -f "$rmq_pid_file" "$rmq_log_dir/erl_crash.dump"
    log "starting RabbitMQ node $rmq_node (AMQP 127.0.0.1:$rmq_port, management 127.0.0.1:$rmq_mgmt_port, data $rmq_dir)"
    # Not `rabbitmq-server -detached`: that sends the boot output to /dev/null, so a failed boot
    # (e.g. a config error) leaves only a crash dump. We run the server in the background in its
    # own session instead (no terminal, so it outlives this script and ignores Ctrl+C), with that
    # output in startup.log. Without job control the subshell is no process-group leader, so
    # setsid does not fork: $! is the launcher, alive as long as the node is.
    (cd "$rmq_dir" && exec setsid "${rmq_env[@]}" "$rmq_bin/rabbitmq-server") \
        </dev/null >"$rmq_log_dir/startup.log" 2>&1 9>&- &
    rmq_launcher_pid=$!
}

rmq_wait_ready() {
    local deadline=$((SECONDS + timeout_s)) pid
    until port_listening "$rmq_port" && port_listening "$rmq_mgmt_port"; do
        if [[ -n $rmq_launcher_pid ]] && ! kill -0 "$rmq_launcher_pid" 2>/dev/null; then
            rmq_fail "RabbitMQ node $rmq_node exited while starting"
        fi
        if [[ -s $rmq_pid_file ]] && ! rmq_our_pid >/dev/null; then
            rmq_fail "RabbitMQ node $rmq_node exited while starting"
        fi
        ((SECONDS < deadline)) ||
            rmq_fail "RabbitMQ not listening on 127.0.0.1:$rmq_port and :$rmq_mgmt_port after ${timeout_s}s"
        sleep 0.5
    done
    pid="$(rmq_our_pid)" || rmq_fail "ports are up but no live pid in $rmq_pid_file"
    rmq rabbitmqctl -n "$rmq_node" -q await_startup --timeout "$timeout_s" </dev/null >/dev/null 2>&1 ||
        rmq_fail "rabbitmqctl await_startup failed for $rmq_node (pid $pid)"
}

# Users (the administrator of .env, and the service's account without tags), vhost and full permissions on it, in one idempotent
# definitions import (an upsert: it also resets the password).
rmq_provision() {
    local defs="$rmq_dir/.provision.json" out service_user="" service_permissions=""
    if [[ -n ${RABBITMQ_SERVICE_USER:-} ]]; then
        service_user=", {\"name\": $(json_string "$RABBITMQ_SERVICE_USER"), \"password\": $(json_string "${RABBITMQ_SERVICE_PASSWORD:-}"), \"tags\": \"\"}"
        service_permissions=", {\"user\": $(json_string "$RABBITMQ_SERVICE_USER"), \"vhost\": $(json_string "$RABBITMQ_VHOST"), \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}"
    fi
    (
        umask 077
        cat >"$defs" <<EOF
{
  "users": [{"name": $(json_string "$RABBITMQ_USER"), "password": $(json_string "$RABBITMQ_PASSWORD"), "tags": "administrator"}$service_user],
  "vhosts": [{"name": $(json_string "$RABBITMQ_VHOST")}],
  "permissions": [{"user": $(json_string "$RABBITMQ_USER"), "vhost": $(json_string "$RABBITMQ_VHOST"), "configure": ".*", "write": ".*", "read": ".*"}$service_permissions]
}
EOF
    )
    log "RabbitMQ: creating user $RABBITMQ_USER and vhost $RABBITMQ_VHOST"
    if ! out="$(rmq rabbitmqctl -n "$rmq_node" -q import_definitions "$defs" </dev/null 2>&1)"; then
        rm -f "$defs"
        printf '%s\n' "$out" >&2
        rmq_fail "rabbitmqctl import_definitions failed"
    fi
    rm -f "$defs"
}

rmq_up() {
    if ! rmq_our_pid >/dev/null; then
        if port_listening "$rmq_port" && rmq_app_ok; then
            rmq_adopted=1
            log "port $rmq_port: using a RabbitMQ not started by this checkout that accepts the .env credentials ($(port_owner "$rmq_port"))"
            return 0
        fi
        rmq_start
        rmq_wait_ready
    elif rmq_app_ok; then
        return 0 # running and provisioned: the fast path
    else
        rmq_wait_ready
    fi
    rmq_app_ok || rmq_provision
    rmq_await_provisioned
}

rmq_await_provisioned() {
    local i
    # The permissions may take a moment to show in the management API after the import.
    for ((i = 0; i < 20; i++)); do
        rmq_app_ok && return 0
        sleep 0.25
    done
    rmq_fail "the management API at http://127.0.0.1:$rmq_mgmt_port does not confirm user $RABBITMQ_USER on vhost $RABBITMQ_VHOST (if a management port in .env changed: eng/infra.sh down, then up again)"
}

rmq_status() {
    local pid
    if pid="$(rmq_our_pid)"; then
        echo "rabbitmq: running node $rmq_node, AMQP 127.0.0.1:$rmq_port, management http://127.0.0.1:$rmq_mgmt_port (pid $pid, data ${rmq_dir#"$repo_root"/})"
    elif port_listening "$rmq_port"; then
        echo "rabbitmq: port $rmq_port is served by something not started by this checkout ($(port_owner "$rmq_port"))"
    else
        echo "rabbitmq: stopped (port $rmq_port)"
    fi
}

rmq_down() {
    local pid deadline
    if ! pid="$(rmq_our_pid)"; then
        log "RabbitMQ: not running (from this checkout)"
        rm -f "$rmq_pid_file"
        return 0
    fi
    log "stopping RabbitMQ node $rmq_node (pid $pid)"
    # `rabbitmqctl stop PIDFILE` also waits for the process to exit.
    if ! rmq rabbitmqctl -n "$rmq_node" -q stop "$rmq_pid_file" </dev/null >/dev/null 2>&1; then
        warn "rabbitmqctl stop failed; sending SIGTERM to $pid"
        kill -TERM "$pid" 2>/dev/null || true
    fi
    deadline=$((SECONDS + timeout_s))
    while [[ -d /proc/$pid ]] && rmq_our_pid >/dev/null; do
        ((SECONDS < deadline)) || die "RabbitMQ (pid $pid) did not stop within ${timeout_s}s"
        sleep 0.3
    done
    rm -f "$rmq_pid_file"
}

# ---------------------------------------------------------------- RabbitMQ cluster

# `eng/infra.sh cluster ...`: three more nodes, apart from the single one above, joined into one cluster (same Erlang
# cookie, `join_cluster` to node 1), so quorum queues declared while all three run have a member on each. Node I
# (1-3) listens on AMQP 127.0.0.1:$((RABBITMQ_CLUSTER_PORT+I-1)), management $((RABBITMQ_CLUSTER_MANAGEMENT_PORT+I-1)),
# data .local/rabbitmq-cluster/node-I. A cluster formed from nothing starts from empty data dirs.
cluster_size=3
cluster_dir="$local_dir/rabbitmq-cluster"

cluster_use() {
    local i=$1
    [[ $i =~ ^[1-3]$ ]] || die "cluster node must be 1, 2 or 3, not '$i'"
    rmq_use "$cluster_dir/node-$i" $((RABBITMQ_CLUSTER_PORT + i - 1)) $((RABBITMQ_CLUSTER_MANAGEMENT_PORT + i - 1))
}

cluster_check_ports() {
    local var
    require_env RABBITMQ_CLUSTER_PORT RABBITMQ_CLUSTER_MANAGEMENT_PORT
    for var in RABBITMQ_CLUSTER_PORT RABBITMQ_CLUSTER_MANAGEMENT_PORT; do
        if [[ ! ${!var} =~ ^[0-9]{1,5}$ ]] || ((${!var} < 1 || ${!var} + cluster_size > 45536)); then
            die "$var must be a TCP port number of at most $((45536 - cluster_size)) (the nodes use it to +$((cluster_size - 1)), and AMQP ports +20000 for Erlang distribution), not '${!var}'"
        fi
    done
}

# Node names of the cluster's running members, as node 1 (or the first node that answers) sees them.
cluster_running_nodes() {
    local i out
    for ((i = 1; i <= cluster_size; i++)); do
        cluster_use "$i"
        rmq_our_pid >/dev/null || continue
        out="$(rmq rabbitmqctl -n "$rmq_node" -q cluster_status --formatter json </dev/null 2>/dev/null)" || continue
        out="$(grep -o '"running_nodes":\[[^]]*\]' <<<"$out")" || continue
        grep -o 'booking-[0-9]*@localhost' <<<"$out"
        return 0
    done
    return 1
}

# Starts node I of the cluster; its launcher pid goes to cluster_launchers[I].
declare -A cluster_launchers=()
cluster_start_node() {
    cluster_use "$1"
    rmq_start
    cluster_launchers[$1]=$rmq_launcher_pid
}

cluster_wait_node() {
    cluster_use "$1"
    rmq_launcher_pid=${cluster_launchers[$1]:-}
    rmq_wait_ready
}

# A new cluster from empty data dirs: three nodes with one cookie, nodes 2 and 3 join node 1.
cluster_form() {
    local i first
    log "RabbitMQ cluster: forming $cluster_size nodes from empty data dirs in ${cluster_dir#"$repo_root"/}"
    rm -rf "$cluster_dir"
    mkdir -p "$cluster_dir"
    rmq_cookie="$(rmq_random_cookie)"
    for ((i = 1; i <= cluster_size; i++)); do cluster_start_node "$i"; done
    for ((i = 1; i <= cluster_size; i++)); do cluster_wait_node "$i"; done
    cluster_use 1
    first=$rmq_node
    for ((i = 2; i <= cluster_size; i++)); do
        cluster_use "$i"
        rmq_launcher_pid=${cluster_launchers[$i]:-}
        log "RabbitMQ cluster: $rmq_node joins $first"
        rmq rabbitmqctl -n "$rmq_node" -q stop_app </dev/null >/dev/null 2>&1 || rmq_fail "stop_app of $rmq_node failed"
        rmq rabbitmqctl -n "$rmq_node" -q join_cluster "$first" </dev/null >/dev/null 2>&1 || rmq_fail "join_cluster $first failed"
        rmq rabbitmqctl -n "$rmq_node" -q start_app </dev/null >/dev/null 2>&1 || rmq_fail "start_app of $rmq_node failed"
        rmq_wait_ready
    done
}

cluster_up() {
    local i running=0
    cluster_check_ports
    for ((i = 1; i <= cluster_size; i++)); do
        cluster_use "$i"
        rmq_our_pid >/dev/null && running=$((running + 1))
    done
    if ((running == 0)); then
        cluster_form
    else
        # Some nodes run: the stopped ones start again and rejoin by themselves (their data names the cluster).
        for ((i = 1; i <= cluster_size; i++)); do
            cluster_use "$i"
            rmq_our_pid >/dev/null || cluster_start_node "$i"
        done
        for ((i = 1; i <= cluster_size; i++)); do cluster_wait_node "$i"; done
        if [[ $(cluster_running_nodes | wc -l) != "$cluster_size" ]]; then
            # e.g. an earlier `cluster up` stopped before every node had joined: start over
            warn "RabbitMQ cluster: the nodes do not form one cluster of $cluster_size; forming it again"
            cluster_down
            cluster_form
        fi
    fi
    cluster_use 1
    rmq_app_ok || rmq_provision # definitions are the cluster's: one import serves every node
    for ((i = 1; i <= cluster_size; i++)); do
        cluster_use "$i"
        rmq_await_provisioned
    done
    [[ $(cluster_running_nodes | wc -l) == "$cluster_size" ]] || rmq_fail "the cluster does not report $cluster_size running nodes"
}

cluster_status() {
    local i pid
    cluster_check_ports
    for ((i = 1; i <= cluster_size; i++)); do
        cluster_use "$i"
        if pid="$(rmq_our_pid)"; then
            echo "rabbitmq cluster node $i: running $rmq_node, AMQP 127.0.0.1:$rmq_port, management http://127.0.0.1:$rmq_mgmt_port (pid $pid)"
        else
            echo "rabbitmq cluster node $i: stopped ($rmq_node, AMQP 127.0.0.1:$rmq_port)"
        fi
    done
    echo "rabbitmq cluster running nodes: $(cluster_running_nodes | tr '\n' ' ')"
}

cluster_down() {
    local i
    for ((i = cluster_size; i >= 1; i--)); do
        cluster_use "$i"
        rmq_our_pid >/dev/null && rmq_down
    done
    return 0
}

# ---------------------------------------------------------------- commands

cmd_up() {
    local t0 took
    t0="$(now_ms)"
    take_lock
    ensure_packages \
        "postgresql:/usr/lib/postgresql/*/bin/initdb" \
        "rabbitmq-server:$rmq_bin/rabbitmq-server" \
        curl
    find_pg_bin || die "PostgreSQL binaries not found under /usr/lib/postgresql (set PG_BINDIR)"
    pg_up
    pg_check_durability
    rmq_up
    took="$(($(now_ms) - t0))"
    log "up in $((took / 1000)).$((took % 1000 / 100))s:" \
        "PostgreSQL 127.0.0.1:$POSTGRES_PORT db=$POSTGRES_DB user=$POSTGRES_USER$( ((pg_adopted)) && echo ' (not ours)')" \
        "| RabbitMQ amqp://127.0.0.1:$rmq_port vhost=$RABBITMQ_VHOST user=$RABBITMQ_USER, management http://127.0.0.1:$rmq_mgmt_port$( ((rmq_adopted)) && echo ' (not ours)')" \
        "| passwords in .env"
}

cmd_status() {
    pg_status
    rmq_status
    [[ -z ${RABBITMQ_CLUSTER_PORT:-} ]] || cluster_status
}

cmd_down() {
    take_lock
    pg_down
    rmq_down
    [[ -z ${RABBITMQ_CLUSTER_PORT:-} ]] || { cluster_check_ports && cluster_down; }
    log "down (data kept in ${local_dir#"$repo_root"/})"
}

# Runs rabbitmqctl against this checkout's node, e.g. `eng/infra.sh rabbitmqctl list_queues -p booking`.
# The broker-restart test uses it for stop_app/start_app.
cmd_rabbitmqctl() {
    rmq_our_pid >/dev/null || die "RabbitMQ node $rmq_node is not running from this checkout (run eng/infra.sh up)"
    rmq rabbitmqctl -n "$rmq_node" "$@"
}

# The database-restart test: `postgres crash` stops this checkout's PostgreSQL as a crash would (`pg_ctl stop -m
# immediate`: no checkpoint, connections cut, crash recovery at the next start); `postgres start` starts it again with
# its settings unchanged (durable or not) and waits until it answers.
cmd_postgres() {
    find_pg_bin || die "PostgreSQL binaries not found under /usr/lib/postgresql (set PG_BINDIR)"
    case $1 in
    crash)
        pg_our_pid >/dev/null || die "PostgreSQL is not running from this checkout (run eng/infra.sh up)"
        log "stopping PostgreSQL immediately (pid $(pg_our_pid || echo '?')), as a crash would"
        as_pg "$pg_bin/pg_ctl" stop -D "$pg_data" -m immediate -w -t "$timeout_s" -s </dev/null >/dev/null 2>&1 ||
            pg_fail "pg_ctl stop -m immediate failed"
        ;;
    start)
        pg_our_pid >/dev/null && { log "PostgreSQL is running"; return; }
        as_pg "$pg_bin/pg_ctl" start -D "$pg_data" -l "$pg_log" -w -t "$timeout_s" -s </dev/null >/dev/null 2>&1 9>&- ||
            pg_fail "PostgreSQL did not start"
        pg_wait_ready
        log "PostgreSQL recovered and running"
        ;;
    *) usage ;;
    esac
}

# The cluster mode (see "RabbitMQ cluster" above). `stop N` stops node N as an operator would (rabbitmqctl stop; the
# other nodes elect new leaders for the queues it led); `up` starts whichever nodes are stopped again.
cmd_cluster() {
    local t0 took i
    t0="$(now_ms)"
    case $1 in
    up)
        take_lock
        ensure_packages "rabbitmq-server:$rmq_bin/rabbitmq-server" curl
        cluster_up
        took="$(($(now_ms) - t0))"
        log "cluster up in $((took / 1000)).$((took % 1000 / 100))s: $(cluster_running_nodes | tr '\n' ' ')| AMQP" \
            "$(for ((i = 0; i < cluster_size; i++)); do printf '127.0.0.1:%s ' $((RABBITMQ_CLUSTER_PORT + i)); done)" \
            "| management http://127.0.0.1:$RABBITMQ_CLUSTER_MANAGEMENT_PORT vhost=$RABBITMQ_VHOST user=$RABBITMQ_USER"
        ;;
    down) take_lock; cluster_check_ports; cluster_down ;;
    status) cluster_status ;;
    stop)
        take_lock
        cluster_check_ports
        cluster_use "$2"
        rmq_our_pid >/dev/null || die "cluster node $2 ($rmq_node) is not running"
        rmq_down
        ;;
    *) usage ;;
    esac
}

case $1 in
up)
    [[ $# -le 2 ]] || usage
    case ${2:-} in
    "") ;;
    --durable) durable=1 ;;
    *) usage ;;
    esac
    cmd_up
    ;;
down) [[ $# -eq 1 ]] || usage; cmd_down ;;
status) [[ $# -eq 1 ]] || usage; cmd_status ;;
rabbitmqctl) cmd_rabbitmqctl "${@:2}" ;;
postgres) [[ $# -eq 2 ]] || usage; cmd_postgres "$2" ;;
cluster)
    case ${2:-}:$# in
    up:2 | down:2 | status:2 | stop:3) cmd_cluster "${@:2}" ;;
    *) usage ;;
    esac
    ;;
*) usage ;;
esac
