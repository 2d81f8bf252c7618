// Judging pages: keyboard choices, zoom, and the time a pair is on screen.
// Behaviour is declared with data- attributes (no inline script: the CSP forbids it).
(function () {
  "use strict";

  var ZOOM_STEPS = [0.75, 0.9, 1, 1.25, 1.5, 2, 2.5, 3];

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && target.type !== "radio" && target.type !== "checkbox");
  }

  // ---------------------------------------------------------------- zoom
  function zoomPane(pane, direction) {
    var index = Number(pane.getAttribute("data-zoom-index") || ZOOM_STEPS.indexOf(1));
    if (direction === "in") { index = Math.min(index + 1, ZOOM_STEPS.length - 1); }
    else if (direction === "out") { index = Math.max(index - 1, 0); }
    else { index = ZOOM_STEPS.indexOf(1); }
    pane.setAttribute("data-zoom-index", String(index));
    var factor = ZOOM_STEPS[index];
    pane.querySelectorAll("[data-zoom-text]").forEach(function (text) {
      text.style.fontSize = (1.15 * factor).toFixed(3) + "rem";
    });
    pane.querySelectorAll("[data-zoom-target]").forEach(function (image) {
      image.style.width = Math.round(100 * factor) + "%";
    });
    var reset = pane.querySelector("[data-zoom='reset']");
    if (reset) { reset.textContent = Math.round(100 * factor) + "%"; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom]");
    if (!button) { return; }
    var pane = button.closest("[data-zoom-pane]");
    if (pane) { zoomPane(pane, button.getAttribute("data-zoom")); }
  });

  // ---------------------------------------------------------------- comparative judgement
  var form = document.querySelector("[data-cj-form]");
  if (form) {
    var activeMs = 0;
    var since = document.visibilityState === "visible" ? performance.now() : null;
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { since = performance.now(); }
      else if (since !== null) { activeMs += performance.now() - since; since = null; }
    });

    form.addEventListener("submit", function (event) {
      if (form.classList.contains("is-sent")) { event.preventDefault(); return; }
      var total = activeMs + (since !== null ? performance.now() - since : 0);
      form.querySelector("[data-active-ms]").value = String(Math.round(total));
      form.classList.add("is-sent");
    });

    var choose = function (side) {
      var button = form.querySelector("[data-choice='" + side + "']");
      if (button && !form.classList.contains("is-sent")) {
        button.focus();
        form.requestSubmit(button);
      }
    };

    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
      var key = event.key;
      if (key === "ArrowLeft" || key === "a" || key === "A") { event.preventDefault(); choose("left"); }
      else if (key === "ArrowRight" || key === "l" || key === "L") { event.preventDefault(); choose("right"); }
      else if (key === "+" || key === "=" || key === "-" || key === "0") {
        var direction = key === "-" ? "out" : key === "0" ? "reset" : "in";
        document.querySelectorAll("[data-zoom-pane]").forEach(function (pane) { zoomPane(pane, direction); });
      }
    });
  }

  // ---------------------------------------------------------------- moderation levels
  var groups = document.querySelectorAll("[data-level-options]");
  if (groups.length === 1) {
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
      var number = Number(event.key);
      if (!Number.isInteger(number) || number < 1) { return; }
      var options = groups[0].querySelectorAll("input[type='radio']");
      if (number <= options.length) {
        options[number - 1].checked = true;
        options[number - 1].focus();
      }
    });
  }
})();
