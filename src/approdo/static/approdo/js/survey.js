// Questionnaire page. The server evaluates the form and re-renders it (htmx); this module
// only looks after the keyboard focus and what is typed while a response is on its way.
(function () {
  "use strict";

  var previousPage = null;
  var typing = null; // {id, sent} of the field that had the focus when a request left

  function isTextField(element) {
    return (
      element &&
      element.id &&
      element.closest("#survey-body") &&
      element.matches("textarea, input[type=text], input[type=date], input[type=time]")
    );
  }

  function focus(element) {
    if (element) {
      element.focus();
      element.scrollIntoView({ block: "start" });
    }
  }

  // A page with errors after a post without htmx: start from the error summary.
  focus(document.getElementById("error-summary"));

  document.body.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    typing = isTextField(active) ? { id: active.id, sent: active.value } : null;
  });

  document.body.addEventListener("htmx:beforeSwap", function () {
    var body = document.getElementById("survey-body");
    previousPage = body ? body.dataset.page : null;
    var active = document.activeElement;
    if (typing && active && active.id === typing.id && active.value !== typing.sent) {
      typing.current = active.value; // typed after the request left: keep it
    }
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var body = document.getElementById("survey-body");
    if (!body) {
      return;
    }
    if (typing && typing.current !== undefined) {
      var field = document.getElementById(typing.id);
      if (field && field.value !== typing.current) {
        field.value = typing.current;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    typing = null;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (!trigger || trigger.type !== "submit") {
      return; // answering a question: the focus stays on it (htmx restores it by id)
    }
    var problem =
      document.getElementById("error-summary") || document.getElementById("survey-conflict");
    if (problem) {
      focus(problem);
    } else if (body.dataset.page !== previousPage) {
      focus(document.getElementById("survey-step") || body);
    }
  });
})();
