// Safety walks (trygghetsvandringar): the route drawn on the plan's map (#walk-route-pick, a
// tap per point, into the hidden field "route" as "lat,lon;lat,lon"), the route and the
// numbered points on a walk's map (#walk-map, data-route and data-points), and the phone's
// form for the walk itself (#walk-form). The form posts with fetch; without a connection the
// finding waits in IndexedDB (photos too: a File is stored as it is) and is sent when the phone
// is back online or the page is opened again. Each finding carries the phone's own id, so one
// sent twice is stored once. The server checks everything again; its refusal (a 422 page) is
// shown as it says it, in the page's language.
(function () {
  "use strict";
  const sv = document.documentElement.lang !== "en";
  const t = (s, e) => (sv ? s : e);
  const CENTER = [59.8586, 17.6389];
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function baseMap(el, center, zoom) {
    const map = L.map(el).setView(center, zoom);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    return map;
  }

  function json(v, fallback) {
    try {
      return JSON.parse(v || "");
    } catch (_) {
      return fallback;
    }
  }

  function numbered(n, kind) {
    return L.divIcon({ className: "walk-point" + (kind === "safe" ? " safe" : ""), html: String(n), iconSize: [24, 24] });
  }

  // A walk's map: the route and its numbered points.
  function showWalk(el) {
    const route = json(el.dataset.route, []);
    const points = json(el.dataset.points, []);
    const map = baseMap(el, route[0] || CENTER, 15);
    const all = route.slice();
    if (route.length > 1) L.polyline(route, { color: "#1d4f73", weight: 4 }).addTo(map);
    points.forEach((p) => {
      L.marker([p.lat, p.lon], { icon: numbered(p.n, p.kind), keyboard: false, title: String(p.n) }).addTo(map);
      all.push([p.lat, p.lon]);
    });
    if (all.length > 1) map.fitBounds(all, { padding: [20, 20], maxZoom: 17 });
  }

  // The plan's map: a tap adds a point to the route.
  function pickRoute(el) {
    const form = el.closest("form");
    const field = form.querySelector('input[name="route"]');
    const count = document.getElementById("route-count");
    const points = (field.value || "")
      .split(";")
      .map((p) => p.split(",").map(Number))
      .filter((p) => p.length === 2 && !isNaN(p[0]) && !isNaN(p[1]));
    const map = baseMap(el, points[0] || CENTER, points.length ? 15 : 12);
    const line = L.polyline(points, { color: "#1d4f73", weight: 4 }).addTo(map);
    function update() {
      line.setLatLngs(points);
      field.value = points.map((p) => p[0].toFixed(6) + "," + p[1].toFixed(6)).join(";");
      count.textContent = points.length
        ? t(`${points.length} punkt${points.length === 1 ? "" : "er"} i rutten`, `${points.length} point${points.length === 1 ? "" : "s"} on the route`)
        : t("Ingen rutt ännu.", "No route yet.");
    }
    map.on("click", (e) => {
      points.push([e.latlng.lat, e.latlng.lng]);
      update();
    });
    document.getElementById("route-undo").addEventListener("click", () => {
      points.pop();
      update();
    });
    update();
  }

  // The offline queue (IndexedDB): entries {action, fields: [[name, value]], queued_at}.
  function db() {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open("trygg-walk", 1);
      r.onupgradeneeded = () => r.result.createObjectStore("queue", { autoIncrement: true });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  function store(mode, work) {
    return db().then(
      (d) =>
        new Promise((resolve, reject) => {
          const tx = d.transaction("queue", mode);
          const out = work(tx.objectStore("queue"));
          tx.oncomplete = () => resolve(out);
          tx.onerror = () => reject(tx.error);
        })
    );
  }
  function queued() {
    return store("readonly", (s) => {
      const items = [];
      s.openCursor().onsuccess = (e) => {
        const c = e.target.result;
        if (c) {
          items.push({ key: c.key, value: c.value });
          c.continue();
        }
      };
      return items;
    });
  }
  const enqueue = (value) => store("readwrite", (s) => s.add(value));
  const dequeue = (key) => store("readwrite", (s) => s.delete(key));

  function walkForm(form) {
    const status = document.getElementById("walk-status");
    const queueEl = document.getElementById("walk-queue");
    const recorded = document.getElementById("walk-recorded");
    const mapEl = form.querySelector(".pick-map");
    const lat = form.querySelector('input[name="lat"]');
    const lon = form.querySelector('input[name="lon"]');
    const pos = form.querySelector("output.pos");
    const route = json(form.dataset.route, []);
    let marker = null;
    let map = null;
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});

    function set(a, b, label) {
      lat.value = a.toFixed(6);
      lon.value = b.toFixed(6);
      pos.textContent = label + ": " + a.toFixed(5) + ", " + b.toFixed(5);
      if (map) {
        if (!marker) marker = L.marker([a, b], { keyboard: false }).addTo(map);
        marker.setLatLng([a, b]);
      }
    }
    if (window.L && mapEl) {
      map = baseMap(mapEl, route[0] || CENTER, route.length ? 16 : 13);
      if (route.length > 1) {
        L.polyline(route, { color: "#1d4f73", weight: 4, interactive: false }).addTo(map);
        map.fitBounds(route, { padding: [15, 15], maxZoom: 17 });
      }
      map.on("click", (e) => set(e.latlng.lat, e.latlng.lng, t("Vald plats", "Picked")));
    }
    form.querySelector("button.gps").addEventListener("click", () => {
      if (!navigator.geolocation) {
        pos.textContent = t("Telefonen ger ingen position.", "No position available.");
        return;
      }
      pos.textContent = t("Hämtar position …", "Getting position …");
      navigator.geolocation.getCurrentPosition(
        (p) => {
          set(p.coords.latitude, p.coords.longitude, t("Min position", "My position"));
          if (map) map.setView([p.coords.latitude, p.coords.longitude], 17);
        },
        () => (pos.textContent = t("Positionen kunde inte hämtas. Tryck på kartan i stället.", "The position could not be read. Tap the map instead.")),
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });

    async function showQueue() {
      let n = 0;
      try {
        n = (await queued()).length;
      } catch (_) {}
      queueEl.hidden = n === 0;
      queueEl.textContent = t(
        `${n} ${n === 1 ? "plats väntar" : "platser väntar"} i telefonen och skickas när du är online.`,
        `${n} ${n === 1 ? "place is" : "places are"} waiting on this phone and will be sent when you are online.`
      );
    }

    function body(fields) {
      const fd = new FormData();
      fields.forEach(([k, v]) => fd.append(k, k === "csrf" ? csrf() : v));
      return fd;
    }
    // The server's sentence from its 422 page.
    async function refusal(res) {
      const html = await res.text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      const el = doc.querySelector("main .notice.error") || doc.querySelector("main p");
      return el ? el.textContent.trim() : t("Platsen kunde inte sparas.", "The place could not be saved.");
    }
    function saved(res, fields) {
      const n = new URL(res.url, location.href).searchParams.get("sparad");
      const li = document.createElement("li");
      const get = (k) => (fields.find((f) => f[0] === k) || [])[1] || "";
      li.textContent = (get("kind") === "safe" ? t("Trygg plats", "Safe place") : t("Otrygg plats", "Unsafe place")) + ": " + get("description");
      recorded.appendChild(li);
      return n;
    }

    async function flush() {
      let items = [];
      try {
        items = await queued();
      } catch (_) {
        return;
      }
      if (!items.length || !navigator.onLine) return showQueue();
      let sent = 0;
      const refused = [];
      for (const { key, value } of items) {
        try {
          const res = await fetch(value.action, { method: "POST", credentials: "same-origin", body: body(value.fields) });
          if (res.ok) {
            saved(res, value.fields);
            sent += 1;
            await dequeue(key);
          } else if (res.status === 400 || res.status === 422) {
            refused.push(await refusal(res));
            await dequeue(key);
          }
          // Signed out, a stale token or a server fault: it waits for the next try.
        } catch (_) {}
      }
      await showQueue();
      if (refused.length) {
        status.className = "notice error";
        status.textContent = t("En köad plats avvisades: ", "A queued place was refused: ") + refused.join(" ");
      } else if (sent) {
        status.className = "notice ok";
        status.textContent = t(`${sent} ${sent === 1 ? "köad plats" : "köade platser"} har skickats.`, `${sent} queued ${sent === 1 ? "place was" : "places were"} sent.`);
      }
    }

    function clear() {
      form.querySelector('textarea[name="description"]').value = "";
      form.querySelector('input[name="place"]').value = "";
      lat.value = "";
      lon.value = "";
      if (marker) {
        marker.remove();
        marker = null;
      }
      pos.textContent = t("Tryck på kartan för att välja plats.", "Tap the map to pick the place.");
    }

    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const kind = (form.querySelector('input[name="kind"]:checked') || {}).value;
      const problems = [];
      if (!lat.value) problems.push(t("Markera platsen på kartan eller använd din position.", "Mark the place on the map or use your position."));
      if (kind !== "safe" && !form.querySelector('select[name="category"]').value) problems.push(t("Välj vad som gör platsen otrygg.", "Choose what makes the place unsafe."));
      if (!form.querySelector('textarea[name="description"]').value.trim()) problems.push(t("Skriv vad gruppen såg.", "Write what the group saw."));
      if (problems.length) {
        status.className = "notice error";
        status.textContent = problems.join(" ");
        return;
      }
      form.querySelector('input[name="client_id"]').value =
        (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).slice(0, 64);
      form.querySelector('input[name="recorded_at"]').value = new Date().toISOString();
      const fields = Array.from(new FormData(form).entries()).filter(([, v]) => !(v instanceof File) || v.size > 0);
      status.className = "notice info";
      status.textContent = t("Sparar …", "Saving …");
      try {
        const res = await fetch(form.action, { method: "POST", credentials: "same-origin", body: body(fields) });
        if (res.ok) {
          const n = saved(res, fields);
          clear();
          status.className = "notice ok";
          status.textContent = t(`Plats ${n} är sparad.`, `Place ${n} is saved.`);
          return;
        }
        status.className = "notice error";
        status.textContent = await refusal(res);
      } catch (_) {
        await enqueue({ action: form.action, fields, queued_at: new Date().toISOString() });
        clear();
        await showQueue();
        status.className = "notice info";
        status.textContent = t(
          "Ingen uppkoppling: platsen är sparad i telefonen och skickas automatiskt när du är online igen.",
          "No connection: the place is saved on this phone and will be sent automatically when you are back online."
        );
      }
    });
    window.addEventListener("online", flush);
    flush();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("walk-form");
    if (form) walkForm(form);
    if (!window.L) return;
    const shown = document.getElementById("walk-map");
    if (shown) showWalk(shown);
    const pick = document.getElementById("walk-route-pick");
    if (pick) pickRoute(pick);
  });
})();
