#!/usr/bin/env bash
# One command for a fresh machine: installs the tools, builds, starts the tastytrade simulator and
# the edge worker (which serves the app), and prints the URL to open. Ctrl-C stops everything.
set -euo pipefail
SCRIPT_NAME=run
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

APP_PORT="${APP_PORT:-8787}"
SIM_PORT="${SIM_PORT:-7878}"
LOG_DIR="$ROOT/build/logs"; mkdir -p "$LOG_DIR"

bash "$ROOT/scripts/setup.sh"
ensure_dev_vars "$ROOT/.dev.vars"
build_app
build_simulator

trap stop_servers EXIT INT TERM
start_simulator "$SIM_PORT" "$APP_PORT"
say "simulator up on http://127.0.0.1:$SIM_PORT (log: build/logs/simulator.log)"
say "starting the worker (first start compiles it, ~2 min)…"
start_worker "$APP_PORT" "$SIM_PORT"

cat <<MSG

  tastypocket is running (demo mode: the tastytrade simulator, no account needed)

    Open:            http://localhost:$APP_PORT
    Sign in as:      username demo, password demo  (on the simulator's tastytrade page)

    Simulator:       http://127.0.0.1:$SIM_PORT   (OAuth client id $DEMO_CLIENT_ID,
                     secret $DEMO_CLIENT_SECRET; mint a refresh token at /grants)
    Logs:            build/logs/{simulator,worker,trunk}.log

  Ctrl-C to stop.
MSG
wait "$WORKER_PID"
