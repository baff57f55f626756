// Questionnaire autosave. Every change is saved as a draft, one request at a time: a change
// made while a save is on its way marks the form dirty, and the latest state of the whole page
// is sent as soon as that save comes back (with the revision it returned), so an older request
// can never overwrite a newer state and nothing clicked or typed meanwhile is lost. The page is
// re-rendered from the server's answer only when nothing changed since it was sent. The status
// note says what is true: saving, saved, or not saved with a button to try again. The buttons
// of the form (next, previous, add, remove, submit) still go through htmx, after any save
// in progress.
(function () {
  "use strict";

  var form = document.querySelector("form[data-survey-form]");
  var retry = document.getElementById("survey-retry");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) {
    return; // without it, every change still goes with the form's buttons
  }
  var CHANGE_DELAY = 400; // a checkbox, a radio button, a field left
  var TYPING_DELAY = 1500; // a pause while typing
  var timer = null;
  var inFlight = false;
  var dirty = false;
  var submitting = false;
  var pendingSubmit = null; // the button of a form submission waiting for a save to end

  function setStatus(state, text) {
    form.dataset.autosave = state;
    var status = document.getElementById("survey-status"); // htmx replaces it out of band
    if (status) {
      status.textContent = text;
    }
    if (retry) {
      retry.hidden = state !== "failed";
    }
  }

  function inBody(element) {
    return element && element.closest && element.closest("#survey-body");
  }

  function isTextField(element) {
    return (
      inBody(element) &&
      element.matches("textarea, input:not([type]), input[type=text], input[type=email], " +
        "input[type=number], input[type=tel], input[type=url], input[type=date], input[type=time]")
    );
  }

  function schedule(delay) {
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(function () {
      timer = null;
      send();
    }, delay);
  }

  function changed(event) {
    if (!inBody(event.target) || !event.target.name) {
      return;
    }
    dirty = true;
    if (!inFlight) {
      setStatus("pending", form.dataset.msgPending);
    }
    schedule(event.type === "input" ? TYPING_DELAY : CHANGE_DELAY);
  }

  function revisionInput() {
    return form.querySelector("input[name=_revision]");
  }

  function swapBody(fresh) {
    var current = document.getElementById("survey-body");
    var active = document.activeElement;
    var focusId = inBody(active) ? active.id : null;
    var selection = null;
    var typed = null; // the field being typed in keeps its value as it is, spaces included
    if (focusId && isTextField(active)) {
      typed = active.value;
      try {
        selection = [active.selectionStart, active.selectionEnd];
      } catch (error) {
        selection = null; // inputs without a text selection (date, number)
      }
    }
    var body = document.importNode(fresh, true);
    current.replaceWith(body);
    if (window.htmx) {
      window.htmx.process(body);
    }
    var again = focusId && document.getElementById(focusId);
    if (again) {
      if (typed !== null && "value" in again && again.value !== typed) {
        again.value = typed;
      }
      again.focus({ preventScroll: true });
      if (selection && selection[0] !== null) {
        try {
          again.setSelectionRange(selection[0], selection[1]);
        } catch (error) {
          // not a text input any more
        }
      }
    }
  }

  function idle() {
    if (pendingSubmit && !inFlight && !timer) {
      var button = pendingSubmit;
      pendingSubmit = null;
      form.requestSubmit(button && button.isConnected ? button : undefined);
    }
  }

  function failed() {
    dirty = true; // what was not saved is sent again with the next change or the button
    setStatus("failed", form.dataset.msgFailed);
    if (pendingSubmit) {
      pendingSubmit = null; // the person sees the note and presses the button again
    }
  }

  function send() {
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (inFlight || submitting) {
      return; // sent when the request on its way comes back
    }
    dirty = false;
    inFlight = true;
    var data = new FormData(form);
    data.set("_action", "save");
    setStatus("saving", form.dataset.msgSaving);
    window
      .fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "HX-Request": "true", "HX-Current-URL": window.location.href },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (text) {
        inFlight = false;
        var doc = new DOMParser().parseFromString(text, "text/html");
        var body = doc.getElementById("survey-body");
        if (!body) {
          throw new Error("no form in the answer");
        }
        var saved = body.dataset.save === "saved";
        if (!saved) {
          // Someone else saved meanwhile, or the questionnaire closed: the page says so.
          dirty = false;
          swapBody(body);
          setStatus("refused", form.dataset.msgRefused);
          pendingSubmit = null;
          return;
        }
        var revision = revisionInput();
        var returned = body.querySelector("input[name=_revision]");
        if (revision && returned) {
          revision.value = returned.value;
        }
        if (dirty) {
          send(); // changed while this one was on its way: the latest state goes now
          return;
        }
        // Re-render (relevance, errors, calculations); the field with the focus keeps what
        // is typed in it.
        swapBody(body);
        var note = doc.getElementById("survey-status");
        setStatus("saved", (note && note.textContent.trim()) || form.dataset.msgSaved);
        idle();
      })
      .catch(function () {
        inFlight = false;
        failed();
      });
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (isTextField(event.target)) {
      changed(event);
    }
  });
  if (retry) {
    retry.addEventListener("click", function () {
      dirty = true;
      send();
    });
  }

  // The form's buttons: wait for the save on its way (they carry the whole page anyway).
  form.addEventListener("htmx:confirm", function (event) {
    if (inFlight) {
      event.preventDefault();
      var trigger = event.detail.triggeringEvent;
      pendingSubmit = (trigger && trigger.submitter) || null;
      return;
    }
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    dirty = false;
  });
  form.addEventListener("htmx:beforeRequest", function () {
    submitting = true;
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    submitting = false;
    if (!event.detail.successful) {
      failed();
    }
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    var body = document.getElementById("survey-body");
    if (body && body.dataset.save === "saved") {
      var note = document.getElementById("survey-status");
      setStatus("saved", (note && note.textContent.trim()) || form.dataset.msgSaved);
    }
    if (dirty) {
      send();
    }
  });
})();
