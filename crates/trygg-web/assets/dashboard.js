// The lägesbild dashboard: reads the filter form, keeps it in the URL (history.replaceState) and
// fills the panels from /api/v1/lagesbild/* with exactly the page's query string.
// Needs the vendored Leaflet (L) and uPlot. Works without map tiles: the kommun and district
// outlines are always drawn.
(function () {
  "use strict";
  const root = document.getElementById("lagesbild");
  if (!root) return;
  const form = document.getElementById("lb-filter");
  const API = "/api/v1/lagesbild/";
  const en = root.dataset.lang === "en";
  const t = (sv, e) => (en ? e : sv);
  const nf = new Intl.NumberFormat(en ? "en-GB" : "sv-SE");
  const nf1 = new Intl.NumberFormat(en ? "en-GB" : "sv-SE", { maximumFractionDigits: 1 });
  const nf3 = new Intl.NumberFormat(en ? "en-GB" : "sv-SE", { maximumFractionDigits: 3 });
  const $ = (id) => document.getElementById(id);
  // A count with its noun, as trygg_domain::Lang::count: the singular for exactly one.
  const count = (n, sv, e) => nf.format(n) + " " + (en ? e : sv)[Math.abs(n) === 1 ? 0 : 1];
  const INCIDENTS = [["händelse", "händelser"], ["incident", "incidents"]];
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      // Styles through the CSSOM: the Content-Security-Policy refuses style attributes.
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k === "style") e.style.cssText = v;
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  };

  // ---- query string: the form's fields, repeated keys for lists, plus the visible layers ----
  const LAYERS = ["omraden", "punkter", "tathet", "hotspots", "enkat"];
  const initial = new URLSearchParams(location.search);
  let visible = new Set((initial.get("layers") || "omraden,hotspots").split(",").filter((l) => LAYERS.includes(l)));

  function filterQuery() {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim() !== "") q.append(k, v);
    return q;
  }
  // The choropleth's measure (count or per 1 000 inhabitants) and the survey series shown.
  let choroBy = initial.get("choropleth") === "per1000" ? "per1000" : "count";
  let surveyKey = initial.get("indicator") || "";
  function pageQuery() {
    const q = filterQuery();
    q.set("layers", [...visible].join(","));
    if (choroBy === "per1000") q.set("choropleth", "per1000");
    if (surveyKey) q.set("indicator", surveyKey);
    if (initial.get("lang")) q.set("lang", initial.get("lang"));
    return q;
  }
  function updateCounts() {
    for (const d of form.querySelectorAll("details.lb-multi")) {
      const n = d.querySelectorAll("input:checked").length;
      d.querySelector(".lb-count").textContent = n ? count(n, ["vald", "valda"], ["selected", "selected"]) : t("alla", "all");
    }
  }

  let generation = 0;
  async function get(path, extra) {
    const q = filterQuery();
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    const r = await fetch(API + path + "?" + q.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body && (body.message || (body.error && body.error.message))) || r.status + " " + r.statusText);
    return body;
  }
  function fail(target, e) {
    const box = typeof target === "string" ? $(target) : target;
    if (box) box.replaceChildren(el("p", { class: "lb-error", text: t("Kunde inte hämta: ", "Could not load: ") + e.message }));
  }

  // ---- map ----
  const map = L.map("lb-map", { preferCanvas: true, zoomSnap: 0.25, attributionControl: true }).setView([59.86, 17.64], 10);
  window.lbMap = map; // for the console and the browser tests
  if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize()).observe($("lb-map"));
  const canvas = L.canvas({ padding: 0.3 });
  if (root.dataset.tiles) {
    L.tileLayer(root.dataset.tiles, { maxZoom: 19, attribution: root.dataset.attribution || "" }).addTo(map);
  }
  const outlines = L.layerGroup().addTo(map);
  const layers = {
    omraden: L.layerGroup(),
    punkter: L.layerGroup(),
    tathet: L.layerGroup(),
    hotspots: L.layerGroup(),
    enkat: L.layerGroup(),
  };
  const names = {
    omraden: t("Områden (antal)", "Areas (count)"),
    punkter: t("Händelser (punkter)", "Incidents (points)"),
    tathet: t("Täthet (KDE)", "Density (KDE)"),
    hotspots: t("Hot spots (Gi*)", "Hot spots (Gi*)"),
    enkat: t("Enkät (trygghet)", "Survey (safety)"),
  };
  const overlays = {};
  for (const k of LAYERS) {
    overlays[names[k]] = layers[k];
    if (visible.has(k)) layers[k].addTo(map);
  }
  const switcher = L.control.layers(null, overlays, { collapsed: window.innerWidth < 900 }).addTo(map);
  switcher.getContainer().addEventListener("mouseenter", () => setTimeout(fitLegend, 0));
  switcher.getContainer().addEventListener("mouseleave", () => setTimeout(fitLegend, 0));
  L.control.scale({ imperial: false }).addTo(map);
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    // It may scroll (fitLegend), so it takes focus for the keyboard and keeps the wheel.
    const d = L.DomUtil.create("div", "lb-legend");
    d.tabIndex = 0;
    d.setAttribute("role", "region");
    d.setAttribute("aria-label", t("Teckenförklaring", "Legend"));
    L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  legend.addTo(map);
  const loaded = {};
  map.on("overlayadd overlayremove", (e) => {
    const k = LAYERS.find((k) => layers[k] === e.layer);
    if (!k) return;
    if (e.type === "overlayadd") visible.add(k); else visible.delete(k);
    history.replaceState(null, "", "?" + pageQuery().toString());
    updateExports();
    if (e.type === "overlayadd" && loaded[k] !== generation) loadLayer(k);
    drawLegend();
  });

  const CHORO = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  const HOT = { 3: "#d62f27", 2: "#ed7551", 1: "#fab984", "-1": "#c0ccbe", "-2": "#849eba", "-3": "#4575b5" };
  const HEAT = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
  const SURVEY = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"];
  let choroBreaks = [];
  let lastAreas = null;
  let surveyInfo = null;
  let heatMax = 0;
  let hotInfo = null;

  function drawLegend() {
    const box = document.querySelector(".lb-legend");
    if (!box) return;
    box.replaceChildren();
    const swatch = (c, label, outline) => el("div", { class: "lb-key" }, el("span", { class: "lb-sw", style: "background:" + c + (outline ? ";border:2px solid #333" : "") }), label);
    if (visible.has("hotspots") && hotInfo) {
      box.append(el("strong", { text: "Gi* (" + (hotInfo.fdr ? "FDR" : t("utan FDR", "no FDR")) + ", " + hotInfo.cell + " m)" }));
      const lab = { 3: t("Hot spot 99 %", "Hot spot 99%"), 2: "Hot spot 95 %", 1: "Hot spot 90 %", "-1": "Cold spot 90 %", "-2": "Cold spot 95 %", "-3": "Cold spot 99 %" };
      for (const c of ["3", "2", "1", "-1", "-2", "-3"]) box.append(swatch(HOT[c], lab[c] + " (" + nf.format(hotInfo.classes[c] || 0) + ")"));
    }
    if (visible.has("omraden") && choroBreaks.length && choroBy === "per1000") {
      box.append(el("strong", { text: t(`Händelser per 1 000 invånare (${lastAreas.rate_year})`, `Incidents per 1,000 inhabitants (${lastAreas.rate_year})`) }));
      let lo = 0;
      for (let i = 0; i < CHORO.length; i++) {
        const hi = choroBreaks[i];
        if (i === 0 || hi > lo) box.append(swatch(CHORO[i], nf1.format(lo) + "–" + nf1.format(hi)));
        lo = hi;
      }
      box.append(swatch(NO_RATE, t("ingen folkmängd", "no population")));
    } else if (visible.has("omraden") && choroBreaks.length) {
      box.append(el("strong", { text: t("Händelser per område", "Incidents per area") }));
      for (let i = 0; i < CHORO.length; i++) {
        const lo = i === 0 ? 0 : choroBreaks[i - 1] + 1, hi = choroBreaks[i];
        if (hi >= lo) box.append(swatch(CHORO[i], nf.format(lo) + "–" + nf.format(hi)));
      }
    }
    if (visible.has("enkat") && surveyInfo && surveyInfo.breaks.length) {
      box.append(el("strong", { text: surveyInfo.name }));
      let lo = surveyInfo.min;
      surveyInfo.breaks.forEach((hi, i) => { if (i === 0 || hi > lo) box.append(swatch(SURVEY[i], nf1.format(lo) + "–" + nf1.format(hi))); lo = hi; });
    }
    if (visible.has("tathet") && heatMax > 0) {
      box.append(el("strong", { text: t("Täthet (förväntat antal per ruta)", "Density (expected count per cell)") }));
      const digits = heatMax >= 10 ? 1 : heatMax >= 1 ? 2 : 3;
      const nfHeat = new Intl.NumberFormat(en ? "en-GB" : "sv-SE", { maximumFractionDigits: digits, minimumFractionDigits: digits });
      HEAT.forEach((c, i) => box.append(swatch(c, "≥ " + nfHeat.format((heatMax * i) / HEAT.length))));
    }
    if (visible.has("punkter")) box.append(swatch("#1d4f73", t("Händelse", "Incident")));
    fitLegend();
  }
  // The legend (bottom right) gets the height the layer switcher (top right) leaves, and
  // scrolls within it, so that it never grows over the switcher.
  function fitLegend() {
    const box = document.querySelector(".lb-legend");
    const switcher = document.querySelector(".leaflet-control-layers");
    if (!box || !switcher) return;
    const mapBox = $("lb-map").getBoundingClientRect();
    let room = mapBox.bottom - switcher.getBoundingClientRect().bottom - 48;
    // On a phone the map is small: the legend takes at most 40 % of it and scrolls.
    if (mapBox.width < 600) room = Math.min(room, mapBox.height * 0.4);
    box.style.maxHeight = Math.max(60, Math.floor(room)) + "px";
  }

  let fitted = false;
  async function loadOutlines() {
    try {
      const [kommun, districts] = await Promise.all([get("areas", { kind: "kommun" }), get("areas", { kind: "district" })]);
      outlines.clearLayers();
      const k = L.geoJSON(kommun, { style: { color: "#1d4f73", weight: 3, fill: false }, interactive: false }).addTo(outlines);
      L.geoJSON(districts, { style: { color: "#4a6275", weight: 1, fill: false, dashArray: "3" }, interactive: false }).addTo(outlines);
      if (!fitted) {
        // The districts are where the point data is; the kommun when there are none.
        const b = (districts.features.length ? L.geoJSON(districts) : k).getBounds();
        // The container may have had no size when the map was made (styles still loading).
        map.invalidateSize();
        if (b.isValid() && map.getSize().x > 0) { map.fitBounds(b, { padding: [10, 10] }); fitted = true; }
      }
      lastAreas = districts;
      drawChoropleth(districts);
      $("lb-summary").dataset.total = districts.total;
      trendNote();
      zoomToChosen(districts);
      return districts;
    } catch (e) { fail("lb-map-note", e); }
  }

  // Choosing areas in the filter zooms the map to them (and clearing the choice back out).
  let zoomedTo = null;
  function zoomToChosen(districts) {
    const chosen = [...form.querySelectorAll("input[name=area]:checked")].map((i) => i.value);
    const key = chosen.join(",");
    if (key === zoomedTo || !districts.features.length) return;
    const features = chosen.length ? districts.features.filter((f) => chosen.includes(String(f.properties.id))) : districts.features;
    const b = L.geoJSON({ type: "FeatureCollection", features: features.length ? features : districts.features }).getBounds();
    map.invalidateSize();
    if (b.isValid() && map.getSize().x > 0) { map.fitBounds(b, { padding: [10, 10] }); zoomedTo = key; fitted = true; }
  }

  // Quantile breaks over the values (5 classes), so a few big areas do not flatten the map.
  const quantiles = (values, k) => {
    const v = values.filter((x) => x != null).sort((a, b) => a - b);
    return v.length ? Array.from({ length: k }, (_, i) => v[Math.min(v.length - 1, Math.ceil(((i + 1) * v.length) / k) - 1)]) : [];
  };
  const NO_RATE = "#d9d9d9";
  function drawChoropleth(fc) {
    if (!fc) return;
    layers.omraden.clearLayers();
    const rate = choroBy === "per1000";
    const value = (f) => (rate ? f.properties.per_1000 : f.properties.count);
    choroBreaks = quantiles(fc.features.map(value), CHORO.length);
    const colour = (n) => (n == null ? NO_RATE : CHORO[Math.max(0, choroBreaks.findIndex((b) => n <= b))]);
    const tip = (p) => {
      if (!rate) return p.name + ": " + nf.format(p.count);
      if (p.per_1000 == null) return p.name + ": " + nf.format(p.count) + " " + t("händelser", "incidents") + (p.rate_status === "small_population" ? t(" (för få invånare för en takt)", " (too few inhabitants for a rate)") : t(" (ingen folkmängd)", " (no population)"));
      return `${p.name}: ${nf1.format(p.per_1000)} ${t("per 1 000 invånare", "per 1,000 inhabitants")} (${nf.format(p.count)} / ${nf.format(p.population)}, ${p.population_year})` + (p.rate_class ? `, Gi* z = ${nf.format(p.rate_z)}` : "");
    };
    L.geoJSON(fc, {
      style: (f) => ({ color: "#34495e", weight: rate && f.properties.rate_class >= 2 ? 3 : 1, fillColor: colour(value(f)), fillOpacity: 0.55 }),
      onEachFeature: (f, l) => l.bindTooltip(tip(f.properties), { sticky: true }),
    }).addTo(layers.omraden);
    notes.omraden = rate ? fc.rate_note || "" : "";
    note("omraden", notes.omraden);
    drawLegend();
  }

  // ---- survey layer and panel ----
  async function loadSurvey() {
    const g = generation;
    const body = $("lb-survey").querySelector("tbody");
    try {
      const r = await get("survey", surveyKey ? { indicator: surveyKey } : {});
      if (g !== generation) return;
      const select = $("lb-indicator");
      select.replaceChildren(...r.series.map((s) => el("option", { value: s.key, text: `${s.name} (${s.source})` })));
      select.disabled = !r.series.length;
      if (r.indicator) select.value = r.indicator.key;
      body.replaceChildren(...r.rows.map((row) => el("tr", {}, el("td", { text: row.name }), el("td", { text: String(row.period) }), el("td", { class: "lb-num", text: row.text }))));
      if (!r.series.length) body.append(el("tr", {}, el("td", { colspan: "3", text: t("Inga enkätvärden är importerade (trygg import indicators, eller POST /api/v1/indicators/import).", "No survey values are imported (trygg import indicators, or POST /api/v1/indicators/import).") })));
      layers.enkat.clearLayers();
      const values = r.features.map((f) => f.properties.value);
      surveyInfo = r.indicator ? { name: `${r.indicator.name} (${r.indicator.source})`, breaks: quantiles(values, SURVEY.length), min: Math.min(...values) } : null;
      if (surveyInfo) {
        const colour = (v) => SURVEY[Math.max(0, surveyInfo.breaks.findIndex((b) => v <= b))];
        L.geoJSON(r, {
          style: (f) => ({ color: "#7f2704", weight: 1, fillColor: colour(f.properties.value), fillOpacity: 0.6 }),
          onEachFeature: (f, l) => l.bindTooltip(`${f.properties.name} ${f.properties.period}: ${f.properties.text}`, { sticky: true }),
        }).addTo(layers.enkat);
      }
      loaded.enkat = g;
      drawLegend();
      root.dataset.survey = String(g);
    } catch (e) { fail("lb-survey-note", e); }
  }

  async function loadLayer(k) {
    const g = generation;
    try {
      if (k === "punkter") {
        const fc = await get("points");
        if (g !== generation) return;
        layers.punkter.clearLayers();
        L.geoJSON(fc, {
          pointToLayer: (f, ll) => L.circleMarker(ll, { renderer: canvas, radius: 3, weight: 0.5, color: "#fff", fillColor: "#1d4f73", fillOpacity: 0.8 }),
          onEachFeature: (f, l) => l.bindPopup(((en && f.properties.label_en) || f.properties.label) + "<br>" + new Date(f.properties.time * 1000).toLocaleString("sv-SE", { timeZone: "Europe/Stockholm" }).slice(0, 16)),
        }).addTo(layers.punkter);
        note("punkter", fc.left_out ? t(`Visar de ${nf.format(fc.returned)} senaste av ${nf.format(fc.total)} punkter.`, `Showing the latest ${nf.format(fc.returned)} of ${nf.format(fc.total)} points.`) : "", fc.excluded_area_precision);
      } else if (k === "tathet") {
        const r = await get("kde");
        if (g !== generation) return;
        layers.tathet.clearLayers();
        heatMax = r.max || 0;
        for (const c of r.cells || []) {
          const i = Math.min(HEAT.length - 1, Math.floor((c.value / heatMax) * HEAT.length));
          L.polygon(c.ring.map(([lon, lat]) => [lat, lon]), { renderer: canvas, stroke: false, fillColor: HEAT[i], fillOpacity: 0.25 + 0.5 * (c.value / heatMax), interactive: false }).addTo(layers.tathet);
        }
        note("tathet", r.message || t(`Kvartisk kärna, sökradie ${nf.format(Math.round(r.radius))} m${r.default_radius ? " (ArcGIS-regeln)" : ""}, ruta ${nf.format(r.cell)} m.`, `Quartic kernel, radius ${nf.format(Math.round(r.radius))} m${r.default_radius ? " (ArcGIS rule)" : ""}, cell ${nf.format(r.cell)} m.`), r.excluded_area_precision);
      } else if (k === "hotspots") {
        const r = await get("hotspots");
        if (g !== generation) return;
        layers.hotspots.clearLayers();
        hotInfo = r.classes ? r : null;
        for (const c of r.cells || []) {
          const cell = L.polygon(c.ring.map(([lon, lat]) => [lat, lon]), { renderer: canvas, weight: 0.5, color: "#555", fillColor: HOT[String(c.class)], fillOpacity: 0.75 })
            .bindTooltip(`${c.count} ${t("händelser", "incidents")}, z = ${nf.format(c.z)}, p = ${nf3.format(c.p)}`, { sticky: true })
            .addTo(layers.hotspots);
          if (c.class > 0 && c.area_id != null) cell.bindPopup(() => problemPopup(c.area || "", c.area_id, `${c.count} ${t("händelser", "incidents")}, Gi* z = ${nf.format(c.z)}`));
        }
        note("hotspots", r.message || t(`Getis-Ord Gi* på antal per ruta om ${r.cell} m (queen, ${nf.format(r.units)} rutor).`, `Getis-Ord Gi* on counts per ${r.cell} m cell (queen, ${nf.format(r.units)} cells).`), r.excluded_area_precision);
      } else if (k === "omraden") {
        await loadOutlines();
      } else if (k === "enkat") {
        await loadSurvey();
      }
      loaded[k] = g;
      drawLegend();
    } catch (e) { fail("lb-map-note", e); }
  }
  const notes = {};
  // Every point layer has the same incidents without a point position: say it once.
  const excludedBy = {};
  function note(k, text, excluded) {
    notes[k] = text;
    if (excluded !== undefined) excludedBy[k] = excluded;
    const shown = LAYERS.filter((l) => visible.has(l));
    const left = Math.max(0, ...shown.map((l) => excludedBy[l] || 0));
    $("lb-map-note").textContent = shown.filter((l) => notes[l]).map((l) => notes[l])
      .concat(left ? [count(left, ...INCIDENTS) + t(" med bara områdesposition (t.ex. Polisens kommunpunkt) ingår inte i punktstatistiken.", ` with an area-only position (e.g. the police feed's kommun point) ${left === 1 ? "is" : "are"} left out of point statistics.`)] : [])
      .join(" ");
  }
  notes.omraden = "";

  // ---- weekly trend (uPlot) ----
  let plot = null;
  let lastTrend = null;
  async function loadTrend() {
    const box = $("lb-trend");
    try {
      const r = await get("trend");
      lastTrend = r;
      const xs = r.weeks.map((w) => Date.parse(w.monday + "T00:00:00Z") / 1000);
      // The week in progress is not a fall: it is drawn dashed, from the last whole week on.
      const lastDone = r.weeks.map((w) => !w.partial).lastIndexOf(true);
      const cur = r.weeks.map((w) => (w.partial ? null : w.count));
      const ongoing = r.weeks.map((w, i) => (w.partial || (i === lastDone && r.weeks.some((x) => x.partial)) ? w.count : null));
      const prev = r.weeks.map((w) => w.last_year);
      const byX = new Map(r.weeks.map((w, i) => [xs[i], w]));
      if (plot) plot.destroy();
      box.replaceChildren();
      const width = Math.max(240, box.clientWidth || 600);
      const num = (u, v) => (v == null ? "–" : nf.format(v));
      plot = new uPlot({
        width, height: Math.round(Math.min(320, Math.max(200, width * 0.45))),
        scales: { x: { time: true } },
        axes: [
          {
            // One tick per ISO week (thinned to what fits), labelled "v. 47"; the year
            // under the first week and under each week 1.
            // As many labels as fit: about one per 60 px.
            splits: () => { const step = Math.max(1, Math.ceil(xs.length / Math.max(3, Math.min(14, Math.floor(width / 60))))); return xs.filter((_, i) => i % step === 0); },
            values: (u, vals) => vals.map((v, i) => { const w = byX.get(v); return w ? t("v. ", "w. ") + w.week + (i === 0 || w.week === 1 ? "\n" + w.year : "") : ""; }),
            size: 52,
          },
          { values: (u, vals) => vals.map((v) => nf.format(v)) },
        ],
        series: [
          { label: t("Vecka", "Week"), value: (u, v) => { const w = byX.get(v); return w ? weekName(w) + (w.partial ? t(" (pågår)", " (ongoing)") : "") : "–"; } },
          { label: t("Denna period", "This period"), stroke: "#1d4f73", width: 3, fill: "rgba(29,79,115,0.08)", value: num },
          { label: t("Veckan som pågår", "Week in progress"), stroke: "#1d4f73", width: 2, dash: [3, 5], value: num, show: ongoing.some((v) => v != null) },
          { label: t("Samma veckor i fjol", "Same weeks last year"), stroke: "#c0392b", width: 2, dash: [6, 4], value: num },
        ],
      }, [xs, cur, ongoing, prev], box);
      trendNote();
      return r;
    } catch (e) { fail(box, e); }
  }
  const weekName = (w) => t("v. ", "week ") + w.week + " " + w.year;
  const dayName = (iso) => new Date(iso + "T12:00:00Z").toLocaleDateString(en ? "en-GB" : "sv-SE", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const addDays = (iso, n) => new Date(Date.parse(iso + "T12:00:00Z") + n * 86400000).toISOString().slice(0, 10);
  // The trend's sentence: whole ISO weeks with their years, the change, and why its total may
  // differ from the selection's (whole weeks from a Monday, the week in progress left out).
  function trendNote() {
    const r = lastTrend;
    if (!r) return;
    const done = r.weeks.filter((w) => !w.partial);
    const running = r.weeks.filter((w) => w.partial);
    let span = "–";
    if (done.length) {
      const a = done[0], b = done[done.length - 1];
      span = a === b ? weekName(a) : a.year === b.year ? `${t("v. ", "weeks ")}${a.week}–${b.week} ${a.year}` : `${weekName(a)} – ${weekName(b)}`;
    }
    const change = r.total_last_year ? (r.total / r.total_last_year - 1) * 100 : null;
    const pct = change == null ? "" : ` (${change >= 0 ? "+" : "−"}${nf1.format(Math.abs(change))}${t(" %", "%")})`;
    let text = t(
      `${count(r.total, ...INCIDENTS)} under ${span} (hela ISO-veckor), mot ${nf.format(r.total_last_year)} samma veckor i fjol${pct}.`,
      `${count(r.total, ...INCIDENTS)} in ${span} (whole ISO weeks), against ${nf.format(r.total_last_year)} in the same weeks last year${pct}.`);
    if (running.length) text += " " + t(`${running.map(weekName).join(", ")} pågår och ingår inte i jämförelsen.`, `${running.map((w) => "Week " + w.week + " " + w.year).join(", ")} is still running and is left out of the comparison.`);
    const selected = Number($("lb-summary").dataset.total);
    const from = form.elements.from.value, to = form.elements.to.value;
    if (done.length && Number.isFinite(selected) && selected !== r.total && from && to) {
      const firstDay = done[0].monday, lastDay = addDays(done[done.length - 1].monday, 6);
      text += " " + t(
        `Urvalet har ${nf.format(selected)}: det gäller ${dayName(from)}–${dayName(addDays(to, -1))}, medan diagrammet räknar hela veckor från måndag ${dayName(firstDay)} till söndag ${dayName(lastDay)}` + (running.length ? " och inte veckan som pågår." : "."),
        `The selection has ${nf.format(selected)}: it covers ${dayName(from)}–${dayName(addDays(to, -1))}, while the chart counts whole weeks from Monday ${dayName(firstDay)} to Sunday ${dayName(lastDay)}` + (running.length ? " and not the week in progress." : "."));
    }
    $("lb-trend-note").textContent = text;
  }

  // ---- hour × weekday ----
  async function loadHours() {
    const box = $("lb-hours");
    try {
      const r = await get("hour-weekday");
      const max = r.max || 1;
      const days = en ? ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] : r.weekdays;
      const head = el("tr", {}, el("th", { class: "lb-day" }));
      for (let h = 0; h < 24; h++) head.append(el("th", { scope: "col", text: h % 3 === 0 ? String(h).padStart(2, "0") : "" }));
      head.append(el("th", { text: t("Summa", "Total") }));
      const tbody = el("tbody");
      r.values.forEach((row, d) => {
        const tr = el("tr", {}, el("th", { scope: "row", class: "lb-day", text: days[d] }));
        row.forEach((v, h) => {
          const a = v / max;
          tr.append(el("td", { style: `background:rgba(189,0,38,${(0.04 + 0.96 * a).toFixed(3)})`, title: `${days[d]} ${String(h).padStart(2, "0")}–${String(h + 1).padStart(2, "0")}: ${nf1.format(v)}` }));
        });
        tr.append(el("td", { class: "lb-sum", text: nf.format(Math.round(row.reduce((s, v) => s + v, 0))) }));
        tbody.append(tr);
      });
      // The colour scale: five steps from 0 to the busiest hour's weight.
      const scale = el("div", { class: "lb-heat-scale", "aria-hidden": "true" }, el("span", { text: t("Färre", "Fewer") + " (0)" }));
      for (let i = 0; i < 5; i++) scale.append(el("span", { class: "lb-sw", style: `background:rgba(189,0,38,${(0.04 + 0.96 * (i / 4)).toFixed(3)})` }));
      scale.append(el("span", { text: t("Fler", "More") + ` (${nf1.format(max)} ${t("per timme och veckodag", "per hour and weekday")})` }));
      box.replaceChildren(el("table", { class: "lb-heat" }, el("thead", {}, head), tbody), scale);
    } catch (e) { fail(box, e); }
  }

  // A hot spot or top place becomes a problem: the problem form, pre-filled with the filter's
  // categories and period and the place's district.
  function problemLink(areaName, areaId) {
    const q = new URLSearchParams();
    const cur = new URLSearchParams(location.search);
    for (const c of cur.getAll("category")) q.append("category", c);
    for (const k of ["from", "to"]) { const v = $("lb-" + k) && $("lb-" + k).value; if (v) q.set(k, v); }
    q.set("area", areaId);
    q.set("origin", "hot_spot");
    q.set("ref", areaName + " (Gi*)");
    return el("a", { class: "lb-make-problem", href: "/problem/ny?" + q.toString(), text: t("Gör till problem", "Make a problem") });
  }
  function problemPopup(areaName, areaId, text) {
    return el("div", {}, el("strong", { text: areaName }), el("br"), text, el("br"), problemLink(areaName, areaId));
  }

  // ---- top places ----
  async function loadPlaces() {
    const box = $("lb-places");
    try {
      const r = await get("top-places", { n: 10 });
      box.replaceChildren();
      for (const p of r.places) {
        const district = p.area || t("utanför stadsdelarna", "outside the districts");
        // The place name, then the district (once, when the place is the district's name).
        const same = p.place && district.toLowerCase().startsWith(p.place.toLowerCase());
        const name = p.place && !same ? (p.place_near ? t("nära ", "near ") + p.place : p.place) + ", " + district : district;
        const li = el("li", {}, el("button", { type: "button", class: "lb-link", text: name }), " ", el("span", { class: "lb-num", text: nf.format(p.count) }), el("span", { class: "lb-muted", text: " (" + nf1.format(p.share * 100) + t(" %", "%") + ") · " + p.lat.toFixed(4) + " N " + p.lon.toFixed(4) + " E" }));
        li.querySelector("button").addEventListener("click", () => {
          map.setView([p.lat, p.lon], 16);
          const text = count(p.count, ...INCIDENTS);
          L.popup().setLatLng([p.lat, p.lon]).setContent(p.area_id != null ? problemPopup(name, p.area_id, text) : `${name}: ${text}`).openOn(map);
        });
        box.append(li);
      }
      $("lb-places-note").textContent = r.events ? t(
        `Platser = rutor om ${r.snap} m, namngivna efter det vanligaste platsnamnet bland rutans händelser (annars det närmaste) och stadsdelen. De ${r.top_percent} % mest drabbade rutorna har ${nf1.format(r.share_at_top * 100)} % av ${count(r.events, ...INCIDENTS)} med punktposition.`,
        `Places = ${r.snap} m cells, named by the most frequent place name among the cell's incidents (else the nearest one) and the district. The top ${r.top_percent}% of cells hold ${nf1.format(r.share_at_top * 100)}% of ${count(r.events, ...INCIDENTS)} with a point position.`) : t("Inga händelser med punktposition.", "No incidents with a point position.");
    } catch (e) { fail(box, e); }
  }

  // ---- near repeat (Knox) ----
  async function loadKnox() {
    const box = $("lb-knox");
    $("lb-knox-sentence").textContent = t("Beräknar …", "Computing …");
    try {
      const r = await get("near-repeat");
      $("lb-knox-sentence").textContent = en ? r.sentence_en : r.sentence;
      if (!r.observed || !r.observed.length) { box.replaceChildren(); return; }
      const head = el("tr", {}, el("th", { text: t("Avstånd \\ tid", "Distance \\ time") }));
      for (const l of en ? r.time_labels_en : r.time_labels) head.append(el("th", { scope: "col", text: l }));
      const tbody = el("tbody");
      r.space_labels.forEach((sl, i) => {
        const tr = el("tr", {}, el("th", { scope: "row", text: sl }));
        r.time_labels.forEach((_, j) => {
          const ratio = r.ratio[i][j], p = r.p[i][j];
          // Shaded: the cells the headline may name (significant after the correction for
          // the number of cells, and a ratio worth saying), as the server decides.
          const sig = !!(r.notable && r.notable[i] && r.notable[i][j]);
          const td = el("td", { class: sig ? "lb-sig" : "" }, el("strong", { text: ratio == null ? "–" : nf.format(Math.round(ratio * 100) / 100) }), el("br"), el("small", { text: `${count(r.observed[i][j], ["par", "par"], ["pair", "pairs"])}, p = ${p == null ? "–" : nf3.format(p)}` }));
          if (sig) td.style.background = `rgba(214,47,39,${Math.min(0.6, 0.15 + (ratio - 1) * 0.5).toFixed(2)})`;
          tr.append(td);
        });
        tbody.append(tr);
      });
      box.replaceChildren(el("table", { class: "lb-knoxtab" }, el("thead", {}, head), tbody));
      $("lb-knox-note").textContent = t(
        `Knox-kvot = observerade par / förväntade vid slumpvis omfördelade tider (${r.permutations} permutationer, Manhattanavstånd). Färgade rutor är signifikanta efter korrektion för antalet rutor (Benjamini–Hochberg, 5 %) och har en kvot på minst ${nf1.format(r.min_ratio)}. ${count(r.events, ...INCIDENTS)}` + (r.capped ? ` (de senaste av ${nf.format(r.events_matching)})` : "") + ".",
        `Knox ratio = observed pairs / expected with shuffled times (${r.permutations} permutations, Manhattan distance). Shaded cells are significant after the correction for the number of cells (Benjamini–Hochberg, 5%) and have a ratio of at least ${nf1.format(r.min_ratio)}. ${count(r.events, ...INCIDENTS)}` + (r.capped ? ` (the latest of ${nf.format(r.events_matching)})` : "") + ".");
    } catch (e) { $("lb-knox-sentence").textContent = ""; fail(box, e); }
  }

  async function summary(trend) {
    const s = $("lb-summary");
    const total = s.dataset.total;
    const from = form.elements.from.value, to = form.elements.to.value;
    s.textContent = t(`Period ${from || "–"} till ${to || "–"} (ej inkl.)`, `Period ${from || "–"} to ${to || "–"} (exclusive)`) +
      (total != null && total !== "undefined" ? t(` · ${nf.format(Number(total))} händelser i urvalet`, ` · ${nf.format(Number(total))} incidents selected`) : "");
  }

  function updateExports() {
    // The export endpoints take lists comma-separated, as /incidents does.
    const joined = new Map();
    for (const [k, v] of filterQuery()) joined.set(k, joined.has(k) ? joined.get(k) + "," + v : v);
    const q = new URLSearchParams([...joined]).toString();
    $("lb-export-csv").href = "/api/v1/export/incidents.csv?" + q;
    $("lb-export-geojson").href = "/api/v1/export/incidents.geojson?" + q;
    const png = new URLSearchParams([...joined]);
    png.set("layers", [...visible].join(","));
    png.set("lang", document.documentElement.lang === "en" ? "en" : "sv");
    $("lb-export-png").href = "/api/v1/lagesbild/map.png?" + png.toString();
  }

  async function reload() {
    generation++;
    updateCounts();
    updateExports();
    history.replaceState(null, "", "?" + pageQuery().toString());
    const jobs = [loadOutlines().then(() => summary()), loadTrend(), loadHours(), loadPlaces(), loadKnox(), loadSurvey()];
    for (const k of LAYERS) if (k !== "omraden" && k !== "enkat" && visible.has(k)) jobs.push(loadLayer(k));
    await Promise.allSettled(jobs);
    root.dataset.ready = String(generation);
  }

  const choropleth = $("lb-choropleth");
  choropleth.value = choroBy;
  choropleth.addEventListener("change", () => {
    choroBy = choropleth.value === "per1000" ? "per1000" : "count";
    history.replaceState(null, "", "?" + pageQuery().toString());
    drawChoropleth(lastAreas);
  });
  $("lb-indicator").addEventListener("change", (e) => {
    surveyKey = e.target.value;
    history.replaceState(null, "", "?" + pageQuery().toString());
    loadSurvey();
  });

  form.addEventListener("submit", (e) => { e.preventDefault(); reload(); });
  let timer = null;
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(reload, 250); });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { map.invalidateSize(); if (plot) { const w = $("lb-trend").clientWidth; plot.setSize({ width: w, height: Math.round(Math.min(320, Math.max(200, w * 0.45))) }); } }, 200);
  });
  reload();
})();
