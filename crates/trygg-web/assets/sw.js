// trygg's service worker: keeps the report form, a safety walk's phone page (once opened) and
// their assets available offline.
// Pages are fetched from the network first (so they are current) and fall back to the cached
// copy; assets are served from the cache first. Reports written offline are queued by est.js
// in localStorage, a walk's findings by walk.js in IndexedDB, and sent when the phone is back
// online.
// The server fills in the assets' fingerprint, so a new deployment gets a new cache.
const CACHE = "trygg-ASSETS_VERSION";
const SHELL = [
  "/rapportera",
  "/assets/app.css",
  "/assets/nav.js",
  "/assets/est.js",
  "/assets/walk.js",
  "/assets/icon.svg",
  "/assets/vendor/leaflet/leaflet.js",
  "/assets/vendor/leaflet/leaflet.css",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((c) => Promise.all(SHELL.map((u) => c.add(u).catch(() => null))))
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
  );
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (url.pathname.startsWith("/assets/")) {
    event.respondWith(
      caches.match(req).then((hit) => hit || fetch(req).then((res) => {
        if (res.ok) caches.open(CACHE).then((c) => c.put(req, res.clone()));
        return res;
      }))
    );
    return;
  }
  if (url.pathname === "/rapportera" || url.pathname === "/mina-rapporter" || /^\/trygghetsvandringar\/\d+\/vandra$/.test(url.pathname)) {
    event.respondWith(
      fetch(req).then((res) => {
        if (res.ok && !res.redirected) caches.open(CACHE).then((c) => c.put(url.pathname, res.clone()));
        return res;
      }).catch(() => caches.match(url.pathname))
    );
  }
});
