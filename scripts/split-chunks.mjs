#!/usr/bin/env node
// Trunk post-build step (scripts/post-build.mjs): puts the screens' on-demand wasm modules in
// the staging directory. Trunk's wasm-bindgen (scripts/trunk-bin/wasm-bindgen) split the app's
// wasm first and left, in its output folder, the chunks and the loader `__wasm_split.js` that
// the main module imports. Here each chunk gets `wasm-opt -Oz` (Trunk only optimises the main
// module) and a content-hashed name `lazy-<module>-<hash>.wasm`; the loader gets the hashed
// names, imports the hashed main JS, and is itself hashed (`pocket-app-split-<hash>.js`); the
// main JS imports it under that name, so its SRI hash in index.html is computed anew, and
// index.html preloads the loader (a first visit needs it: the main JS imports it). Both JS files
// are minified here. Hashed names make every file immutable for caches (worker/src/headers.rs)
// and precached by the service worker (pwa-sw.mjs runs next).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run by Trunk as a post_build hook (TRUNK_STAGING_DIR unset)');
const root = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const targetDir = resolve(root, process.env.CARGO_TARGET_DIR ?? 'target');
const profile = process.env.TRUNK_PROFILE === 'release' ? 'release' : 'debug';
const splitDir = join(targetDir, 'wasm-bindgen', profile, 'wasm-split');
const wasmOpt = process.env.WASM_OPT_BIN ?? 'wasm-opt';
const LOADER = '__wasm_split.js';
if (!existsSync(join(splitDir, LOADER))) {
  throw new Error(`${splitDir}/${LOADER} missing: Trunk did not run scripts/trunk-bin/wasm-bindgen (source scripts/env.sh first)`);
}

// Trunk's JS minifier fails on the wasm-bindgen glue ("Failed to minify JS" in its log; it did
// before the split too) and never sees the loader: esbuild minifies both (measured: 8,332 + 902
// -> 6,586 + 598 B brotli). Release builds only, as Trunk does.
const esbuild = process.env.ESBUILD_BIN ?? 'esbuild';
const minify = (js) => profile !== 'release' ? js : execFileSync(esbuild, ['--minify', '--format=esm', '--loader=js', '--log-level=error'], { input: js }).toString();
const hashOf = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
/**
 * Replaces every quoted (' or ") `from` in `text`, after `before` (a regex source), by `to`;
 * there must be some.
 */
function rename(text, from, to, where, before = '') {
  const quoted = new RegExp(`(${before}["'])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(["'])`, 'g');
  const count = (text.match(quoted) ?? []).length;
  if (count === 0) throw new Error(`${where}: no reference to ${from}`);
  return text.replace(quoted, `$1${to}$2`);
}

const mainJs = readdirSync(staging).find((f) => /^pocket-app-[0-9a-f]+\.js$/.test(f));
if (!mainJs) throw new Error('no pocket-app-<hash>.js in the staging directory');

let loader = readFileSync(join(splitDir, LOADER), 'utf8');
loader = rename(loader, './pocket-app.js', `./${mainJs}`, LOADER);
const chunks = readdirSync(splitDir).filter((f) => f.endsWith('.wasm') && f !== 'pocket-app.wasm').sort();
for (const chunk of chunks) {
  const stem = chunk.replace(/\.wasm$/, '');
  const optimized = join(splitDir, `${stem}.opt.wasm`);
  execFileSync(wasmOpt, ['-Oz', join(splitDir, chunk), '-o', optimized], { stdio: 'inherit' });
  const bytes = readFileSync(optimized);
  const name = `lazy-${stem.replaceAll('_', '-')}-${hashOf(bytes)}.wasm`;
  writeFileSync(join(staging, name), bytes);
  loader = rename(loader, `./${chunk}`, `./${name}`, LOADER);
  console.log(`split-chunks: ${name} (${bytes.length} B)`);
}
loader = minify(loader);
const loaderName = `pocket-app-split-${hashOf(loader)}.js`;
writeFileSync(join(staging, loaderName), loader);

const mainPath = join(staging, mainJs);
// The import specifiers only: the same name is also the key of the module's imports object
// (the wasm's import module name).
const main = minify(rename(readFileSync(mainPath, 'utf8'), `./${LOADER}`, `./${loaderName}`, mainJs, '\\bfrom\\s*'));
writeFileSync(mainPath, main);

const indexPath = join(staging, 'index.html');
const html = readFileSync(indexPath, 'utf8');
// Trunk's preload of the main JS (attributes in any order, quoted or not: a release build's
// HTML is minified), whose SRI hash is now the new file's; the loader's preload goes after it.
const integrity = /integrity="?sha384-[A-Za-z0-9+/=]+"?/;
let preloads = 0;
const page = html.replace(/<link\b[^>]*>/g, (tag) => {
  if (!/\bmodulepreload\b/.test(tag) || !new RegExp(`href="?/${mainJs.replaceAll('.', '\\.')}[" >]`).test(tag)) return tag;
  preloads++;
  if (!integrity.test(tag)) throw new Error(`index.html: the preload of ${mainJs} has no SRI hash`);
  return tag.replace(integrity, `integrity=${sri(main)}`)
    + `<link crossorigin href=/${loaderName} integrity=${sri(loader)} rel=modulepreload>`;
});
if (preloads !== 1) throw new Error(`index.html: expected one modulepreload link with SRI for ${mainJs}, found ${preloads}`);
writeFileSync(indexPath, page);
console.log(`split-chunks: ${chunks.length} chunk(s), loader ${loaderName}`);
