#!/usr/bin/env bash
# Load test of the plugin's connection check, POST /api/v1/auth/verify with a valid site key, against a release
# `siloq serve` on SQLite and on PostgreSQL. Reports requests/s and p99 latency per backend (wrk).
#
# Usage: scripts/bench-verify.sh [sqlite|postgres|both]
# Env:   DURATION (15s), CONNECTIONS (32), THREADS (2), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres),
#        CARGO_TARGET_DIR (target/), PORT (18080). Needs wrk, sqlite3, psql, openssl, sha256sum.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/siloq"
WHICH="${1:-both}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18080}"
PG_ADMIN="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

for tool in wrk sqlite3 psql openssl sha256sum curl; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
(cd "$ROOT" && cargo build --release -p siloq-kernel --quiet)

WORK="$(mktemp -d)"
SERVER_PID=""
PG_DB=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n "$PG_DB" ]]; then psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A fresh key in the documented format; only its SHA-256 goes into the database.
KEY="sk_siloq_$(openssl rand 32 | base64 | tr '+/' '-_' | tr -d '=\n')"
HASH="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)"
PREFIX="${KEY:0:16}..."
SEED_SQL="INSERT INTO users (email, password_hash, created_at, updated_at)
            VALUES ('bench@example.com', 'x', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
          INSERT INTO sites (user_id, name, url, url_normalized, created_at, updated_at)
            VALUES (1, 'Bench', 'https://bench.example', 'https://bench.example',
                    '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
          INSERT INTO api_keys (site_id, name, key_hash, key_prefix, created_at)
            VALUES (1, 'bench', '$HASH', '$PREFIX', '2026-01-01T00:00:00+00:00');"

cat > "$WORK/post.lua" <<'EOF'
wrk.method = "POST"
EOF

start_server() { # $1 = database url
  SILOQ_DATABASE__URL="$1" SECRET_KEY="bench-secret-0123456789abcdef0123456789abcdef" \
  SILOQ_SERVER__HOST=127.0.0.1 SILOQ_SERVER__PORT="$PORT" SILOQ_LOG__LEVEL=error \
  SILOQ_RATE_LIMITS__EXEMPT_IPS=127.0.0.1 SILOQ_RATE_LIMITS__KEY_PER_SECOND=0 \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not become ready:" >&2; cat "$WORK/server.log" >&2; exit 1
}

stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

run_wrk() { # $1 = label
  local url="http://127.0.0.1:$PORT/api/v1/auth/verify"
  local check
  check="$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KEY" "$url")"
  [[ "$check" == 200 ]] || { echo "$1: verify answered $check before the run" >&2; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post.lua" \
      -H "Authorization: Bearer $KEY" "$url" >"$WORK/wrk.txt"
  local rps p99 non2xx
  rps="$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")"
  p99="$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt")"
  printf '%-10s requests/s %-10s p99 %-8s non-2xx %s  (%s connections, %s threads, %s)\n' \
    "$1" "$rps" "$p99" "${non2xx:-0}" "$CONNECTIONS" "$THREADS" "$DURATION"
}

if [[ "$WHICH" == sqlite || "$WHICH" == both ]]; then
  DB_URL="sqlite://$WORK/bench.db"
  start_server "$DB_URL"   # migrates on start
  sqlite3 "$WORK/bench.db" "$SEED_SQL"
  run_wrk sqlite
  stop_server
fi

if [[ "$WHICH" == postgres || "$WHICH" == both ]]; then
  PG_DB="siloq_bench_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB" >/dev/null
  DB_URL="${PG_ADMIN%/*}/$PG_DB"
  start_server "$DB_URL"
  psql -q "$DB_URL" -c "$SEED_SQL" >/dev/null
  run_wrk postgres
  stop_server
fi
