#!/usr/bin/env bash
# Runs the whole test suite: local .NET tools (dotnet-ef), private PostgreSQL and
# RabbitMQ (eng/infra.sh up, left running afterwards unless TEST_INFRA_DOWN=1), then
# `dotnet test` of the solution with the .env settings exported (the broker- and database-restart tests and the
# RabbitMQ cluster test in a run of their own at the end). Extra arguments go to one `dotnet test` of the solution instead,
# e.g. eng/test.sh --filter "FullyQualifiedName~Reservations".
# Exits with dotnet test's exit code.
set -euo pipefail

LOG_TAG="test"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$SECONDS

(cd "$repo_root" && dotnet tool restore >/dev/null) # dotnet-ef, from .config/dotnet-tools.json
"$repo_root/eng/infra.sh" up
# The compose file is validated by the tests with Debian's docker-compose (no Docker engine needed); the API
# reference page is checked in Debian's headless chromium (command `chromium`, like the package); compose's preflight
# script runs in busybox there, so the tests run it with busybox too.
ensure_packages docker-compose chromium busybox
load_env "$repo_root/.env" # exported: the test processes read POSTGRES_*, RABBITMQ_*, ...
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}" DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"

mkdir -p "$repo_root/.local"
output="$repo_root/.local/test-output.log"
rc=0
if [[ $# -gt 0 ]]; then
    dotnet test "$repo_root/BookingSystem.sln" -c Release --logger "console;verbosity=normal" "$@" | tee "$output" ||
        rc=${PIPESTATUS[0]}
else
    # The test projects run in parallel, so the tests that stop the shared broker or database (BrokerRestartTests,
    # DatabaseRestartTests) run on their own afterwards: while they run, nothing else may need RabbitMQ or PostgreSQL.
    # BrokerClusterTests joins them: its three broker nodes (eng/infra.sh cluster) would slow the parallel run.
    dotnet test "$repo_root/BookingSystem.sln" -c Release --logger "console;verbosity=normal" \
        --filter "FullyQualifiedName!~BrokerRestart&FullyQualifiedName!~BrokerCluster&FullyQualifiedName!~DatabaseRestart" | tee "$output" || rc=${PIPESTATUS[0]}
    if [[ $rc == 0 ]]; then
        dotnet test "$repo_root/tests/InventoryService.IntegrationTests" -c Release --no-build --logger "console;verbosity=normal" \
            --filter "FullyQualifiedName~BrokerRestart|FullyQualifiedName~BrokerCluster|FullyQualifiedName~DatabaseRestart" | tee -a "$output" || rc=${PIPESTATUS[0]}
    fi
fi

if [[ ${TEST_INFRA_DOWN:-0} == 1 ]]; then
    "$repo_root/eng/infra.sh" down || warn "eng/infra.sh down failed"
fi

echo "eng/test.sh: finished in $((SECONDS - started)) s (dotnet test exit code $rc)"
# One plain tally line over all test assemblies, from the console logger's per-assembly results:
# the normal-verbosity block ("Total tests: 57" / "Passed: 56" / "Failed: 1" / "Skipped: 0") or,
# failing that, the minimal one ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12").
awk '
    /^ *Total tests: +[0-9]+/ { block = 1; blocks = 1; next }
    block && /^ *Passed: +[0-9]+ *$/  { bp += $2 }
    block && /^ *Failed: +[0-9]+ *$/  { bf += $2 }
    block && /^ *Skipped: +[0-9]+ *$/ { bs += $2 }
    /^ *Total time:/ { block = 0 }
    /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
        line = $0; sub(/.*Failed: +/, "", line);  mf += line + 0
        line = $0; sub(/.*Passed: +/, "", line);  mp += line + 0
        line = $0; sub(/.*Skipped: +/, "", line); ms += line + 0
        minimal = 1
    }
    END {
        if (blocks) printf "tests: %d passed, %d failed, %d skipped\n", bp, bf, bs
        else if (minimal) printf "tests: %d passed, %d failed, %d skipped\n", mp, mf, ms
    }
' "$output"
exit "$rc"
