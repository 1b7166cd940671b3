#!/usr/bin/env bash
# Third-party SDK compatibility suite: the official JS SDK (@tastytrade/api) and tastyware's
# Python SDK (tastytrade) against a simulator of its own, with only their base URL changed.
# Needs what scripts/setup.sh installs (node_modules, .tools/py-sdk). Builds the simulator if
# the release binary is missing. Usage: bash e2e/sdk/run.sh (SDK_SIM_PORT to pick a port).
# The market is frozen (--ticks-per-sec 0) so REST values equal the fixtures; the streaming
# tests move it with the step hook.
set -euo pipefail
SCRIPT_NAME=sdk
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$ROOT"

PY="$ROOT/.tools/py-sdk/bin/python"
[ -x "$PY" ] || die "no $PY: run scripts/setup.sh"
[ -d node_modules/@tastytrade/api ] || die "no node_modules/@tastytrade/api: run scripts/setup.sh"
SIM_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/pocket-sim"
[ -x "$SIM_BIN" ] || build_simulator

LOG_DIR="${SDK_LOG_DIR:-$ROOT/test-output/logs}"; mkdir -p "$LOG_DIR"
PORT="${SDK_SIM_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
SIM_URL="http://127.0.0.1:$PORT"

start=$(date +%s)
trap stop_servers EXIT
setsid "$SIM_BIN" --port "$PORT" --quiet --ticks-per-sec 0 >"$LOG_DIR/sdk-simulator.log" 2>&1 &
SIM_PID=$!
wait_for "$SIM_URL/sim/stats" 30 || { cat "$LOG_DIR/sdk-simulator.log"; die "simulator did not start on $PORT"; }
kill -0 "$SIM_PID" 2>/dev/null || { cat "$LOG_DIR/sdk-simulator.log"; die "port $PORT is taken by another process"; }
say "simulator on $SIM_URL"

failed=()
say "JS SDK @tastytrade/api $(node -p 'require("./node_modules/@tastytrade/api/package.json").version')"
# The SDK's streamer needs a global WebSocket: Node 22 has one, Node 20 behind a flag.
NODE_WS=(); node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || NODE_WS=(--experimental-websocket)
# --test-force-exit: the SDK cannot close its DXLink socket (QuoteStreamer.disconnect keeps it).
SDK_SIM_URL="$SIM_URL" DEMO_CLIENT_SECRET="$DEMO_CLIENT_SECRET" \
  node "${NODE_WS[@]}" --test --test-force-exit --test-reporter=spec e2e/sdk/js-sdk.test.mjs || failed+=(js)
say "Python SDK tastytrade $("$PY" -c 'import tastytrade; print(tastytrade.__version__)')"
SDK_SIM_URL="$SIM_URL" DEMO_CLIENT_SECRET="$DEMO_CLIENT_SECRET" \
  "$PY" e2e/sdk/python_sdk_test.py || failed+=(python)
# Our own DXLink client (app/src/stream, compiled natively) on the same simulator: handshake,
# every event kind, resubscription without duplicates after a dropped socket, stale, bad tokens.
say "the app's DXLink client (app/src/stream/e2e.rs)"
POCKET_SIM_URL="$SIM_URL" cargo test -q -p pocket-app stream::e2e -- --test-threads=1 \
  || failed+=(app-dxlink)

elapsed=$(( $(date +%s) - start ))
[ ${#failed[@]} -eq 0 ] || die "SDK suite failed: ${failed[*]} (${elapsed}s)"
say "both SDKs and the app's DXLink client pass against the simulator (${elapsed}s)"
