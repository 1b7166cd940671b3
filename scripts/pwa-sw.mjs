#!/usr/bin/env node
// Trunk post-build step (scripts/post-build.mjs): writes the service worker into the staging directory with
// the list of files to precache (the content-hashed wasm, JS and CSS, the icons and the manifest)
// and a version derived from their contents, so every build that changes any of them installs a
// new worker (which drops the old cache).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run by Trunk as a post_build hook (TRUNK_STAGING_DIR unset)');
const files = readdirSync(staging).filter((f) => /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$|\.png$|\.webmanifest$/.test(f));
const assets = files.sort().map((f) => '/' + f);
const hash = createHash('sha256');
for (const f of files.sort()) hash.update(f).update(readFileSync(join(staging, f)));
const version = 'pocket-' + hash.digest('hex').slice(0, 16);
// The screens' own wasm modules are not precached: a first visit downloads only what it uses
// (the 250,000 B budget covers everything it downloads). They are cached when first opened, and
// all of them when the installed app starts (app/pwa/sw.js).
const onDemand = assets.filter((a) => a.startsWith('/lazy-'));
const precache = assets.filter((a) => !a.startsWith('/lazy-'));
const template = readFileSync(new URL('../app/pwa/sw.js', import.meta.url), 'utf8');
const sw = template.replace("'__VERSION__'", JSON.stringify(version))
  .replace('__PRECACHE__', JSON.stringify(precache))
  .replace('__ON_DEMAND__', JSON.stringify(onDemand));
writeFileSync(join(staging, 'sw.js'), sw);
console.log(`sw.js: ${precache.length} files precached, ${onDemand.length} on demand, ${version}`);
