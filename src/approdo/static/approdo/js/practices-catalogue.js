// Catalogue of good practices: the map of the practices found, by zona distretto (Leaflet with
// GeoJSON layers only, no tiles). Markup: <div class="practices-map" data-geojson-url="...">,
// hidden until data arrives; the table beside it carries the same figures. Runs again on the
// parts htmx swaps in, so the map follows the search.
(function () {
  "use strict";

  function shade(count, max) {
    var level = max > 0 ? count / max : 0;
    if (level > 0.66) { return "#003366"; }
    if (level > 0.33) { return "#0066cc"; }
    return "#80b3e6";
  }

  function draw(container, data) {
    if (!data || !data.features || data.features.length === 0) {
      return;
    }
    container.hidden = false;
    var map = L.map(container, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    var max = 0;
    data.features.forEach(function (feature) { max = Math.max(max, feature.properties.count || 0); });
    var layer = L.geoJSON(data, {
      style: function (feature) {
        return { color: "#ffffff", weight: 1.5, fillColor: shade(feature.properties.count, max), fillOpacity: 0.7 };
      },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindTooltip(feature.properties.label, { sticky: true });
        featureLayer.on("click", function () { window.location.assign(feature.properties.url); });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  }

  function init(root) {
    if (typeof L === "undefined") {
      return;
    }
    root.querySelectorAll(".practices-map[data-geojson-url]").forEach(function (container) {
      fetch(container.getAttribute("data-geojson-url"), {
        credentials: "same-origin",
        headers: { Accept: "application/geo+json" }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { draw(container, data); })
        .catch(function () { container.hidden = true; });
    });
  }

  if (typeof htmx !== "undefined") {
    htmx.onLoad(function (element) { init(element); });
  } else {
    init(document);
  }
})();
