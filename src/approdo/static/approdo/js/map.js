// Territory maps: Leaflet with GeoJSON layers only (no tile layer, nothing fetched from third parties).
// Markup: <div class="territory-map" data-geojson-url="..."> ; each feature carries name, url and
// population properties and opens its page when selected. The table beside the map carries the
// same information for keyboard and screen-reader users.
(function () {
  "use strict";

  // Areas cycle through a few fills to tell them apart; colour carries no meaning of its own.
  var FILLS = ["#0066cc", "#008055", "#995c00", "#6b3fa0", "#b3003c", "#00708f", "#5c6f82"];
  var HOVER = { color: "#003366", weight: 3, fillOpacity: 0.75 };

  function formatNumber(value) {
    var lang = document.documentElement.lang || undefined;
    try {
      return Number(value).toLocaleString(lang);
    } catch (error) {
      return String(value);
    }
  }

  function label(properties) {
    var text = properties.name || "";
    if (properties.population !== null && properties.population !== undefined) {
      text += " (" + formatNumber(properties.population) + ")";
    }
    return text;
  }

  function addFeatures(map, container, data) {
    if (!data || !data.features || data.features.length === 0) {
      container.hidden = true;
      return;
    }
    var index = 0;
    var layer = L.geoJSON(data, {
      style: function () {
        var fill = FILLS[index % FILLS.length];
        index += 1;
        return { color: "#ffffff", weight: 1.5, fillColor: fill, fillOpacity: 0.55 };
      },
      onEachFeature: function (feature, featureLayer) {
        var properties = feature.properties || {};
        featureLayer.bindTooltip(label(properties), { sticky: true });
        featureLayer.on("mouseover", function () { featureLayer.setStyle(HOVER); });
        featureLayer.on("mouseout", function () { layer.resetStyle(featureLayer); });
        if (properties.url) {
          featureLayer.on("click", function () { window.location.assign(properties.url); });
        }
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  }

  function initMap(container) {
    var url = container.getAttribute("data-geojson-url");
    if (!url || typeof L === "undefined") {
      return;
    }
    var map = L.map(container, {
      attributionControl: false,
      scrollWheelZoom: false,
      zoomSnap: 0.25
    });
    map.setView([43.4, 11.0], 7);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) { addFeatures(map, container, data); })
      .catch(function () { container.hidden = true; });
  }

  document.querySelectorAll(".territory-map[data-geojson-url]").forEach(initMap);
})();
