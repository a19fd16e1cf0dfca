/* Sales-point maps (Leaflet, served from node_modules; no CDN).
 *
 * Each element [data-market-map] reads its settings from the JSON script named by
 * data-config and, optionally, its points from data-points. Without a tile URL
 * (settings.OCOP_MAP_TILES empty) the map draws on a plain background with a
 * latitude/longitude grid, so it works with no network at all.
 * Modes: "browse" (all points; officials click the map to add one here),
 * "pick" (a form: a click fills the latitude and longitude fields), "single".
 */
(function () {
  "use strict";

  var KIND_COLOURS = {
    ocop_point: "#c8102e",
    commune_centre: "#b45309",
    district_centre: "#7c3aed",
    regional_centre: "#1d4ed8",
    showroom: "#0f766e",
    hotel_booth: "#be185d",
    supermarket: "#15803d",
    transport_shop: "#334155",
  };

  function readJSON(id) {
    var el = id && document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function round6(x) { return Math.round(x * 1e6) / 1e6; }

  /* A lat/lon grid on a blank pane, redrawn as the view changes. */
  function graticule(map) {
    var layer = L.layerGroup().addTo(map);
    function step(zoom) {
      if (zoom >= 14) return 0.01;
      if (zoom >= 12) return 0.05;
      if (zoom >= 10) return 0.1;
      if (zoom >= 8) return 0.5;
      if (zoom >= 6) return 1;
      return 2;
    }
    function draw() {
      layer.clearLayers();
      var b = map.getBounds(), s = step(map.getZoom());
      var digits = s < 0.1 ? 2 : s < 1 ? 1 : 0;
      var south = Math.floor(b.getSouth() / s) * s, north = Math.ceil(b.getNorth() / s) * s;
      var west = Math.floor(b.getWest() / s) * s, east = Math.ceil(b.getEast() / s) * s;
      var style = { color: "#94a3b8", weight: 1, opacity: 0.6, interactive: false };
      for (var lat = south; lat <= north + 1e-9; lat += s) {
        L.polyline([[lat, west], [lat, east]], style).addTo(layer);
        L.marker([lat, b.getWest()], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "mm-grid-label", html: lat.toFixed(digits) + "°N", iconSize: null, iconAnchor: [-2, 14] }),
        }).addTo(layer);
      }
      for (var lon = west; lon <= east + 1e-9; lon += s) {
        L.polyline([[south, lon], [north, lon]], style).addTo(layer);
        L.marker([b.getNorth(), lon], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "mm-grid-label", html: lon.toFixed(digits) + "°E", iconSize: null, iconAnchor: [-2, -2] }),
        }).addTo(layer);
      }
    }
    map.on("moveend zoomend resize", draw);
    draw();
  }

  function baseMap(node, config) {
    var map = L.map(node, { zoomControl: true, fadeAnimation: false, attributionControl: !!config.tiles });
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution || "" }).addTo(map);
    } else {
      node.classList.add("mm-offline");
    }
    return map;
  }

  function card(point, labels) {
    var box = el("div", { class: "mm-card", "data-testid": "point-card" });
    box.appendChild(el("strong", {}, point.name));
    box.appendChild(el("div", { class: "muted" }, point.kind_label + (point.open ? "" : " · " + labels.closed)));
    if (point.address) box.appendChild(el("div", {}, point.address));
    box.appendChild(el("div", { class: "small" }, point.commune + ", " + point.province));
    if (point.operator) box.appendChild(el("div", { class: "small" }, point.operator));
    if (point.phone || point.hours) {
      box.appendChild(el("div", { class: "small" }, [point.phone, point.hours].filter(Boolean).join(" · ")));
    }
    box.appendChild(el("div", { class: "mm-card-h" }, labels.products));
    if (point.products.length) {
      var ul = el("ul");
      point.products.forEach(function (p) { ul.appendChild(el("li", {}, p)); });
      box.appendChild(ul);
    } else {
      box.appendChild(el("div", { class: "muted small" }, labels.none));
    }
    var link = el("a", { href: point.url, "data-testid": "point-card-link" }, labels.open_card);
    box.appendChild(link);
    return box;
  }

  function marker(point) {
    return L.circleMarker([point.lat, point.lon], {
      radius: 8,
      color: "#fff",
      weight: 2,
      fillColor: KIND_COLOURS[point.kind] || "#c8102e",
      fillOpacity: point.open ? 0.95 : 0.4,
    });
  }

  function browse(node, config, points) {
    var map = baseMap(node, config);
    var labels = config.labels || {};
    var markers = [];
    points.forEach(function (p) {
      var m = marker(p).addTo(map);
      m.bindPopup(function () { return card(p, labels); });
      m.on("add", function () {
        if (m._path) m._path.setAttribute("data-testid", "map-point-" + p.id);
      });
      if (m._path) m._path.setAttribute("data-testid", "map-point-" + p.id);
      markers.push(m);
    });
    if (markers.length) {
      map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 14 });
    } else {
      map.setView(config.center, config.zoom);
    }
    if (config.createUrl) {
      map.on("click", function (e) {
        var lat = round6(e.latlng.lat), lon = round6(e.latlng.lng);
        var box = el("div", { class: "mm-card" });
        box.appendChild(el("div", { class: "small muted", "data-testid": "clicked-coordinates" }, lat.toFixed(5) + ", " + lon.toFixed(5)));
        box.appendChild(el("a", {
          class: "btn",
          href: config.createUrl + "?lat=" + lat + "&lon=" + lon,
          "data-testid": "map-add-here",
        }, labels.add_here));
        L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
      });
    }
    graticule(map);
    node._map = map;
  }

  function pick(node, config) {
    var form = node.closest("form") || document;
    var lat = form.querySelector("[name=latitude]"), lon = form.querySelector("[name=longitude]");
    var map = baseMap(node, config);
    var current = null;
    function place(la, lo) {
      if (current) current.setLatLng([la, lo]);
      else current = marker({ lat: la, lon: lo, kind: "ocop_point", open: true }).addTo(map);
    }
    var la0 = parseFloat(lat && lat.value), lo0 = parseFloat(lon && lon.value);
    if (!isNaN(la0) && !isNaN(lo0)) {
      map.setView([la0, lo0], 14);
      place(la0, lo0);
    } else {
      map.setView(config.center || [16.0, 106.0], config.zoom || 6);
    }
    map.on("click", function (e) {
      var la = round6(e.latlng.lat), lo = round6(e.latlng.lng);
      if (lat) lat.value = la;
      if (lon) lon.value = lo;
      place(la, lo);
    });
    [lat, lon].forEach(function (input) {
      if (!input) return;
      input.addEventListener("change", function () {
        var a = parseFloat(lat.value), b = parseFloat(lon.value);
        if (!isNaN(a) && !isNaN(b)) { place(a, b); map.panTo([a, b]); }
      });
    });
    graticule(map);
    node._map = map;
  }

  function single(node, config) {
    var map = baseMap(node, config);
    var p = config.point;
    map.setView([p.lat, p.lon], 15);
    marker(p).addTo(map);
    graticule(map);
    node._map = map;
  }

  function init() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-market-map]").forEach(function (node) {
      var config = readJSON(node.getAttribute("data-config")) || {};
      var mode = node.getAttribute("data-market-map");
      if (mode === "pick") pick(node, config);
      else if (mode === "single") single(node, config);
      else browse(node, config, readJSON(node.getAttribute("data-points")) || []);
      node.setAttribute("data-ready", "1");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
