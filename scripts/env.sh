# Sourced by every script: pinned versions and the settings that keep Trunk, worker-build and
# wrangler offline (they would otherwise try to download binaries, which fails on these machines).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# scripts/trunk-bin first: Trunk's wasm-bindgen there splits the app's wasm before binding it.
export PATH="$ROOT/scripts/trunk-bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
WORKER_BUILD_VERSION=0.8.7
WASM_SPLIT_VERSION=0.2.4

export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_HIDE_BANNER=true
export CHROMIUM_BIN=/usr/bin/chromium
