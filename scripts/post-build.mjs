#!/usr/bin/env node
// Trunk's post-build hook (Trunk.toml). Trunk starts a stage's hooks at the same time, so the steps
// that depend on each other run here, in order: one stylesheet first, then the service worker's
// list of files to precache. The screens' on-demand wasm modules are placed before that list is
// made.
await import('./merge-css.mjs');
await import('./split-chunks.mjs');
await import('./pwa-sw.mjs');
