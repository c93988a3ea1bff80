#!/usr/bin/env bash
# Runs the system locally: local .NET tools, private PostgreSQL and RabbitMQ (eng/infra.sh up),
# one Release build of the solution, then the services in the background until Ctrl+C (or until
# one of them exits); they are stopped together. The infrastructure keeps running
# (eng/infra.sh down stops it). RUN_CLUSTER=1 ./eng/run.sh connects the InventoryService to the three-node RabbitMQ
# cluster of `eng/infra.sh cluster up` instead of the single node (it starts the cluster too).
set -euo pipefail

LOG_TAG=run
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(cd "$repo_root" && dotnet tool restore >/dev/null) # dotnet-ef, from .config/dotnet-tools.json
cluster="${RUN_CLUSTER:-0}"
[[ $cluster =~ ^[01]$ ]] || die "RUN_CLUSTER must be 0 or 1, not '$cluster'"
"$repo_root/eng/infra.sh" up
if ((cluster)); then "$repo_root/eng/infra.sh" cluster up; fi
load_env "$repo_root/.env"
require_env INVENTORY_PORT GATEWAY_PORT POSTGRES_PORT POSTGRES_DB POSTGRES_USER POSTGRES_PASSWORD \
    RABBITMQ_PORT RABBITMQ_VHOST RABBITMQ_USER RABBITMQ_PASSWORD JWT_SIGNING_KEY
broker_port=$RABBITMQ_PORT
broker_nodes=""
if ((cluster)); then
    require_env RABBITMQ_CLUSTER_PORT
    broker_port=$RABBITMQ_CLUSTER_PORT
    broker_nodes="127.0.0.1:$RABBITMQ_CLUSTER_PORT,127.0.0.1:$((RABBITMQ_CLUSTER_PORT + 1)),127.0.0.1:$((RABBITMQ_CLUSTER_PORT + 2))"
fi
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}" DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"

# Build once, so that the services below start with --no-build instead of building concurrently.
log "dotnet build -c Release"
dotnet build "$repo_root/BookingSystem.sln" -c Release -nologo -v quiet

# Each service runs in its own session/process group (setsid; without job control the background
# child is no group leader, so setsid does not fork and $! is the group id). Stopping the group
# also stops the app process that `dotnet run` starts, and Ctrl+C reaches only this script.
service_names=()
service_pids=()

start_service() { # NAME COMMAND...
    local name=$1
    shift
    setsid "$@" </dev/null &
    service_names+=("$name")
    service_pids+=("$!")
    log "started $name (pid $!)"
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
stop_services() {
    local i pid deadline
    trap - INT TERM EXIT
    # Stopping must finish even when our output is gone (e.g. `eng/run.sh | tee log` and Ctrl+C killed tee).
    trap '' PIPE
    set +e
    for i in "${!service_pids[@]}"; do
        pid=${service_pids[i]}
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping ${service_names[i]} (pid $pid)"
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    deadline=$((SECONDS + 15))
    for pid in "${service_pids[@]}"; do
        while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.2
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_ready() { # NAME URL: until URL answers 2xx; dies if the service exits or after 120 s
    local name=$1 url=$2 i pid=${service_pids[-1]}
    for ((i = 0; i < 600; i++)); do
        curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || die "$name exited before $url answered"
        sleep 0.2
    done
    die "$name: $url did not answer within 120 s"
}

# Settings both services take from .env: bearer-token validation (the services refuse to start without a
# key) and Seq.
shared_env=()
if [[ -n ${JWT_SIGNING_KEY:-} ]]; then shared_env+=("Jwt__SigningKey=$JWT_SIGNING_KEY"); fi
if [[ -n ${JWT_ISSUER:-} ]]; then shared_env+=("Jwt__Issuer=$JWT_ISSUER"); fi
if [[ -n ${JWT_AUDIENCE:-} ]]; then shared_env+=("Jwt__Audience=$JWT_AUDIENCE"); fi
# Seq (optional): logs and traces of both services.
shared_env+=("Seq__ServerUrl=${SEQ_URL:-}" "Seq__ApiKey=${SEQ_API_KEY:-}")
if [[ -n ${SEQ_URL:-} ]]; then log "exporting logs and traces to Seq at $SEQ_URL"; fi

inventory_url="http://127.0.0.1:$INVENTORY_PORT"
start_service inventory env \
    ASPNETCORE_ENVIRONMENT=Development \
    ASPNETCORE_URLS="$inventory_url" \
    ConnectionStrings__Inventory="Host=127.0.0.1;Port=$POSTGRES_PORT;Database=$POSTGRES_DB;Username=$POSTGRES_USER;Password=$POSTGRES_PASSWORD" \
    RabbitMq__Host=127.0.0.1 \
    RabbitMq__Port="$broker_port" \
    RabbitMq__Endpoints="$broker_nodes" \
    RabbitMq__VirtualHost="$RABBITMQ_VHOST" \
    RabbitMq__UserName="${RABBITMQ_SERVICE_USER:-$RABBITMQ_USER}" \
    RabbitMq__Password="${RABBITMQ_SERVICE_PASSWORD:-$RABBITMQ_PASSWORD}" \
    "${shared_env[@]}" \
    dotnet run --project "$repo_root/src/InventoryService" -c Release --no-build --no-launch-profile
# The gateway probes the service's readiness; starting it once the service is ready avoids a first
# "unhealthy" verdict while the database is migrated and seeded.
wait_ready inventory "$inventory_url/health/ready"

# The one public entry point: JWT validation, per-route policies, rate limits, correlation ids.
gateway_url="http://localhost:$GATEWAY_PORT"
start_service gateway env \
    ASPNETCORE_ENVIRONMENT=Development \
    ASPNETCORE_URLS="http://127.0.0.1:$GATEWAY_PORT" \
    ReverseProxy__Clusters__inventory__Destinations__primary__Address="$inventory_url/" \
    "${shared_env[@]}" \
    dotnet run --project "$repo_root/src/ApiGateway" -c Release --no-build --no-launch-profile
wait_ready gateway "http://127.0.0.1:$GATEWAY_PORT/health"

log "Gateway (use this): $gateway_url/api/inventory"
log "                    $gateway_url/health"
log "                    tokens: dotnet run --project src/Cli -- token --user alice [--admin]"
log "InventoryService:   $inventory_url/api/inventory (direct; validates the same tokens)"
log "                    $inventory_url/openapi/v1.json"
log "                    $inventory_url/health/ready"
if ((cluster)); then
    log "RabbitMQ cluster:   $broker_nodes (eng/infra.sh cluster status; stop a node: eng/infra.sh cluster stop N)"
    log "                    the CLI speaks to it with RABBITMQ_PORT=$RABBITMQ_CLUSTER_PORT, e.g. RABBITMQ_PORT=$RABBITMQ_CLUSTER_PORT dotnet run --project src/Cli -- simulate"
fi
log "Ctrl+C stops the services (the infrastructure keeps running: eng/infra.sh down)"

# Until Ctrl+C or until any service exits; then the EXIT trap stops the others.
rc=0
wait -n || rc=$?
for i in "${!service_pids[@]}"; do
    if ! kill -0 "${service_pids[i]}" 2>/dev/null; then
        log "${service_names[i]} exited (status $rc); stopping the others"
    fi
done
exit "$rc"
