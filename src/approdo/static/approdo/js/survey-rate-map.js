// Campaign dashboard: zone coloured by response rate (Leaflet, GeoJSON only, no tiles).
// Markup: <div class="survey-rate-map" data-rate-geojson-url="...">; each feature carries
// `rate` (percent or null) and a ready-made `label`. The table on the page has the same figures.
(function () {
  "use strict";

  // Five steps from light to dark blue, matching .survey-rate-0 ... .survey-rate-4 in the CSS.
  var STEPS = ["#d6e6f5", "#99c2eb", "#4d94db", "#0066cc", "#003d7a"];
  var HOVER = { color: "#1a1a1a", weight: 3 };

  function fill(rate) {
    if (rate === null || rate === undefined) {
      return "#e6e9f2";
    }
    return STEPS[Math.min(4, Math.floor(rate / 20))];
  }

  function show(map, container, data) {
    if (!data || !data.features || data.features.length === 0) {
      container.hidden = true;
      return;
    }
    var layer = L.geoJSON(data, {
      style: function (feature) {
        return { color: "#ffffff", weight: 1.5, fillColor: fill(feature.properties.rate), fillOpacity: 0.85 };
      },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindTooltip(feature.properties.label || "", { sticky: true });
        featureLayer.on("mouseover", function () { featureLayer.setStyle(HOVER); });
        featureLayer.on("mouseout", function () { layer.resetStyle(featureLayer); });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  }

  function init(container) {
    var url = container.getAttribute("data-rate-geojson-url");
    if (!url || typeof L === "undefined") {
      container.hidden = true;
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
      .then(function (data) { show(map, container, data); })
      .catch(function () { container.hidden = true; });
  }

  document.querySelectorAll(".survey-rate-map[data-rate-geojson-url]").forEach(init);
})();
