// Governance: keeps the keyboard focus on an entry after it moves on the board (htmx swap),
// and draws the pipeline map (Leaflet, GeoJSON only, no tiles). Pages work without it.
(function () {
  "use strict";

  // The same colours and outlines as the legend swatches (governance-pipeline.css): some statuses
  // get a dashed or dotted outline so that they differ by more than colour.
  var STYLES = {
    not_contacted: { fillColor: "#d9dee3", dashArray: null },
    contacted: { fillColor: "#0066cc", dashArray: "4 3" },
    interested: { fillColor: "#00708f", dashArray: null },
    designing: { fillColor: "#995c00", dashArray: "1 3" },
    application_submitted: { fillColor: "#6b3fa0", dashArray: null },
    active: { fillColor: "#008055", dashArray: null },
    not_interested: { fillColor: "#b3003c", dashArray: "6 2" }
  };

  function focusMoved(root) {
    var board = root.id === "pipeline-board" ? root : root.querySelector("#pipeline-board");
    if (!board) {
      return;
    }
    var id = board.getAttribute("data-moved-entry");
    var card = id && document.getElementById(id);
    if (!card) {
      return;
    }
    var select = card.querySelector("select");
    (select || card).focus();
    // The board was replaced: announce the move from the live region that stays in place.
    var announce = document.getElementById("pipeline-announce");
    var message = board.querySelector("[data-moved-message]");
    if (announce && message) {
      announce.textContent = message.textContent;
    }
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    focusMoved(event.detail.elt || document);
  });

  function drawMap(container) {
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
          style: function (feature) {
            var style = STYLES[feature.properties.status] || STYLES.not_contacted;
            return {
              color: "#1a1a1a",
              weight: 1,
              dashArray: style.dashArray,
              fillColor: style.fillColor,
              fillOpacity: 0.7
            };
          },
          onEachFeature: function (feature, featureLayer) {
            var p = feature.properties || {};
            featureLayer.bindTooltip(p.name + ": " + p.status_label, { sticky: true });
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      })
      .catch(function () { container.hidden = true; });
  }

  focusMoved(document);
  document.querySelectorAll(".pipeline-map[data-geojson-url]").forEach(drawMap);
})();
