// Citizens' tips: the public form's map (click to pick the place, "use my position"; a QR
// link's place arrives in the hidden lat/lon fields) and the moderation queue's map of the
// waiting tips. Data comes in data-* attributes; the server checks everything again.
(function () {
  "use strict";
  const CENTER = [59.8586, 17.6389];

  function baseMap(el, center, zoom) {
    const map = L.map(el).setView(center, zoom);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    return map;
  }

  function tipForm(form) {
    const sv = form.dataset.lang !== "en";
    const t = (s, e) => (sv ? s : e);
    const lat = form.querySelector('input[name="lat"]');
    const lon = form.querySelector('input[name="lon"]');
    const out = document.getElementById("tip-pos");
    const mapEl = document.getElementById("tip-map");
    mapEl.dataset.tiles = form.dataset.tiles;
    mapEl.dataset.attribution = form.dataset.attribution;
    const have = lat.value && lon.value;
    const centre = mapEl.dataset.lat ? [+mapEl.dataset.lat, +mapEl.dataset.lon] : null;
    const start = have ? [+lat.value, +lon.value] : centre || CENTER;
    let map = null;
    let marker = null;
    function set(a, b, label) {
      lat.value = a.toFixed(6);
      lon.value = b.toFixed(6);
      out.textContent = label + ": " + a.toFixed(5) + ", " + b.toFixed(5);
      if (map) {
        if (!marker) marker = L.marker([a, b], { keyboard: false }).addTo(map);
        marker.setLatLng([a, b]);
      }
    }
    if (window.L) {
      map = baseMap(mapEl, start, have ? 15 : centre ? 14 : 12);
      map.on("click", (e) => set(e.latlng.lat, e.latlng.lng, t("Vald plats", "Chosen place")));
      if (have) set(start[0], start[1], t("Vald plats", "Chosen place"));
    }
    document.getElementById("tip-gps").addEventListener("click", () => {
      if (!navigator.geolocation) {
        out.textContent = t("Webbläsaren ger ingen position.", "The browser gives no position.");
        return;
      }
      out.textContent = t("Hämtar position …", "Getting position …");
      navigator.geolocation.getCurrentPosition(
        (p) => {
          set(p.coords.latitude, p.coords.longitude, t("Min position", "My position"));
          if (map) map.setView([p.coords.latitude, p.coords.longitude], 16);
        },
        () => (out.textContent = t(
          "Positionen kunde inte hämtas. Klicka på kartan i stället.",
          "The position could not be read. Click the map instead."
        )),
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }

  function queueMap(el) {
    if (!window.L) return;
    const tips = Array.from(document.querySelectorAll("article.tip"));
    const map = baseMap(el, CENTER, 12);
    const points = tips.map((a) => {
      const p = [+a.dataset.lat, +a.dataset.lon];
      L.marker(p, { keyboard: false }).bindTooltip(a.dataset.ref).addTo(map);
      return p;
    });
    if (points.length) map.fitBounds(points, { maxZoom: 16, padding: [20, 20] });
  }

  const form = document.getElementById("tip-form");
  if (form) tipForm(form);
  const q = document.getElementById("tips-map");
  if (q) queueMap(q);
})();
