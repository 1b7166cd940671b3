#!/usr/bin/env bash
# Prints the release bundle sizes (raw and brotli) against the first-load budget, and the worker's
# upload size from an offline `wrangler deploy --dry-run`. Exits non-zero when over budget.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

BUDGET=250000   # bytes: everything a first visit downloads (wasm, JS, CSS, HTML), brotli
[ -f dist/index.html ] || { echo "dist/ missing: run trunk build --release first" >&2; exit 1; }

echo "Release bundle (dist/), first page load:"
printf '  %-44s %10s %10s\n' file raw brotli
total_raw=0; total_br=0
while IFS= read -r f; do
  raw=$(stat -c %s "$f"); br=$(brotli -c -q 11 "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_br=$((total_br + br))
  printf '  %-44s %10d %10d\n' "${f#dist/}" "$raw" "$br"
done < <(find dist -maxdepth 1 -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name 'index.html' \) | sort)
printf '  %-44s %10d %10d   (budget %d brotli: %s)\n' TOTAL "$total_raw" "$total_br" "$BUDGET" \
  "$([ "$total_br" -le "$BUDGET" ] && echo within || echo OVER)"

echo
echo "Worker upload (wrangler deploy --dry-run, offline):"
out=$(wrangler deploy --dry-run --outdir build/dry-run 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -E 'Total Upload' | sed 's/^/  /'
wasm=$(find build/dry-run -name '*.wasm' | head -1)
[ -n "$wasm" ] && printf '  worker wasm %s: %d raw, %d brotli\n' "${wasm#build/dry-run/}" "$(stat -c %s "$wasm")" "$(brotli -c -q 11 "$wasm" | wc -c)"

[ "$total_br" -le "$BUDGET" ]
