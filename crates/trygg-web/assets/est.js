// The EST report form: pick places on a map or by GPS, several events per report, and an
// offline queue. A report that cannot be sent (no network) is kept in localStorage and sent
// when the phone is back online. The server checks everything again; its errors name the
// event and the field ("events[1].category") and are shown next to that event.
(function () {
  "use strict";
  const script = document.currentScript;
  const sv = (script && script.dataset.lang) !== "en";
  const t = (s, e) => (sv ? s : e);
  const QUEUE = "trygg.est.queue";
  const form = document.getElementById("est-form");
  const eventsEl = document.getElementById("events");
  const status = document.getElementById("est-status");
  const queueEl = document.getElementById("queue");
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const template = eventsEl.querySelector("fieldset.event").cloneNode(true);
  const CENTER = [59.8586, 17.6389];

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  }

  // Personal identity numbers (YYMMDD-NNNN, with or without century/separator) with Luhn check,
  // the same rule as the server's guard.
  function hasPnr(text) {
    const re = /(?:^|\D)(?:19|20)?(\d{6})[-+ ]?(\d{4})(?!\d)/g;
    let m;
    while ((m = re.exec(text))) {
      const d = m[1] + m[2];
      let sum = 0;
      for (let i = 0; i < 10; i++) {
        let v = +d[i] * (i % 2 === 0 ? 2 : 1);
        if (v > 9) v -= 9;
        sum += v;
      }
      if (sum % 10 === 0) return true;
    }
    return false;
  }

  let areasPromise = null;
  function districtOutlines() {
    if (!areasPromise) {
      areasPromise = fetch("/api/v1/areas?kind=district", { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .catch(() => null);
    }
    return areasPromise;
  }

  function setPosition(fs, lat, lon, label) {
    fs.querySelector('input[name="lat"]').value = lat.toFixed(6);
    fs.querySelector('input[name="lon"]').value = lon.toFixed(6);
    fs.querySelector("output.pos").textContent =
      (label ? label + ": " : "") + lat.toFixed(5) + ", " + lon.toFixed(5);
    if (fs._map) {
      if (!fs._marker) fs._marker = L.marker([lat, lon]).addTo(fs._map);
      fs._marker.setLatLng([lat, lon]);
    }
  }

  function initEvent(fs) {
    const mapEl = fs.querySelector(".pick-map");
    if (window.L && mapEl && !fs._map) {
      const map = L.map(mapEl, { zoomControl: true }).setView(CENTER, 13);
      const tiles = form.dataset.tiles;
      if (tiles) {
        L.tileLayer(tiles, { maxZoom: 19, attribution: form.dataset.attribution || "" }).addTo(map);
      }
      districtOutlines().then((gj) => {
        if (gj && gj.features && gj.features.length) {
          L.geoJSON(gj, {
            style: { color: "#1d4f73", weight: 1, fillOpacity: 0.04 },
            onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name, { sticky: true }),
            interactive: false,
          }).addTo(map);
        }
      });
      map.on("click", (e) => setPosition(fs, e.latlng.lat, e.latlng.lng, t("Vald plats", "Picked")));
      fs._map = map;
    }
    fs.querySelector("button.gps").addEventListener("click", () => {
      if (!navigator.geolocation) {
        fs.querySelector("output.pos").textContent = t("Telefonen ger ingen position.", "No position available.");
        return;
      }
      fs.querySelector("output.pos").textContent = t("Hämtar position …", "Getting position …");
      navigator.geolocation.getCurrentPosition(
        (p) => {
          setPosition(fs, p.coords.latitude, p.coords.longitude, t("Min position", "My position"));
          if (fs._map) fs._map.setView([p.coords.latitude, p.coords.longitude], 16);
        },
        () => (fs.querySelector("output.pos").textContent = t(
          "Positionen kunde inte hämtas. Tryck på kartan i stället.",
          "The position could not be read. Tap the map instead."
        )),
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
    fs.querySelector("button.remove").addEventListener("click", () => {
      if (eventsEl.querySelectorAll("fieldset.event").length > 1) {
        fs.remove();
        renumber();
      }
    });
    const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
    const from = fs.querySelector('input[name="occurred_from"]');
    if (!from.value) from.value = now.toISOString().slice(0, 16);
  }

  function renumber() {
    eventsEl.querySelectorAll("fieldset.event").forEach((fs, k) => {
      fs.querySelector("legend .n").textContent = String(k + 1);
      fs.querySelector("button.remove").hidden = k === 0 && eventsEl.children.length === 1;
    });
  }

  document.getElementById("add-event").addEventListener("click", () => {
    const fs = template.cloneNode(true);
    eventsEl.appendChild(fs);
    initEvent(fs);
    renumber();
    fs.scrollIntoView({ behavior: "smooth", block: "start" });
  });

  function localToIso(v) {
    // datetime-local is the phone's own clock time: send it as an instant with the phone's offset.
    if (!v) return null;
    const d = new Date(v);
    return isNaN(d) ? v + ":00" : d.toISOString();
  }

  function collect() {
    const events = [];
    const problems = [];
    eventsEl.querySelectorAll("fieldset.event").forEach((fs, k) => {
      fs.classList.remove("invalid");
      const v = (n) => fs.querySelector(`[name="${n}"]`).value.trim();
      const e = {
        category: v("category"),
        occurred_from: localToIso(v("occurred_from")),
      };
      if (v("occurred_to")) e.occurred_to = localToIso(v("occurred_to"));
      if (v("place_type")) e.place_type = v("place_type");
      if (v("place")) e.place = v("place");
      if (v("description")) e.description = v("description");
      if (v("lat") && v("lon")) e.position = { lat: +v("lat"), lon: +v("lon") };
      const n = k + 1;
      if (!e.category) problems.push([fs, t(`Händelse ${n}: välj en kategori.`, `Event ${n}: choose a category.`)]);
      if (!e.occurred_from) problems.push([fs, t(`Händelse ${n}: ange när.`, `Event ${n}: say when.`)]);
      if (!e.position && !e.place)
        problems.push([fs, t(`Händelse ${n}: välj en plats på kartan eller skriv platsens namn.`, `Event ${n}: pick a place on the map or type its name.`)]);
      if (e.description && hasPnr(e.description))
        problems.push([fs, t(`Händelse ${n}: texten innehåller ett personnummer. Ta bort det.`, `Event ${n}: the text holds a personal identity number. Remove it.`)]);
      events.push(e);
    });
    return { events, problems };
  }

  function queue() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) || "[]");
    } catch (_) {
      return [];
    }
  }
  function saveQueue(q) {
    localStorage.setItem(QUEUE, JSON.stringify(q));
    showQueue();
  }
  function showQueue() {
    const n = queue().length;
    queueEl.hidden = n === 0;
    queueEl.textContent = t(
      `${n} rapport(er) väntar i telefonen och skickas när du är online.`,
      `${n} report(s) are waiting on this phone and will be sent when you are online.`
    );
  }

  async function send(body) {
    const res = await fetch("/api/v1/reports", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body),
    });
    let json = null;
    try {
      json = await res.json();
    } catch (_) {}
    return { res, json };
  }

  async function flush() {
    const q = queue();
    if (!q.length || !navigator.onLine) return;
    const left = [];
    for (const body of q) {
      try {
        const { res } = await send(body);
        // Network errors throw; a refused report (4xx) is dropped from the queue only when the
        // server says it is invalid, and the user is told.
        if (res.status === 401 || res.status === 403 || res.status >= 500) left.push(body);
        else if (!res.ok) status.textContent = t("En köad rapport avvisades av servern.", "A queued report was refused by the server.");
      } catch (_) {
        left.push(body);
      }
    }
    saveQueue(left);
    if (left.length < q.length) status.textContent = t("Köade rapporter har skickats.", "Queued reports have been sent.");
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { events, problems } = collect();
    if (problems.length) {
      problems.forEach(([fs]) => fs.classList.add("invalid"));
      status.className = "notice error";
      status.textContent = problems.map((p) => p[1]).join(" ");
      return;
    }
    const body = { events };
    status.className = "notice info";
    status.textContent = t("Skickar …", "Sending …");
    try {
      const { res, json } = await send(body);
      if (res.ok) {
        status.className = "notice ok";
        status.textContent = t(
          `Tack! Rapport #${json.report.id} med ${json.events.length} händelse(r) är mottagen.`,
          `Thank you! Report #${json.report.id} with ${json.events.length} event(s) was received.`
        );
        eventsEl.innerHTML = "";
        const fs = template.cloneNode(true);
        eventsEl.appendChild(fs);
        initEvent(fs);
        renumber();
        return;
      }
      const err = (json && json.error) || {};
      const m = /^events\[(\d+)\]/.exec(err.field || "");
      if (m) {
        const fs = eventsEl.querySelectorAll("fieldset.event")[+m[1]];
        if (fs) fs.classList.add("invalid");
      }
      status.className = "notice error";
      status.textContent =
        (m ? t(`Händelse ${+m[1] + 1}: `, `Event ${+m[1] + 1}: `) : "") + (err.message || res.statusText);
      if (res.status === 401) status.textContent += " " + t("Logga in igen och skicka på nytt.", "Sign in again and send once more.");
    } catch (_) {
      saveQueue(queue().concat([body]));
      status.className = "notice info";
      status.textContent = t(
        "Ingen uppkoppling: rapporten är sparad i telefonen och skickas automatiskt när du är online igen.",
        "No connection: the report is saved on this phone and will be sent automatically when you are back online."
      );
    }
  });

  window.addEventListener("online", flush);
  eventsEl.querySelectorAll("fieldset.event").forEach(initEvent);
  renumber();
  showQueue();
  flush();
})();
