#!/usr/bin/env bash
# Runs every test from a clean clone: checks citations, installs tools (idempotent), lints, unit
# and integration tests, builds the release bundle, prints the size report, starts the simulator +
# worker on test ports and runs the black-box worker tests and the headless-Chromium end-to-end
# tests, then the third-party SDK suite (e2e/sdk/run.sh, its own simulator).
set -euo pipefail
SCRIPT_NAME=test
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

APP_PORT="${TEST_APP_PORT:-8797}"   # not the run.sh ports, so a running demo doesn't interfere
SIM_PORT="${TEST_SIM_PORT:-7898}"
OUT="$ROOT/test-output"; rm -rf "$OUT"; mkdir -p "$OUT"
LOG_DIR="$OUT/logs"; mkdir -p "$LOG_DIR"
start_time=$(date +%s)
step() { say "$* ($(( $(date +%s) - start_time ))s)"; }

step "citations point into the repository (scripts/check-citations.sh)"
bash "$ROOT/scripts/check-citations.sh"

step "setup"
bash "$ROOT/scripts/setup.sh"

step "format and lints"
cargo fmt --all -- --check
cargo clippy -q --all-targets -p pocket-shared -p pocket-sim -p pocket-contract -p pocket-worker -p pocket-app -- -D warnings
cargo clippy -q --target wasm32-unknown-unknown -p pocket-shared -p pocket-app -p pocket-worker -- -D warnings

step "unit and integration tests (cargo test)"
cargo test -q -p pocket-shared -p pocket-sim -p pocket-contract -p pocket-worker -p pocket-app 2>&1 | tee "$LOG_DIR/cargo-test.log"

step "release build"
build_app
build_simulator

step "size report"
bash "$ROOT/scripts/size-report.sh" | tee "$OUT/size-report.txt"

step "end-to-end: simulator + worker + headless Chromium"
# e2e.sh takes the secrets from a throw-away file in test-output/, never the developer's .dev.vars.
TEST_APP_PORT="$APP_PORT" TEST_SIM_PORT="$SIM_PORT" E2E_OUT="$OUT" LIGHTHOUSE=1 bash "$ROOT/scripts/e2e.sh"

step "third-party SDKs: the official JS SDK and tastyware's Python SDK against the simulator"
SDK_LOG_DIR="$LOG_DIR" bash "$ROOT/e2e/sdk/run.sh" 2>&1 | tee "$LOG_DIR/sdk.log"

step "all tests passed; screenshots in test-output/screenshots"
