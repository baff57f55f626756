// Behaviour shared by every page, attached through data- attributes (no inline scripts: strict CSP).
(function () {
  "use strict";

  // Submit a form when a select marked data-submit-on-change changes (the button stays for no-JS).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-submit-on-change]") && target.form) {
      target.form.requestSubmit();
    }
  });

  // A link to #main-content moves keyboard focus into <main>, not only the scroll position.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href="#main-content"]');
    if (link) {
      var main = document.getElementById("main-content");
      if (main) {
        main.focus();
      }
    }
  });

  // Filter panels fold behind their "Filters" button on small screens (components/filters_toggle
  // .html). Without JavaScript the panel stays open. A panel replaced by htmx keeps the state the
  // person left it in.
  var openPanels = {};
  var SMALL = window.matchMedia("(max-width: 991.98px)");

  function foldFilters(root) {
    root.querySelectorAll("[data-filters-toggle]").forEach(function (button) {
      var id = button.getAttribute("aria-controls");
      var panel = document.getElementById(id);
      if (!panel) {
        return;
      }
      button.hidden = false;
      panel.classList.add("collapse", "d-lg-block");
      var open = Boolean(openPanels[id]) || !SMALL.matches;
      panel.classList.toggle("show", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  document.addEventListener("shown.bs.collapse", function (event) {
    openPanels[event.target.id] = true;
  });
  document.addEventListener("hidden.bs.collapse", function (event) {
    openPanels[event.target.id] = false;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    foldFilters(event.detail.elt || document);
  });
  foldFilters(document);

  // A table wider than the screen scrolls inside its .table-responsive wrapper: keyboard users
  // must reach it to scroll it (WCAG 2.1.1), so a wrapper that scrolls becomes focusable, named
  // after its table's caption or the heading before it. Wrappers that fit are left alone.
  function focusableScrolling(root) {
    root.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      if (wrapper.hasAttribute("tabindex") && !wrapper.dataset.scrollFocus) {
        return; // the template made it focusable itself
      }
      if (wrapper.scrollWidth <= wrapper.clientWidth) {
        return;
      }
      wrapper.dataset.scrollFocus = "1";
      wrapper.setAttribute("tabindex", "0");
      var caption = wrapper.querySelector("caption");
      var heading = caption ? null : wrapper.previousElementSibling;
      var name = caption ? caption.textContent : heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : "";
      if (name.trim() && !wrapper.hasAttribute("role")) {
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", name.trim());
      }
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    focusableScrolling(event.detail.elt || document);
  });
  window.addEventListener("resize", function () {
    focusableScrolling(document);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      focusableScrolling(document);
    });
  } else {
    focusableScrolling(document);
  }
})();
