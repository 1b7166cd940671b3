#!/usr/bin/env bash
# Prints the release bundle sizes (raw and brotli) against the first-visit budget, the 20 largest
# contributors to the app's wasm (twiggy), and the worker's upload size from an offline
# `wrangler deploy --dry-run`. Exits non-zero when over budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

# Bytes, brotli -q 11: everything a first visit downloads. That is every file in dist/ (the
# HTML, the JS glue and the split loader, the main wasm, the CSS, the icons, the manifest and
# sw.js) except the screens' on-demand wasm modules (`lazy-*.wasm`, split out of the app's
# wasm by scripts/trunk-bin/wasm-bindgen): they download when a screen that needs them is
# first opened (the service worker caches them then, and all of them only when the installed
# app starts), so they are listed apart. e2e/browser.test.mjs checks that the page fetches
# nothing else, and the check below that the service worker precaches nothing else.
BUDGET=250000
[ -f dist/index.html ] || { echo "dist/ missing: run trunk build --release first" >&2; exit 1; }

row() { printf '  %-52s %10s %10s\n' "$@"; }
sizes() { # prints the rows of the files on stdin; sets raw/br to their totals
  raw=0; br=0
  while IFS= read -r f; do
    local r b
    r=$(stat -c %s "$f"); b=$(brotli -c -q 11 "$f" | wc -c)
    raw=$((raw + r)); br=$((br + b))
    row "${f#dist/}" "$r" "$b"
  done
}

echo "Release bundle (dist/), first visit:"
row file raw brotli
sizes < <(find dist -type f ! -name '*.map' ! -name 'lazy-*.wasm' | sort)
total_raw=$raw; total_br=$br
printf '  %-52s %10d %10d   (budget %d brotli: %s)\n' TOTAL "$total_raw" "$total_br" "$BUDGET" \
  "$([ "$total_br" -le "$BUDGET" ] && echo within || echo OVER)"

# The service worker downloads its precache during the first visit too: it must be a subset of
# what the page loads (the files above), never a screen module.
precached=$(node -e '
  const sw = require("fs").readFileSync("dist/sw.js", "utf8");
  const list = JSON.parse(sw.match(/const PRECACHE = (\[.*?\]);/)[1]);
  console.log(list.join("\n"));')
extra=$(while IFS= read -r p; do
  case "$p" in /lazy-*) echo "$p";; *) [ -f "dist$p" ] || echo "$p (missing)";; esac
done <<< "$precached")
if [ -n "$extra" ]; then
  echo "  OVER: the service worker precaches files outside the first-visit set:" $extra
  total_br=$((BUDGET + 1))
else
  echo "  Service worker precache: $(wc -l <<< "$precached") files, all counted above (no screen module)"
fi

echo
echo "On demand (each screen's wasm module and the chunks screens share, downloaded when first needed):"
row file raw brotli
sizes < <(find dist -type f -name 'lazy-*.wasm' | sort)
row TOTAL "$raw" "$br"

# The shipped wasm has no names (wasm-opt drops them). Re-optimise Trunk's wasm-bindgen output the
# same way (-Oz) but keeping the name section (-g): the code is the shipped code within a few
# hundred bytes, with real (demangled) function names.
echo
echo "Largest contributors to the main wasm (twiggy top 20; wasm-opt -Oz -g of Trunk's wasm-bindgen output):"
bindgen_wasm="${CARGO_TARGET_DIR:-target}/wasm-bindgen/release/pocket-app_bg.wasm"
if ! command -v twiggy >/dev/null; then
  echo "  twiggy not installed (scripts/setup.sh installs it)"
elif [ ! -f "$bindgen_wasm" ]; then
  echo "  $bindgen_wasm missing: run trunk build --release first"
else
  mkdir -p build/size
  named=build/size/pocket-app.names.wasm
  wasm-opt -Oz -g "$bindgen_wasm" -o "$named"
  # CSV rows: Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent. Names may
  # hold commas and doubled quotes, so the numbers are taken from the right.
  twiggy top -n 60 -f csv "$named" | awk -v total="$(stat -c %s "$named")" '
    NR == 1 { next }
    match($0, /,[0-9]+,[0-9.]+,[0-9.]*,[0-9.]*$/) {
      name = substr($0, 1, RSTART - 1); split(substr($0, RSTART + 1), f, ",")
      if (name ~ /^".*"$/) name = substr(name, 2, length(name) - 2)
      gsub(/""/, "\"", name)
      if (name ~ /subsection$|^custom section/) { names += f[1]; next }   # the names themselves
      sub(/::h[0-9a-f]+$/, "", name)                                       # symbol hash
      gsub(/\[[0-9a-f]+\]/, "", name)                                     # crate disambiguator
      n++; size[n] = f[1]; item[n] = name
    }
    END {
      code = total - names
      printf "  %8s  %6s  %s\n", "bytes", "code", "item"
      for (i = 1; i <= n && i <= 20; i++) printf "  %8d  %5.2f%%  %s\n", size[i], 100 * size[i] / code, item[i]
      printf "  (raw bytes, before brotli, of %d B of code and data)\n", code
    }'
fi

echo
echo "Worker upload (wrangler deploy --dry-run, offline):"
out=$(wrangler deploy --dry-run --outdir build/dry-run 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -E 'Total Upload' | sed 's/^/  /'
wasm=$(find build/dry-run -name '*.wasm' | head -1)
[ -n "$wasm" ] && printf '  worker wasm %s: %d raw, %d brotli\n' "${wasm#build/dry-run/}" "$(stat -c %s "$wasm")" "$(brotli -c -q 11 "$wasm" | wc -c)"

[ "$total_br" -le "$BUDGET" ]
