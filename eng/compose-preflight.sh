#!/bin/sh
# docker-compose.yml's one-shot `preflight` (every other service waits for it to succeed): refuses to start the
# system with a secret whose value is the public development one of the repository's .env, naming each such
# variable. POSIX sh, for the busybox of the curl image; the tests run it in busybox sh with only its applets.
# The fingerprints are SHA-256 (hex) of the .env values; a test compares them with .env. It sees the values given
# now, not the ones a volume was created with: PostgreSQL, RabbitMQ and Seq take their passwords from the first start.
fingerprints="
POSTGRES_PASSWORD 72e770c8e09d974a350a07272065126b21ecdd342c7d0f1db0a99c8d73526f6b
RABBITMQ_PASSWORD 9671f19d29e4dc49f3bf07c3f1e9bc3684573b605fc2e2ad110560d563ed8e30
RABBITMQ_SERVICE_PASSWORD 25daa2dcf9a65286dc14f7688a898dc18518323305f91ce63878162e0a21d2ba
SEQ_ADMIN_PASSWORD 4831380d13208ea5bbb858e04bacd635a61448b8edd47e7aaeea946f533e208e
JWT_SIGNING_KEY 65fd98c00aae584b1ac1257ccc135b22e9db32d7d150fff4ad221162757718a3
"
set -eu
public=""
for name in $(printf '%s\n' "$fingerprints" | cut -d' ' -f1); do
    eval "value=\${$name-}" # the names are the fixed ones above; POSIX sh has no indirect expansion (and no printenv in every busybox)
    fingerprint=$(printf '%s' "$value" | sha256sum | cut -d' ' -f1)
    [ ${#fingerprint} -eq 64 ] || { echo "preflight: sha256sum failed" >&2; exit 2; }
    if printf '%s\n' "$fingerprints" | grep -qx "$name $fingerprint"; then
        public="$public $name"
    fi
done
if [ -n "$public" ]; then
    echo "preflight: refusing to start: these are the public development values from .env:$public." >&2
    echo "preflight: set your own in the environment (it wins over .env) and keep them (the volumes remember the first ones), e.g. $(echo "$public" | sed 's/ \([A-Z_]*\)/\1=$(openssl rand -hex 32) /g')docker compose up --build" >&2
    exit 1
fi
echo "preflight: no public development secret in use"
