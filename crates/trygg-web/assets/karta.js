// The public safety map (/karta): draws the areas coloured by the page's chosen month and
// group from /api/public/v1/karta.geojson (data-layer), and submits the choice form when a
// select changes (the form works without this script too). Needs the vendored Leaflet (L).
(function () {
  "use strict";
  const root = document.getElementById("karta-map");
  const form = document.querySelector("form.karta-choice");
  if (form) {
    for (const s of form.querySelectorAll("select")) s.addEventListener("change", () => form.requestSubmit());
    form.classList.add("js");
  }
  if (!root || typeof L === "undefined") return;
  const en = root.dataset.lang === "en";
  const t = (sv, e) => (en ? e : sv);
  const k = Number(root.dataset.k || 5);
  const fewer = t("färre än ", "fewer than ") + k;
  const nf = new Intl.NumberFormat(en ? "en-GB" : "sv-SE");
  const COLOURS = ["#fde8c8", "#f9b97a", "#ec7d3a", "#c04a16"];
  const SUPPRESSED = "#d9dee3";

  const map = L.map(root, { zoomSnap: 0.25, scrollWheelZoom: false }).setView([59.86, 17.64], 10);
  if (root.dataset.tiles) {
    L.tileLayer(root.dataset.tiles, { maxZoom: 18, attribution: root.dataset.attribution || "" }).addTo(map);
  }
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => L.DomUtil.create("div", "karta-legend");
  legend.addTo(map);

  // Class breaks: quartiles of the published counts (suppressed areas have none).
  function breaks(counts) {
    const s = counts.slice().sort((a, b) => a - b);
    if (!s.length) return [];
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return [...new Set([q(0.25), q(0.5), q(0.75)])];
  }
  function colour(n, b) {
    if (n == null) return SUPPRESSED;
    let i = 0;
    while (i < b.length && n >= b[i]) i++;
    return COLOURS[Math.min(i, COLOURS.length - 1) + Math.max(0, COLOURS.length - 1 - b.length)];
  }
  function drawLegend(b, counts) {
    const box = document.querySelector(".karta-legend");
    box.replaceChildren();
    const title = document.createElement("strong");
    title.textContent = t("Antal händelser", "Incidents");
    box.append(title);
    const row = (fill, text) => {
      const r = document.createElement("div");
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = fill; // through the CSSOM: the CSP refuses style attributes
      r.append(sw, document.createTextNode(text));
      box.append(r);
    };
    if (counts.length) {
      const lo = Math.min(...counts);
      const hi = Math.max(...counts);
      const edges = [lo, ...b.filter((x) => x > lo), hi + 1];
      for (let i = 0; i + 1 < edges.length; i++) {
        const to = edges[i + 1] - 1;
        const text = to > edges[i] ? nf.format(edges[i]) + "–" + nf.format(to) : nf.format(edges[i]);
        row(colour(edges[i], b), text);
      }
    }
    row(SUPPRESSED, fewer);
  }

  fetch(root.dataset.layer, { headers: { Accept: "application/geo+json, application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status + " " + r.statusText))))
    .then((fc) => {
      const counts = fc.features.map((f) => f.properties.count).filter((n) => n != null);
      const b = breaks(counts);
      const layer = L.geoJSON(fc, {
        style: (f) => ({
          color: "#1d4f73",
          weight: 1.2,
          dashArray: f.properties.count == null ? "4" : null,
          fillColor: colour(f.properties.count, b),
          fillOpacity: 0.75,
        }),
        onEachFeature: (f, l) => {
          const n = f.properties.count;
          const text = f.properties.name + ": " + (n == null ? fewer : nf.format(n));
          l.bindTooltip(text, { sticky: true });
          l.bindPopup(text);
        },
      }).addTo(map);
      if (fc.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      drawLegend(b, counts);
      root.dataset.ready = "true";
    })
    .catch((e) => {
      const p = document.createElement("p");
      p.className = "notice error";
      p.textContent = t("Kartan kunde inte visas (", "The map could not be shown (") + e.message + t("). Tabellen nedanför har samma siffror.", "). The table below has the same numbers.");
      root.replaceWith(p);
    });
})();
