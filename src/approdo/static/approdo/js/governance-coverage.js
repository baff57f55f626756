// SAI coverage map: Leaflet with GeoJSON layers only (no tiles). Markup:
// <div class="coverage-map" data-geojson-url="..."> ; each feature carries name, url, value and
// class (c0-c4, na). Fills are the legend's own SVG patterns (#fill-c0 ... #fill-na, colour and
// hatching, in governance/sai/_map_patterns.html); the table below the map gives the same
// figures for keyboard and screen-reader users, so the map itself stays out of the tab order.
(function () {
  "use strict";

  var FILLS = {
    c0: "#ffffff",
    c1: "#c6dbef",
    c2: "#6baed6",
    c3: "#2171b5",
    c4: "#08306b",
    na: "#d9dadb"
  };
  var HOVER = { color: "#ff9900", weight: 3 };

  function style(feature) {
    var code = (feature.properties || {})["class"];
    return {
      color: "#3d4d5c",
      weight: 0.8,
      fillColor: "url(#fill-" + (FILLS[code] ? code : "na") + ")",
      fillOpacity: 1
    };
  }

  function addFeatures(map, container, data) {
    if (!data || !data.features || data.features.length === 0) {
      container.hidden = true;
      return;
    }
    var layer = L.geoJSON(data, {
      style: style,
      onEachFeature: function (feature, featureLayer) {
        var properties = feature.properties || {};
        featureLayer.bindTooltip(properties.name + ": " + properties.value, { sticky: true });
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
      keyboard: false,
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

  document.querySelectorAll(".coverage-map[data-geojson-url]").forEach(initMap);
})();
