#!/usr/bin/env bash
# Runs end-to-end test files against a fresh simulator + worker on the test ports, without the
# rest of scripts/test.sh. Usage: scripts/e2e.sh [e2e/file.test.mjs …] (default: e2e/*.test.mjs).
# Expects a release build (dist/ and target/release/pocket-sim); pass --build to make one first.
set -euo pipefail
SCRIPT_NAME=e2e
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

APP_PORT="${TEST_APP_PORT:-8797}"
SIM_PORT="${TEST_SIM_PORT:-7898}"
# A second worker with lifetimes and timeouts short enough to watch them end (simulator only).
SHORT_PORT=$((APP_PORT + 1))
OUT="${E2E_OUT:-$ROOT/test-output}"; mkdir -p "$OUT"
LOG_DIR="$OUT/logs"; mkdir -p "$LOG_DIR"

if [ "${1:-}" = "--build" ]; then shift; build_app; build_simulator; fi
# e2e/market.test.mjs reads the feed itself: Node 22 has a global WebSocket, Node 20 behind a flag.
NODE_WS=(); node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || NODE_WS=(--experimental-websocket)
files=("$@"); [ ${#files[@]} -gt 0 ] || files=(e2e/*.test.mjs)  # not e2e/sdk/: run.sh runs it

TEST_VARS="$OUT/test.dev.vars"
ensure_dev_vars "$TEST_VARS"
trap stop_servers EXIT
# A frozen market (every REST figure equals its fixture); a test that needs prices to move uses
# the /sim/market hooks (tick-rate, step, pin).
start_simulator "$SIM_PORT" "$APP_PORT" --redirect-uri "http://localhost:$SHORT_PORT/callback" \
  --ticks-per-sec 0
rm -rf "$OUT/wrangler-state" "$OUT/wrangler-state-short"
start_worker "$APP_PORT" "$SIM_PORT" --env-file "$TEST_VARS" --persist-to "$OUT/wrangler-state"
WORKER_LOG=worker-short.log start_worker "$SHORT_PORT" "$SIM_PORT" --env-file "$TEST_VARS" \
  --persist-to "$OUT/wrangler-state-short" --inspector-port $((SHORT_PORT + 1000)) \
  --var SESSION_IDLE_SECS:3 --var SESSION_MAX_SECS:6 --var UPSTREAM_TIMEOUT_MS:1500
APP_URL="http://localhost:$APP_PORT" SIM_URL="http://127.0.0.1:$SIM_PORT" \
  SHORT_APP_URL="http://localhost:$SHORT_PORT" \
  SCREENSHOT_DIR="$OUT/screenshots" DEMO_CLIENT_SECRET="$DEMO_CLIENT_SECRET" \
  WRANGLER_STATE="$OUT/wrangler-state" \
  node "${NODE_WS[@]}" --test --test-concurrency=1 --test-reporter=spec "${files[@]}" 2>&1 | tee "$LOG_DIR/e2e.log"

# A report, not a test (LIGHTHOUSE=1, as scripts/test.sh sets it): Lighthouse on the running servers.
if [ "${LIGHTHOUSE:-0}" = 1 ]; then
  APP_URL="http://localhost:$APP_PORT" SIM_URL="http://127.0.0.1:$SIM_PORT" \
    DEMO_CLIENT_SECRET="$DEMO_CLIENT_SECRET" node e2e/bench/lighthouse.mjs 2>&1 | tee "$OUT/lighthouse.txt"
  APP_URL="http://localhost:$APP_PORT" SIM_URL="http://127.0.0.1:$SIM_PORT" BENCH_SECONDS=8 \
    DEMO_CLIENT_SECRET="$DEMO_CLIENT_SECRET" node e2e/bench/stream-load.mjs 2>&1 | tee "$OUT/stream-load.txt"
fi
