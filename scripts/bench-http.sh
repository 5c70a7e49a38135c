#!/usr/bin/env bash
# Load figures for Siloq's hot routes, on SQLite and on PostgreSQL:
#   POST /api/v1/pages/sync   (16 concurrent clients, distinct pages)
#   GET  /api/v1/auth/verify  (16 concurrent clients, one valid key)
# Usage: scripts/bench-http.sh [seconds]   (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
cargo build --release -q -p siloq-kernel -p siloq-tests --bin siloq --bin siloq-load
BIN=target/release/siloq
LOAD=target/release/siloq-load
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

# Throughput, not throttling: the load comes from one address and one key, so the in-memory limits are lifted.
NO_LIMITS="SILOQ_RATE_LIMITS__EXEMPT_IPS=127.0.0.1 SILOQ_RATE_LIMITS__KEY_PER_SECOND=0 SILOQ_RATE_LIMITS__USER_PER_SECOND=0"

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

run_backend() {
  local name=$1 url=$2 port=$3
  echo "== $name"
  (cd "$WORK" && env $NO_LIMITS DATABASE_URL="$url" SECRET_KEY="bench-secret-bench-secret-bench-secret-0001" PORT=$port \
     SILOQ_LOG__LEVEL=error "$OLDPWD/$BIN" serve >"$WORK/$name.log" 2>&1 &)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  local base="http://127.0.0.1:$port/api/v1"
  local token
  token=$(curl -sf -X POST "$base/auth/register/" -H 'content-type: application/json' \
    -d "{\"email\":\"bench-$name@example.com\",\"password\":\"bench-password\",\"name\":\"Bench\"}" | json "['token']")
  local site
  site=$(curl -sf -X POST "$base/sites/" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"name":"Bench","url":"https://bench.example"}' | json "['id']")
  local key
  key=$(curl -sf -X POST "$base/api-keys/" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"name\":\"bench\",\"site_id\":$site}" | json "['key']['key']")
  local page='{"wp_post_id":{n},"url":"https://bench.example/p{n}/","title":"Drain cleaning {n}","content":"<h2>Why us</h2><p>We clean drains fast across the city. <a href=\"/contact/\">Contact us</a> today for a free quote and same-day service.</p><p>Our team has twenty years of experience with kitchen sinks, bathroom drains and main sewer lines.</p>","status":"publish","post_type":"page","meta":{"yoast_title":"Drain cleaning | Bench","yoast_description":"Fast, friendly drain cleaning with same-day service and upfront prices."}}'
  echo -n "pages/sync   "; "$LOAD" --url "$base/pages/sync/" --method POST --header "authorization: Bearer $key" \
      --body-template "$page" --concurrency 16 --seconds "$SECONDS_PER_RUN"
  echo -n "auth/verify  "; "$LOAD" --url "$base/auth/verify/" --method GET --header "authorization: Bearer $key" \
      --concurrency 16 --seconds "$SECONDS_PER_RUN"
  kill "$(pgrep -f "$BIN serve" | head -1)" 2>/dev/null || true
  sleep 1
}

run_backend sqlite "sqlite://$WORK/bench.db" 18081
DB="siloq_bench_$$"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
run_backend postgres "postgres://postgres@127.0.0.1:5432/$DB" 18082
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
