// The mark-entry grid: arrows, Enter and Tab move between cells; typing a mark saves it
// through htmx (the server answers with the cell's message, the pupil's total and a line for
// the live region). Without this script the grid is a plain form with a "Save all" button.
(function () {
  "use strict";
  var DELAY = 350;
  var MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  var timers = {};
  var queue = Promise.resolve();

  function gridOf(input) {
    return input.closest("[data-mark-grid]");
  }

  function isCell(target) {
    return target && target.matches && target.matches("input[data-mark]");
  }

  // Cells are found by their place in the table, so the markup needs no row or column numbers.
  function cellAt(table, row, col) {
    var tableRow = table.rows[row];
    var cell = tableRow && tableRow.cells[col];
    return cell ? cell.querySelector("input[data-mark]") : null;
  }

  function move(input, rows, cols) {
    var cell = input.closest("td");
    var table = input.closest("table");
    var row = cell.parentElement.rowIndex;
    var col = cell.cellIndex;
    for (var step = 1; step < 1000; step++) {
      var next = cellAt(table, row + rows * step, col + cols * step);
      if (!next) {
        return;
      }
      if (!next.disabled) {
        next.focus();
        next.select();
        return;
      }
    }
  }

  function messageFor(input) {
    var id = "e-" + input.name.slice(2);
    var message = document.getElementById(id);
    if (!message) {
      message = document.createElement("span");
      message.id = id;
      message.className = "cell-message";
      input.insertAdjacentElement("afterend", message);
    }
    input.setAttribute("aria-describedby", id);
    return id;
  }

  function save(input) {
    window.clearTimeout(timers[input.name]);
    var value = input.value.trim();
    if (value === (input.dataset.saved || "")) {
      return;
    }
    var grid = gridOf(input);
    var values = {};
    values[input.name] = value;
    var messageId = messageFor(input);
    input.classList.remove("is-saved");
    input.setAttribute("aria-busy", "true");
    // One save at a time, in the order typed, so a pupil's total is never overtaken by an
    // older answer and two saves of one cell land in order.
    queue = queue
      .then(function () {
        return window.htmx.ajax("POST", grid.dataset.cellUrl, {
          target: "#" + messageId,
          swap: "outerHTML",
          values: values,
          headers: { "X-CSRFToken": grid.dataset.csrf },
        });
      })
      .then(applyStates, failed);
  }

  // The server answers each save with the cell's message (data-state "saved" or "error");
  // the input's state follows it once htmx has swapped the message in.
  function applyStates() {
    document.querySelectorAll(".cell-message[data-state]:not([data-applied])").forEach(function (message) {
      message.setAttribute("data-applied", "");
      var input = document.querySelector('input[name="m-' + message.id.slice(2) + '"]');
      if (!input) {
        return;
      }
      var refused = message.dataset.state === "error";
      input.removeAttribute("aria-busy");
      input.classList.toggle("is-invalid", refused);
      input.classList.toggle("is-saved", !refused);
      input.setAttribute("aria-invalid", refused ? "true" : "false");
      if (!refused) {
        input.dataset.saved = message.dataset.value;
      }
    });
  }

  document.addEventListener("htmx:afterSettle", applyStates);

  function failed() {
    var grid = document.querySelector("[data-mark-grid]");
    var status = document.getElementById("grid-status");
    if (grid && status) {
      status.textContent = grid.dataset.failed;
      status.classList.add("is-error");
    }
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isCell(input)) {
      return;
    }
    var step = MOVES[event.key];
    if (event.key === "Enter") {
      step = [event.shiftKey ? -1 : 1, 0];
    }
    if (!step) {
      return;
    }
    event.preventDefault();
    save(input);
    move(input, step[0], step[1]);
  });

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!isCell(input)) {
      return;
    }
    window.clearTimeout(timers[input.name]);
    timers[input.name] = window.setTimeout(function () {
      save(input);
    }, DELAY);
  });

  document.addEventListener("change", function (event) {
    if (isCell(event.target)) {
      save(event.target);
    }
  });

  document.addEventListener("focusin", function (event) {
    if (isCell(event.target)) {
      event.target.select();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-mark-grid]").forEach(function (grid) {
      grid.classList.add("is-live");
      grid.querySelectorAll("input[data-mark]").forEach(function (input) {
        input.dataset.saved = input.value.trim();
      });
    });
  });
})();
