#!/usr/bin/env bash
# Schema-driven fuzzing of the running API (api.md §15.5, issue 8): schemathesis (from PyPI) generates requests
# from /api/v1/openapi.json and checks that no answer is a 5xx (`not_a_server_error`).
#
# Usage: scripts/schemathesis.sh [max-examples-per-operation]   (default 25)
#
# It builds the debug binary, starts `siloq serve` on a fresh SQLite database on 127.0.0.1 (rate limits raised so
# the run measures handlers, not throttling), creates a user, a site and a site key through the API, then runs
# two passes: the site-key routes with `X-API-Key`, then every other operation with the user's JWT (logout is
# left out so the token stays valid). The summary goes to scripts/schemathesis-last.txt. Exit status: non-zero
# when schemathesis found a failure.
#
# schemathesis is installed into a virtualenv under $SCHEMATHESIS_VENV (default /tmp/siloq-schemathesis).
# SCHEMATHESIS_SKIP_BUILD=1 uses the binary already in $CARGO_TARGET_DIR/debug.
set -euo pipefail

EXAMPLES="${1:-25}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${SCHEMATHESIS_VENV:-/tmp/siloq-schemathesis}"
SUMMARY="$ROOT/scripts/schemathesis-last.txt"
WORK="$(mktemp -d)"
PORT="${SCHEMATHESIS_PORT:-18765}"
BASE="http://127.0.0.1:$PORT"

if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet 'schemathesis>=4,<5'
fi
[ -n "${SCHEMATHESIS_SKIP_BUILD:-}" ] || (cd "$ROOT" && cargo build -p siloq-kernel --quiet)

export SILOQ_DATABASE__URL="sqlite://$WORK/siloq.db"
export SILOQ_SERVER__PORT="$PORT"
export SILOQ_SERVER__HOST="127.0.0.1"
export SECRET_KEY="schemathesis-run-secret-0123456789abcdef0123456789"
export SILOQ_EXTENSIONS__CACHE_DIR="$WORK/cache"
export SILOQ_RATE_LIMITS__IP_PER_SECOND=100000
export SILOQ_RATE_LIMITS__IP_BURST=100000
export SILOQ_RATE_LIMITS__KEY_PER_SECOND=100000
export SILOQ_RATE_LIMITS__KEY_BURST=100000
export SILOQ_RATE_LIMITS__USER_PER_SECOND=100000
export SILOQ_RATE_LIMITS__USER_BURST=100000
export SILOQ_RATE_LIMITS__REGISTER_PER_IP_PER_HOUR=100000
export SILOQ_RATE_LIMITS__VERIFY_PER_IP_PER_MINUTE=100000
export SILOQ_RATE_LIMITS__REFRESH_PER_IP_PER_MINUTE=100000
export SILOQ_AUTH__LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=100000
export SILOQ_LOG__LEVEL=warn
"$TARGET/debug/siloq" serve > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

for _ in $(seq 1 240); do
    curl -fsS "$BASE/readyz" > /dev/null 2>&1 && break
    sleep 0.5
done
curl -fsS "$BASE/readyz" > /dev/null

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
TOKEN=$(curl -fsS -X POST "$BASE/api/v1/auth/register/" -H 'content-type: application/json' \
    -d '{"email":"fuzz@example.com","password":"fuzz-password-123","name":"Fuzz"}' | json "['access']")
SITE=$(curl -fsS -X POST "$BASE/api/v1/sites/" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"name":"Fuzz","url":"https://fuzz.example"}' | json "['id']")
KEY=$(curl -fsS -X POST "$BASE/api/v1/api-keys/" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"site_id\":$SITE,\"name\":\"fuzz\"}" | json "['key']['key']")
curl -fsS -X POST "$BASE/api/v1/pages/sync/" -H "x-api-key: $KEY" -H 'content-type: application/json' \
    -d '{"wp_post_id":1,"url":"https://fuzz.example/a/","title":"A page","content":"<h1>A</h1><p>Text.</p>"}' > /dev/null

COMMON=(--url "$BASE" --checks not_a_server_error --max-examples "$EXAMPLES" --seed 8 --no-color
        --workers 2 --generation-database none --suppress-health-check all --request-timeout 40)
status=0
# schemathesis keeps state in ./.schemathesis: run it from the scratch directory.
cd "$WORK"
{
    echo "schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}') against Siloq $(git -C "$ROOT" rev-parse --short HEAD) on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "check: not_a_server_error; max examples per operation: $EXAMPLES; seed 8"
    echo
    echo "=== pass 1: site-key routes (X-API-Key) ==="
} > "$SUMMARY"
"$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" "${COMMON[@]}" \
    --include-path-regex '^/api/v1/(pages/sync|pages/\{id\}/seo-data|auth/verify)/$' \
    -H "X-API-Key: $KEY" > "$WORK/pass1.txt" 2>&1 || status=1
{
    sed -n '/SUMMARY/,$p' "$WORK/pass1.txt"
    echo
    echo "=== pass 2: every other operation (JWT) ==="
} >> "$SUMMARY"
"$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" "${COMMON[@]}" \
    --exclude-path-regex '^/api/v1/(pages/sync|pages/\{id\}/seo-data|auth/verify|auth/logout)/$' \
    -H "Authorization: Bearer $TOKEN" > "$WORK/pass2.txt" 2>&1 || status=1
sed -n '/SUMMARY/,$p' "$WORK/pass2.txt" >> "$SUMMARY"
if grep -q ' 5[0-9][0-9] ' "$WORK/server.log"; then
    echo "server log mentions 5xx answers:" >> "$SUMMARY"
    grep ' 5[0-9][0-9] ' "$WORK/server.log" | head -20 >> "$SUMMARY"
fi
cat "$SUMMARY"
if [ "$status" -ne 0 ]; then
    echo "full output of the failing pass:"
    cat "$WORK/pass1.txt" "$WORK/pass2.txt" | tail -200
fi
exit "$status"
