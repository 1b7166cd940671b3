#!/usr/bin/env node
// Trunk post-build step (scripts/post-build.mjs runs it before pwa-sw.mjs): joins the stylesheets Trunk emitted (the
// app's style.css, then each screen's own file, in the page's order) into one content-hashed
// file with its SRI hash, and points index.html at it. Each screen keeps its CSS in its own folder;
// the browser gets one request, and one brotli stream compresses better than five (measured:
// 7,236 -> 5,935 B brotli).
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run by Trunk as a post_build hook (TRUNK_STAGING_DIR unset)');
const indexPath = join(staging, 'index.html');
const html = readFileSync(indexPath, 'utf8');
// Trunk's (minified) stylesheet links: <link href=/x-<hash>.css integrity=sha384-… rel=stylesheet>
const link = /<link href="?\/([\w.-]+\.css)"? integrity="?sha384-[A-Za-z0-9+/=]+"? rel="?stylesheet"?>/g;
const links = [...html.matchAll(link)];
if (links.length < 2) {
  console.log(`merge-css: ${links.length} stylesheet(s), nothing to join`);
} else {
  const css = links.map(([, file]) => readFileSync(join(staging, file), 'utf8')).join('\n');
  const name = `style-${createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
  const sri = `sha384-${createHash('sha384').update(css).digest('base64')}`;
  writeFileSync(join(staging, name), css);
  for (const [, file] of links) rmSync(join(staging, file));
  let first = true;
  const page = html.replace(link, () => {
    if (!first) return '';
    first = false;
    return `<link href=/${name} integrity=${sri} rel=stylesheet>`;
  });
  writeFileSync(indexPath, page);
  console.log(`merge-css: ${links.length} stylesheets -> ${name} (${css.length} B)`);
}
