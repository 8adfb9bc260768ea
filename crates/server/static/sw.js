// Tessera visitor app: network first, the last good copy when offline, so
// "My tickets" and a ticket's pass (drawn into its page) open without a
// connection until the pass expires. Only the app's pages and the static
// files are kept; the API always goes to the network.
'use strict';
const CACHE = 'tessera-app-v1';

self.addEventListener('install', (event) => { self.skipWaiting(); });
self.addEventListener('activate', (event) => { event.waitUntil(self.clients.claim()); });

const kept = (url) => url.origin === self.location.origin &&
  (url.pathname === '/app' || url.pathname.startsWith('/app/') || url.pathname.startsWith('/static/'));

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || !kept(url)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const res = await fetch(req);
      // Only a page the visitor was let into (not a sign-in redirect).
      if (res.ok && !res.redirected) await cache.put(req, res.clone());
      return res;
    } catch (e) {
      const hit = await cache.match(req, { ignoreSearch: url.pathname.startsWith('/static/') });
      if (hit) return hit;
      throw e;
    }
  })());
});

// Signing out forgets every kept page.
self.addEventListener('message', (event) => {
  if (event.data === 'forget') event.waitUntil(caches.delete(CACHE));
});
