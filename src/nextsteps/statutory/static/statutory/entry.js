// Column entry, as in a markbook: Enter or the down arrow moves to the next pupil's box, the
// up arrow to the one before, so a class's marks are typed without the mouse. Without this
// script the page is a plain form; Enter then submits it.
(function () {
  "use strict";

  function boxes(input) {
    var form = input.closest("[data-column-entry]");
    return Array.prototype.slice.call(form.querySelectorAll("input[data-entry]:not([disabled])"));
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-column-entry] input[data-entry]")) {
      return;
    }
    var step = { Enter: 1, ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (!step) {
      return;
    }
    var all = boxes(input);
    var next = all[all.indexOf(input) + step];
    event.preventDefault();
    if (next) {
      next.focus();
      next.select();
    } else if (step > 0) {
      var save = input.closest("form").querySelector("button[type=submit]");
      if (save) {
        save.focus();
      }
    }
  });
})();
