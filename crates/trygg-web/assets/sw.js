// trygg's service worker: keeps the report form, a safety walk's phone page (once opened) and
// their assets available offline.
// Pages are fetched from the network first (so they are current) and fall back to the cached
// copy; assets are served from the cache first. Reports written offline are queued by est.js
// in localStorage, a walk's findings by walk.js in IndexedDB, and sent when the phone is back
// online. The manifest and the district outlines the report form's map draws (reference data,
// no personal data) are kept too, network first, so the form works offline as it does online.
// The server fills in the assets' fingerprint, so a new deployment gets a new cache.
const CACHE = "trygg-ASSETS_VERSION";
const OUTLINES = "/api/v1/areas?kind=district";
const SHELL = [
  "/rapportera",
  "/mina-rapporter",
  "/manifest.webmanifest",
  OUTLINES,
  "/assets/mine.js",
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
  const offline = [OUTLINES, "/manifest.webmanifest"];
  if (req.method === "GET" && url.origin === self.location.origin && offline.includes(url.pathname + url.search)) {
    const key = url.pathname + url.search;
    event.respondWith(
      fetch(req).then((res) => {
        if (res.ok && !res.redirected) caches.open(CACHE).then((c) => c.put(key, res.clone()));
        return res;
      }).catch(() => caches.match(key))
    );
    return;
  }
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
