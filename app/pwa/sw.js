// The app's service worker (a template: scripts/pwa-sw.mjs fills in VERSION, PRECACHE and
// ON_DEMAND after each Trunk build and writes dist/sw.js).
//
// - The content-hashed shell (wasm, JS, CSS), the icons and the manifest are precached and
//   served cache-first: a returning visit starts the app without downloading it again. That is
//   exactly what a first visit downloads anyway (README, "Size budget").
// - The screens' own wasm modules (`lazy-*.wasm`) are cached when a screen first needs one and
//   served cache-first from then on. The installed app (started from the manifest's start_url,
//   `/?launch=installed`) caches all of them, so it opens every screen offline; a visit in a
//   browser tab never downloads a module it does not use.
// - Pages (navigations) go to the network first: the HTML of a signed-in visit carries that
//   person's bootstrap data and is never stored. Offline, the static shell (fetched without
//   cookies, so it holds no account data) is served instead, and the app says it is offline.
// - `/auth/*` and `/api/*` are never intercepted, so account data and session calls never
//   reach a cache.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const ON_DEMAND = __ON_DEMAND__;
const SHELL = '/?offline-shell';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(VERSION);
    await cache.addAll(PRECACHE);
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

/** Caches every screen module not cached yet (the installed app, for offline use). */
async function cacheAllModules() {
  const cache = await caches.open(VERSION);
  for (const path of ON_DEMAND) {
    if (await cache.match(path)) continue;
    try {
      const response = await fetch(path);
      if (response.ok) await cache.put(path, response);
    } catch {
      return; // offline again: the next start tries the rest
    }
  }
}

/** A module from the cache, else from the network (and then cached). */
async function module(request, path) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(path);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(path, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/auth/') || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    if (url.pathname === '/' && url.searchParams.get('launch') === 'installed') {
      event.waitUntil(cacheAllModules());
    }
    // The callback must reach the network (it carries the code); so must every page.
    event.respondWith(fetch(request).catch(async () =>
      (await caches.match(SHELL, { cacheName: VERSION })) ?? Response.error()));
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith((async () =>
      (await caches.match(url.pathname, { cacheName: VERSION })) ?? fetch(request))());
  } else if (ON_DEMAND.includes(url.pathname)) {
    event.respondWith(module(request, url.pathname));
  }
});
