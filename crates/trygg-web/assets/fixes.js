// Fixes (åtgärdsärenden): the place of a fix on a small map, and the new fix's map, where a
// click fills in the latitude and longitude fields. Data comes in data-* attributes; the
// server checks everything again.
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

  function show(el) {
    const at = [+el.dataset.lat, +el.dataset.lon];
    const map = baseMap(el, at, 16);
    L.marker(at, { keyboard: false }).addTo(map);
  }

  function pick(el) {
    const form = el.closest("form");
    const lat = form.querySelector('input[name="lat"]');
    const lon = form.querySelector('input[name="lon"]');
    const have = lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value);
    const start = have ? [+lat.value, +lon.value] : CENTER;
    const map = baseMap(el, start, have ? 16 : 12);
    let marker = have ? L.marker(start, { keyboard: false }).addTo(map) : null;
    function set(a, b) {
      lat.value = a.toFixed(6);
      lon.value = b.toFixed(6);
      if (!marker) marker = L.marker([a, b], { keyboard: false }).addTo(map);
      marker.setLatLng([a, b]);
    }
    map.on("click", (e) => set(e.latlng.lat, e.latlng.lng));
    const typed = () => {
      if (lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value)) set(+lat.value, +lon.value);
    };
    lat.addEventListener("change", typed);
    lon.addEventListener("change", typed);
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.L) return;
    const shown = document.getElementById("fix-map");
    if (shown) show(shown);
    const picker = document.getElementById("fix-pick");
    if (picker) pick(picker);
  });
})();
