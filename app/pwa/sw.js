// The app's service worker (a template: scripts/pwa-sw.mjs fills in VERSION and ASSETS after each
// Trunk build and writes dist/sw.js).
//
// - The content-hashed shell (wasm, JS, CSS) and the icons are precached and served cache-first:
//   a returning visit starts the app without downloading it again.
// - Pages (navigations) go to the network first: the HTML of a signed-in visit carries that
//   person's bootstrap data and is never stored. Offline, the static shell (fetched without
//   cookies, so it holds no account data) is served instead, and the app says it is offline.
// - `/auth/*` and `/api/*` are never intercepted, so account data and session calls never
//   reach a cache.
const VERSION = '__VERSION__';
const ASSETS = __ASSETS__;
const SHELL = '/?offline-shell';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(VERSION);
    await cache.addAll(ASSETS);
    // Without cookies: the worker then serves the static shell, never a personal page.
    const shell = await fetch('/', { credentials: 'omit', cache: 'no-store' });
    if (shell.ok) await cache.put(SHELL, shell);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== VERSION) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/auth/') || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // The callback must reach the network (it carries the code); so must every page.
    event.respondWith(fetch(request).catch(async () =>
      (await caches.match(SHELL, { cacheName: VERSION })) ?? Response.error()));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith((async () =>
      (await caches.match(url.pathname, { cacheName: VERSION })) ?? fetch(request))());
  }
});
