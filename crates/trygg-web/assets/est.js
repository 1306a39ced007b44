// The EST report form: pick places on a map or by GPS, several events per report, and an
// offline queue. A report that cannot be sent (no network) is kept in localStorage, the form
// is cleared, and the report is sent when the phone is back online; *Mina rapporter* lists
// what waits and what the server refused (trygg.est.queue / trygg.est.refused, read by
// mine.js). The server checks everything again; its errors name the event and the field
// ("events[1].category") and are said here in the page's language, with local times.
(function () {
  "use strict";
  const script = document.currentScript;
  const sv = (script && script.dataset.lang) !== "en";
  const t = (s, e) => (sv ? s : e);
  const QUEUE = "trygg.est.queue";
  const REFUSED = "trygg.est.refused";
  // How far ahead of the phone's clock an event may be (the server allows a day for skew).
  const AHEAD_MS = 5 * 60 * 1000;
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
    clearField(fs.querySelector(".pick-map"));
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
          // Drawing only: no tooltips, no focus, so keyboard users do not tab through the
          // outlines on their way to the zoom buttons.
          const outlines = L.geoJSON(gj, {
            style: { color: "#1d4f73", weight: 1, fillOpacity: 0.04 },
            interactive: false,
          }).addTo(map);
          outlines.eachLayer((layer) => {
            const el = layer.getElement && layer.getElement();
            if (el) {
              el.setAttribute("tabindex", "-1");
              el.setAttribute("focusable", "false");
              el.setAttribute("aria-hidden", "true");
            }
          });
        }
      });
      map.on("click", (e) => setPosition(fs, e.latlng.lat, e.latlng.lng, t("Vald plats", "Picked")));
      // By keyboard: the arrow keys move the map (Leaflet), + and − zoom, and Enter or Space
      // picks the place under the cross in the middle.
      const box = map.getContainer();
      box.setAttribute("role", "application");
      box.setAttribute("aria-roledescription", t("karta", "map"));
      box.setAttribute(
        "aria-label",
        t(
          "Karta för att välja plats. Flytta kartan med piltangenterna, zooma med plus och minus, tryck Enter för att välja platsen vid korset.",
          "Map to pick the place. Move the map with the arrow keys, zoom with plus and minus, press Enter to pick the place at the cross."
        )
      );
      box.addEventListener("keydown", (e) => {
        if (e.target !== box || (e.key !== "Enter" && e.key !== " ")) return;
        e.preventDefault();
        const c = map.getCenter();
        setPosition(fs, c.lat, c.lng, t("Vald plats", "Picked"));
      });
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
    clearInvalid();
    eventsEl.querySelectorAll("fieldset.event").forEach((fs, k) => {
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
      if (!e.category) problems.push([fs, "category", t(`Händelse ${n}: välj en kategori.`, `Event ${n}: choose a category.`)]);
      if (!e.occurred_from) problems.push([fs, "occurred_from", t(`Händelse ${n}: ange när.`, `Event ${n}: say when.`)]);
      else if (new Date(e.occurred_from).getTime() > Date.now() + AHEAD_MS)
        problems.push([fs, "occurred_from", t(`Händelse ${n}: tiden ligger i framtiden. Ange när det hände.`, `Event ${n}: the time is in the future. Say when it happened.`)]);
      if (e.occurred_to && e.occurred_from && new Date(e.occurred_to) < new Date(e.occurred_from))
        problems.push([fs, "occurred_to", t(`Händelse ${n}: sluttiden är före starttiden.`, `Event ${n}: the end is before the start.`)]);
      if (!e.position && !e.place)
        problems.push([fs, "position", t(`Händelse ${n}: välj en plats på kartan eller skriv platsens namn.`, `Event ${n}: pick a place on the map or type its name.`)]);
      if (e.description && hasPnr(e.description))
        problems.push([fs, "description", t(`Händelse ${n}: texten innehåller ett personnummer. Ta bort det.`, `Event ${n}: the text holds a personal identity number. Remove it.`)]);
      events.push(e);
    });
    return { events, problems };
  }

  // The element a field's problem is shown at: the map for the position.
  function fieldElement(fs, field) {
    if (field === "position" || field === "lat" || field === "lon") return fs.querySelector(".pick-map");
    return fs.querySelector(`[name="${field}"]`);
  }
  let errorIds = 0;
  // Marks a field invalid (aria-invalid) with its message right after it, tied to it by
  // aria-describedby; returns the element.
  function markInvalid(fs, field, message) {
    fs.classList.add("invalid");
    const el = fieldElement(fs, field);
    if (!el) return null;
    const note = document.createElement("small");
    note.className = "field-error";
    note.id = "est-error-" + ++errorIds;
    note.textContent = message;
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", note.id);
    el.insertAdjacentElement("afterend", note);
    return el;
  }
  // A field's mark and message go as soon as it is changed.
  function clearField(el) {
    if (!el || !el.hasAttribute("aria-invalid")) return;
    const note = document.getElementById(el.getAttribute("aria-describedby"));
    if (note) note.remove();
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
    const fs = el.closest("fieldset.event");
    if (fs && !fs.querySelector("[aria-invalid]")) fs.classList.remove("invalid");
  }
  eventsEl.addEventListener("input", (e) => clearField(e.target));
  eventsEl.addEventListener("change", (e) => clearField(e.target));
  function clearInvalid() {
    eventsEl.querySelectorAll(".field-error").forEach((n) => n.remove());
    eventsEl.querySelectorAll("[aria-invalid]").forEach((el) => {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    eventsEl.querySelectorAll("fieldset.event.invalid").forEach((fs) => fs.classList.remove("invalid"));
  }
  // The confirmation or the summary of problems, focused so a screen reader and a keyboard
  // user land on it.
  function announce(className, text) {
    status.className = className;
    status.textContent = text;
    status.setAttribute("tabindex", "-1");
    status.focus();
  }

  function read(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "[]");
    } catch (_) {
      return [];
    }
  }
  // Entries are {body, queued_at}; older versions kept the bare body.
  function queue() {
    return read(QUEUE).map((q) => (q && q.body ? q : { body: q, queued_at: null }));
  }
  function saveQueue(q) {
    localStorage.setItem(QUEUE, JSON.stringify(q));
    showQueue();
  }
  function refuse(entry, message) {
    const r = read(REFUSED).concat([{ body: entry.body, queued_at: entry.queued_at, refused_at: new Date().toISOString(), message }]);
    localStorage.setItem(REFUSED, JSON.stringify(r.slice(-20)));
  }
  function showQueue() {
    const n = queue().length;
    queueEl.hidden = n === 0;
    queueEl.textContent = t(
      `${n} rapport(er) väntar i telefonen och skickas när du är online. Du ser dem under Mina rapporter.`,
      `${n} report(s) are waiting on this phone and will be sent when you are online. You see them under My reports.`
    );
  }

  const LABELS = {
    category: ["kategorin", "the category"],
    occurred_from: ["tiden", "the time"],
    occurred_to: ["sluttiden", "the end time"],
    position: ["platsen", "the place"],
    place: ["platsnamnet", "the place name"],
    place_type: ["typen av plats", "the kind of place"],
    description: ["beskrivningen", "the description"],
  };
  // The server's refusal in the page's language: by its code and field, so no English field
  // names or UTC times reach the reporter. Unknown codes fall back to the server's sentence.
  function explain(err) {
    const m = /^events\[(\d+)\]\.?(\w*)/.exec(err.field || "");
    const field = m ? m[2] : err.field || "";
    const label = LABELS[field] ? t(LABELS[field][0], LABELS[field][1]) : "";
    const by = {
      outside_sweden: t("Platsen ligger i havet eller utanför Sverige. Tryck på kartan där det hände.", "The place is in the sea or outside Sweden. Tap the map where it happened."),
      unknown_category: t("Kategorin finns inte. Välj en i listan.", "The category does not exist. Choose one from the list."),
      time_window_reversed: t("Sluttiden är före starttiden.", "The end is before the start."),
      text_too_long: t(`${label || "Texten"} är för lång. Korta den.`, `${label || "The text"} is too long. Shorten it.`),
      personal_identity_number: t(`${label || "Texten"} innehåller något som liknar ett personnummer. Ta bort det; skriv ett ärendenummer med sitt prefix.`, `${label || "The text"} holds something like a personal identity number. Remove it; write a case number with its prefix.`),
    };
    let text = by[err.code];
    if (!text && (field === "occurred_from" || field === "occurred_to"))
      text = t("Tiden går inte att använda: ange när det hände (inte i framtiden).", "The time cannot be used: say when it happened (not in the future).");
    if (!text && label) text = t(`Kontrollera ${label}.`, `Check ${label}.`) + (sv ? "" : " " + (err.message || ""));
    if (!text) text = sv ? "Rapporten kunde inte tas emot. Kontrollera fälten och försök igen." : err.message || "The report was refused.";
    return (m ? t(`Händelse ${+m[1] + 1}: `, `Event ${+m[1] + 1}: `) : "") + text;
  }

  function resetForm() {
    eventsEl.innerHTML = "";
    const fs = template.cloneNode(true);
    eventsEl.appendChild(fs);
    initEvent(fs);
    renumber();
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
    let refused = 0;
    for (const entry of q) {
      try {
        const { res, json } = await send(entry.body);
        // Network errors throw; signed out (401/403) or a server fault (5xx) waits for the
        // next try. A refusal of the report itself (4xx) is moved to the refused list, which
        // Mina rapporter shows with the reason.
        if (res.status === 401 || res.status === 403 || res.status >= 500) left.push(entry);
        else if (!res.ok) {
          refused += 1;
          refuse(entry, explain((json && json.error) || {}));
        }
      } catch (_) {
        left.push(entry);
      }
    }
    saveQueue(left);
    if (refused)
      status.textContent = t(`${refused} köad(e) rapport(er) avvisades; se Mina rapporter.`, `${refused} queued report(s) were refused; see My reports.`);
    else if (left.length < q.length) status.textContent = t("Köade rapporter har skickats.", "Queued reports have been sent.");
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const { events, problems } = collect();
    if (problems.length) {
      const first = problems.map(([fs, field, message]) => markInvalid(fs, field, message)).find((el) => el);
      status.className = "notice error";
      status.textContent = problems.map((p) => p[2]).join(" ");
      if (first) first.focus();
      return;
    }
    const body = { events };
    status.className = "notice info";
    status.textContent = t("Skickar …", "Sending …");
    try {
      const { res, json } = await send(body);
      if (res.ok) {
        resetForm();
        const n = json.events.length;
        announce(
          "notice ok",
          t(
            `Tack! Rapport #${json.report.id} med ${n} ${n === 1 ? "händelse" : "händelser"} är mottagen.`,
            `Thank you! Report #${json.report.id} with ${n} ${n === 1 ? "event" : "events"} was received.`
          )
        );
        return;
      }
      const err = (json && json.error) || {};
      const m = /^events\[(\d+)\]\.?(\w*)/.exec(err.field || "");
      const fs = m && eventsEl.querySelectorAll("fieldset.event")[+m[1]];
      const el = fs ? markInvalid(fs, m[2], explain(err)) : null;
      status.className = "notice error";
      status.textContent = explain(err);
      if (res.status === 401) status.textContent += " " + t("Logga in igen och skicka på nytt.", "Sign in again and send once more.");
      if (el) el.focus();
    } catch (_) {
      saveQueue(queue().concat([{ body, queued_at: new Date().toISOString() }]));
      // Cleared, so a second tap cannot queue the same report twice.
      resetForm();
      announce(
        "notice info",
        t(
          "Ingen uppkoppling: rapporten är sparad i telefonen och skickas automatiskt när du är online igen.",
          "No connection: the report is saved on this phone and will be sent automatically when you are back online."
        )
      );
    }
  });

  window.addEventListener("online", flush);
  eventsEl.querySelectorAll("fieldset.event").forEach(initEvent);
  renumber();
  showQueue();
  flush();
})();
