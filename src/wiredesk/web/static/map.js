// The events map: Leaflet, no tiles unless the server names a tile URL, country
// outlines from /basemap.geojson when installed, markers from /api/events.
(function () {
  "use strict";
  const el = document.getElementById("map");
  const map = L.map(el, { worldCopyJump: true, preferCanvas: false }).setView([30, 30], 3);
  const tiles = el.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: "map tiles" }).addTo(map);
  }
  if (el.dataset.outlines === "1") {
    fetch("/basemap.geojson").then(r => r.ok ? r.json() : null).then(gj => {
      if (gj) {
        L.geoJSON(gj, { interactive: false, style: { color: "#8a9bb0", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 } })
          .addTo(map).bringToBack();
      }
    });
  }
  const layer = L.layerGroup().addTo(map);
  const colours = window.WD_COLOURS || {};
  const form = document.getElementById("filters");
  const count = document.getElementById("count");
  const list = document.getElementById("list");

  function esc(s) {
    return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  async function load() {
    delete el.dataset.ready;
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) { if (v) params.set(k, v); }
    params.set("limit", "500");
    let items = [], total = 0, offset = 0;
    // At most 5,000 markers at once; narrow the filters for more.
    do {
      params.set("offset", String(offset));
      const r = await fetch("/api/events?" + params.toString());
      if (!r.ok) { count.textContent = "bad filter: " + (await r.text()); return; }
      const page = await r.json();
      total = page.total; items = items.concat(page.items); offset += page.items.length;
      if (!page.items.length) break;
    } while (offset < total && offset < 5000);
    layer.clearLayers();
    list.innerHTML = "";
    const pts = [];
    let placed = 0;
    for (const ev of items) {
      const fat = ev.figures.fatalities ? ev.figures.fatalities.value : 0;
      const disputed = Object.values(ev.figures).some(f => f.status === "conflict");
      const when = ev.date ? ev.date.start : "undated";
      const where = ev.location ? ev.location.name : "unlocated";
      const li = document.createElement("li");
      li.innerHTML = `<a href="/event/${esc(ev.id)}">${esc(when)} ${esc(ev.sub_event_type)} — ${esc(where)}</a>`;
      list.appendChild(li);
      if (!ev.location) continue;
      placed++;
      const m = L.circleMarker([ev.location.lat, ev.location.lon], {
        radius: 6 + 3 * Math.sqrt(fat), color: disputed ? "#000" : "#333", weight: disputed ? 3 : 1,
        fillColor: colours[ev.event_type] || "#555", fillOpacity: 0.75, className: "wd-marker",
      });
      m.bindPopup(`<strong>${esc(ev.sub_event_type)}</strong><br>${esc(where)}, ${esc(when)}<br>` +
        `fatalities: ${fat}${disputed ? " (sources disagree)" : ""}<br><a href="/event/${esc(ev.id)}">open event</a>`);
      m.on("add", () => { const p = m.getElement(); if (p) p.setAttribute("data-id", ev.id); });
      m.addTo(layer);
      pts.push([ev.location.lat, ev.location.lon]);
    }
    count.textContent = `${total} events (${placed} on the map)`;
    el.dataset.markers = String(placed);
    if (pts.length) { map.fitBounds(pts, { padding: [40, 40], maxZoom: 8, animate: false }); }
    el.dataset.ready = String(Date.now());
  }
  form.addEventListener("submit", e => { e.preventDefault(); load(); });
  load();
})();
