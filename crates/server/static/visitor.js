// Tessera visitor app: registers the service worker that keeps the pages
// for offline use, says when the phone is offline, and keeps a new
// account's session after signing up.
(() => {
  'use strict';
  const $ = (sel, root = document) => root.querySelector(sel);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app' }).catch(() => {});
  }
  // Offline: the page came from the kept copy; the pass in it still holds
  // until the time it shows.
  const banner = $('#offline-note');
  const showOffline = (off) => { if (banner) banner.hidden = !off; };
  if (banner) {
    fetch('/healthz', { cache: 'no-store' }).then(() => showOffline(false), () => showOffline(true));
    window.addEventListener('offline', () => showOffline(true));
    window.addEventListener('online', () => showOffline(false));
  }
  // Signing out also forgets the kept pages.
  document.querySelectorAll('form[action="/logout"]').forEach((f) => {
    f.addEventListener('submit', () => {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage('forget');
    });
  });
})();
