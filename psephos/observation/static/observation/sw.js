// Service worker for the observer's checklist. It caches the form page for offline use and
// queues checklist submissions in IndexedDB when the network is down, replaying them when it
// returns. Replays are safe: the server treats a repeated client id as the same submission.
const CACHE = "psephos-observation-v1";
const API = "/api/v1/observation/submissions";

self.addEventListener("install", (ev) => { self.skipWaiting(); });
self.addEventListener("activate", (ev) => { ev.waitUntil(self.clients.claim()); });

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open("psephos-observation", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("queue", { autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction("queue", mode);
    const out = fn(t.objectStore("queue"));
    t.oncomplete = () => resolve(out && out.result !== undefined ? out.result : out);
    t.onerror = () => reject(t.error);
  });
}

async function queued() {
  const d = await db();
  return new Promise((resolve) => {
    const items = [];
    const req = d.transaction("queue").objectStore("queue").openCursor();
    req.onsuccess = () => {
      const c = req.result;
      if (c) { items.push([c.key, c.value]); c.continue(); } else resolve(items);
    };
  });
}

async function tell() {
  const n = (await queued()).length;
  for (const c of await self.clients.matchAll()) c.postMessage({ queued: n });
}

let flushing = null;
async function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    for (const [key, item] of await queued()) {
      try {
        const resp = await fetch(API, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": item.csrf },
          body: item.body,
        });
        if (resp.status >= 500) break;  // try again later
        await tx("readwrite", (s) => s.delete(key));
      } catch (e) {
        break;  // still offline
      }
    }
    await tell();
  })().finally(() => { flushing = null; });
  return flushing;
}

self.addEventListener("message", (ev) => { if (ev.data === "flush") ev.waitUntil(flush()); });
self.addEventListener("sync", (ev) => { if (ev.tag === "flush") ev.waitUntil(flush()); });

self.addEventListener("fetch", (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method === "POST" && url.pathname === API) {
    ev.respondWith((async () => {
      const body = await ev.request.clone().text();
      try {
        const resp = await fetch(ev.request);
        flush();
        return resp;
      } catch (e) {
        await tx("readwrite", (s) => s.add({ body, csrf: ev.request.headers.get("X-CSRFToken") }));
        await tell();
        return new Response(JSON.stringify({ queued: true }), {
          status: 202, headers: { "Content-Type": "application/json" },
        });
      }
    })());
    return;
  }
  if (ev.request.method === "GET" && (url.pathname.startsWith("/observation/form") || url.pathname.startsWith("/static/"))) {
    // Network first, cache as fallback, so the form opens offline after one visit.
    ev.respondWith((async () => {
      try {
        const resp = await fetch(ev.request);
        const cache = await caches.open(CACHE);
        cache.put(ev.request, resp.clone());
        return resp;
      } catch (e) {
        const hit = await caches.match(ev.request);
        return hit || Response.error();
      }
    })());
  }
});
