#!/usr/bin/env bash
# Installs every tool the project needs, idempotently: what is present at the pinned version is
# skipped. Safe to run on every start; a cold run takes ~15 min on 2 cores (mostly cargo install).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# Debian packages: headless Chromium for the browser tests, brotli for the size report.
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v brotli >/dev/null || need_apt+=(brotli)
# python3 with venv for the Python SDK of the third-party SDK suite (e2e/sdk/).
command -v python3 >/dev/null || need_apt+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Rust targets.
rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

# Cargo-installed tools, at exactly the versions that work together here.
have_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -q "$2"; }
if ! have_version trunk "$TRUNK_VERSION"; then
  say "cargo install trunk $TRUNK_VERSION (~7 min cold)"
  cargo install --locked --quiet trunk --version "$TRUNK_VERSION"
fi
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  # Without --locked: that is the combination verified to build on this toolchain.
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! have_version worker-build "$WORKER_BUILD_VERSION"; then
  say "cargo install worker-build $WORKER_BUILD_VERSION"
  cargo install --locked --quiet worker-build --version "$WORKER_BUILD_VERSION"
fi

# wasm-split-cli: splits the app's wasm into the main module and the screens' on-demand modules
# (scripts/trunk-bin/wasm-bindgen). It has no --version flag: cargo's list of installed crates says.
if [[ "$(cargo install --list)" != *"wasm_split_cli_support v$WASM_SPLIT_VERSION:"* ]]; then
  say "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (~2 min)"
  cargo install --locked --quiet wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

# twiggy: the size report's list of the largest functions in the app's wasm.
TWIGGY_VERSION=0.8.0
if ! have_version twiggy "$TWIGGY_VERSION"; then
  say "cargo install twiggy $TWIGGY_VERSION (~1 min)"
  cargo install --locked --quiet twiggy --version "$TWIGGY_VERSION"
fi

# npm tools (wrangler + workerd, wasm-opt 132, esbuild, playwright-core, the official tastytrade
# JS SDK for e2e/sdk/), pinned by package-lock.json.
if [ ! -x node_modules/.bin/wrangler ] || [ ! -x node_modules/.bin/wasm-opt ] \
   || [ ! -f node_modules/@tastytrade/api/package.json ] \
   || [ ! -f node_modules/lighthouse/package.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm install (wrangler, binaryen, esbuild, playwright-core, @axe-core/playwright, @tastytrade/api, lighthouse)"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi

# tastyware's Python SDK for the third-party SDK suite (e2e/sdk/), in a git-ignored venv.
PY_SDK_VERSION=13.2.3
PY_SDK="$ROOT/.tools/py-sdk"
if ! "$PY_SDK/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('tastytrade') != '$PY_SDK_VERSION')" 2>/dev/null; then
  say "python venv .tools/py-sdk with tastytrade $PY_SDK_VERSION"
  "$PY_SDK/bin/python" -c '' 2>/dev/null || python3 -m venv --clear "$PY_SDK"
  "$PY_SDK/bin/python" -m pip install --quiet --disable-pip-version-check "tastytrade==$PY_SDK_VERSION"
fi

# Crates for offline builds (Trunk passes --offline to cargo).
cargo fetch --quiet
say "tools ready"
