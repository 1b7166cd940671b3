#!/usr/bin/env bash
# Comments and docs cite only what is in the repository (issue 5 §6). Fails, listing the lines, when
#  (a) a tracked file outside docs/ cites the research notes that live beside the project (they are
#      not in the repository: what the code relies on is written in docs/tastytrade.md instead), or
#  (b) a citation of docs/tastytrade.md or docs/contracts.md names a section number that has no
#      numbered heading (`## 6.` / `### 6.9 …`) in that document.
# Fast: git grep and one node pass over the files that name a doc; no build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed=0

# (a) The outside reference: its file names, its section citations, and "the reference". The
# fixtures' README may say where the fixtures were copied from.
OUTSIDE='shared reference|reference §|reference.s §|tastytrade-api\.md|streaming-and-trading|security-and-style|toolchain-and-edge|the reference'
if outside=$(git grep -nIiE "$OUTSIDE" -- . ':!docs/' ':!shared/tests/fixtures/README.md' \
  ':!scripts/check-citations.sh'); then
  echo "Citations of the outside reference (write the fact in docs/tastytrade.md and cite that):"
  echo "$outside"
  failed=1
fi

# (b) Section numbers cited in docs/tastytrade.md and docs/contracts.md must exist there.
mapfile -t citing < <(git grep -lIE '(tastytrade|contracts)\.md|§' -- . ':!scripts/check-citations.sh')
node - "${citing[@]}" <<'JS' || failed=1
const fs = require('fs');
const DOCS = ['docs/tastytrade.md', 'docs/contracts.md'];
// Numbered headings: "## 6. Endpoints", "### 6.9 Market data" -> "6", "6.9".
const sections = {};
for (const doc of DOCS) {
  sections[doc] = new Set();
  for (const line of fs.readFileSync(doc, 'utf8').split('\n')) {
    const m = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (m) sections[doc].add(m[1]);
  }
}
// On a line, a § number belongs to the last document named before it, until `)`, `;` or the end of
// a sentence. Inside docs/tastytrade.md a bare § is the doc's own. A doc name at the end of a line
// carries over to the next (wrapped comments). Other names (RFCs, READMEs, issues) cite elsewhere.
const TOKEN = /(?:docs\/)?(tastytrade|contracts)\.md|([\w.\/-]+\.md|\bRFC\s*\d+|\b(?:issue|reference)\b)|[);]|\.(?=\s|$)|§\s*(\d+(?:\.\d+)*)(?:\s*[–-]\s*§?\s*(\d+(?:\.\d+)*))?/gi;
const bad = [];
for (const file of process.argv.slice(2)) {
  const own = file === 'docs/tastytrade.md' ? file : null;
  let carried = null;
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    let target = carried ?? own;
    carried = null;
    let lastEnd = 0;
    for (const m of line.matchAll(TOKEN)) {
      lastEnd = m.index + m[0].length;
      if (m[1]) target = `docs/${m[1].toLowerCase()}.md`;
      else if (m[2]) target = null;
      else if (m[0].startsWith('§')) {
        for (const n of [m[3], m[4]]) {
          if (n && target && !sections[target].has(n)) bad.push(`${file}:${i + 1}: ${target} has no §${n}: ${line.trim()}`);
        }
      } else target = own;
    }
    if (target && target !== own && /^[`\s]*$/.test(line.slice(lastEnd))) carried = target;
  });
}
if (bad.length) {
  console.log('Citations of sections that do not exist (docs/tastytrade.md numbers its headings):');
  console.log(bad.join('\n'));
  process.exit(1);
}
JS

if [ "$failed" = 0 ]; then echo "citations: all point into the repository and name existing sections"; fi
exit "$failed"
