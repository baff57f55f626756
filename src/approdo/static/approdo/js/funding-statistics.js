// Call statistics map: the zone distretto shaded by their funded projects (Leaflet, GeoJSON
// only, no tiles). Markup: <div class="funding-map" data-geojson-url="...">. Each feature
// carries name, text (the figure as the table prints it, "n.d." when suppressed) and class
// (the legend class). The table under the map carries the same figures.
(function () {
  "use strict";

  // Same colours as the legend swatches in funding-statistics.css.
  var FILLS = {
    "map-class-0": "#f2f2f2",
    "map-class-1": "#b3d1f0",
    "map-class-2": "#5c9fe0",
    "map-class-3": "#004d99",
    "map-class-nd": "#ffffff"
  };

  function style(feature) {
    var cls = (feature.properties || {})["class"];
    var hidden = cls === "map-class-nd";
    return {
      color: hidden ? "#5c6f82" : "#ffffff",
      weight: hidden ? 2 : 1,
      dashArray: hidden ? "4 3" : null,
      fillColor: FILLS[cls] || FILLS["map-class-0"],
      fillOpacity: 0.85
    };
  }

  function initMap(container) {
    var url = container.getAttribute("data-geojson-url");
    if (!url || typeof L === "undefined") {
      return;
    }
    var map = L.map(container, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    map.setView([43.4, 11.0], 7);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (!data.features || data.features.length === 0) {
          container.hidden = true;
          return;
        }
        var layer = L.geoJSON(data, {
          style: style,
          onEachFeature: function (feature, featureLayer) {
            var p = feature.properties || {};
            featureLayer.bindTooltip(p.name + ": " + p.text, { sticky: true });
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      })
      .catch(function () { container.hidden = true; });
  }

  document.querySelectorAll(".funding-map[data-geojson-url]").forEach(initMap);
})();
