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
})();
