// Service worker for the media coding form. It keeps the form page and its script so that
// the form opens without a network after one visit; the coded items themselves stay on the
// device until a team member uploads them (never queued here) or downloads them as CSV.
const CACHE = "psephos-media-v2";

self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (ev) => { ev.waitUntil(self.clients.claim()); });

function cacheable(url) {
  return url.pathname.startsWith("/static/") ||
    (url.pathname.startsWith("/media/") && url.pathname.endsWith("/code/"));
}

self.addEventListener("fetch", (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== "GET" || url.origin !== self.location.origin || !cacheable(url)) return;
  // Network first, the cached copy when offline.
  ev.respondWith((async () => {
    try {
      const resp = await fetch(ev.request);
      if (resp.ok) (await caches.open(CACHE)).put(ev.request, resp.clone());
      return resp;
    } catch (e) {
      const hit = await caches.match(ev.request, { ignoreSearch: true });
      return hit || Response.error();
    }
  })());
});
