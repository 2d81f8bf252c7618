// The markbook: move with the arrow keys, type a level's number to record it (and move down),
// Enter or a click opens the cell's panel. Saves go through htmx; other people's changes
// arrive by polling. No inline script: the page carries its settings in data- attributes.
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function pressKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "mb-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function init(grid) {
    var canRecord = grid.dataset.canRecord === "true";
    var levelCount = parseInt(grid.dataset.levelCount, 10) || 0;
    var base = grid.dataset.cellBase;
    var status = document.getElementById("mb-status");
    var errorBox = document.getElementById("mb-error");
    var panel = document.getElementById("mb-panel");
    var active = null;

    function rows() { return Array.prototype.slice.call(grid.tBodies[0].rows); }
    function cellAt(r, c) {
      var row = rows()[r];
      return row ? row.cells[c + 1] : null; // cell 0 is the pupil's name
    }
    function position(td) {
      return { r: td.parentElement.sectionRowIndex, c: td.cellIndex - 1 };
    }
    function urlFor(td) { return base + td.dataset.pupil + "/" + td.dataset.objective + "/"; }
    function say(text) { if (status) { status.textContent = text; } }
    function showError(text) {
      if (!errorBox) { return; }
      errorBox.textContent = text;
      errorBox.classList.toggle("d-none", !text);
    }

    function activate(td, focus) {
      if (!td) { return; }
      if (active) {
        var old = active.querySelector(".mb-btn");
        if (old) { old.tabIndex = -1; old.classList.remove("is-active"); }
      }
      active = td;
      var button = td.querySelector(".mb-btn");
      button.tabIndex = 0;
      button.classList.add("is-active");
      if (focus !== false) { button.focus(); }
    }

    function move(dr, dc) {
      if (!active) { return; }
      var p = position(active);
      var next = cellAt(p.r + dr, p.c + dc);
      if (next) { activate(next); }
    }

    function record(td, levelPosition) {
      if (!canRecord || td.parentElement.classList.contains("mb-readonly")) {
        say("You cannot record for this pupil.");
        return;
      }
      var method = document.getElementById("mb-method");
      var p = position(td);
      td.querySelector(".mb-btn").classList.add("is-saving");
      // Each cell is its own request source: htmx queues requests per source, and with one
      // shared source a fast typist's earlier presses would be replaced by later ones.
      htmx.ajax("POST", urlFor(td), {
        source: td,
        target: "#" + td.id,
        swap: "outerHTML",
        // One key per press: if the same press reaches the server twice, it is stored once.
        values: {
          position: levelPosition,
          method: method ? method.value : "",
          idempotency_key: pressKey()
        },
        headers: { "X-CSRFToken": csrf() }
      }).then(function () {
        var fresh = cellAt(p.r, p.c);
        var wasActive = active === td;
        if (fresh) {
          var label = fresh.querySelector(".mb-btn").getAttribute("aria-label");
          say("Saved: " + label);
          showError("");
          if (wasActive || !document.contains(active)) { activate(fresh, false); }
        }
      });
    }

    grid.addEventListener("keydown", function (event) {
      var td = event.target.closest("td.mb-cell");
      if (!td) { return; }
      if (active !== td) { activate(td, false); }
      var key = event.key;
      if (key === "ArrowDown") { move(1, 0); }
      else if (key === "ArrowUp") { move(-1, 0); }
      else if (key === "ArrowRight") { move(0, 1); }
      else if (key === "ArrowLeft") { move(0, -1); }
      else if (key === "Home") { activate(cellAt(position(td).r, 0)); }
      else if (key === "End") { activate(cellAt(position(td).r, rows()[0].cells.length - 2)); }
      else if (/^[1-9]$/.test(key) && parseInt(key, 10) <= levelCount) {
        record(td, parseInt(key, 10));
        move(1, 0);
      }
      else if (key === "Enter" || key === " ") { openPanel(td); }
      else { return; }
      event.preventDefault();
    });

    grid.addEventListener("click", function (event) {
      var fill = event.target.closest("a[data-mb-fill]");
      if (fill && panel) {
        event.preventDefault();
        htmx.ajax("GET", fill.href, { target: "#mb-panel", swap: "innerHTML" }).then(function () {
          panel.hidden = false;
          var first = panel.querySelector("input[type=radio]:checked, .btn-close");
          if (first) { first.focus(); }
        });
        return;
      }
      var td = event.target.closest("td.mb-cell");
      if (!td) { return; }
      activate(td);
      openPanel(td);
    });

    grid.addEventListener("focusin", function (event) {
      var td = event.target.closest("td.mb-cell");
      if (td && td !== active) { activate(td, false); }
    });

    function openPanel(td) {
      if (!panel) { return; }
      htmx.ajax("GET", urlFor(td), { target: "#mb-panel", swap: "innerHTML" }).then(function () {
        panel.hidden = false;
        var first = panel.querySelector(".mb-level-btn, .btn-close");
        if (first) { first.focus(); }
      });
    }

    function closePanel() {
      if (!panel || panel.hidden) { return; }
      panel.hidden = true;
      panel.innerHTML = "";
      if (active) { activate(active); }
    }

    if (panel) {
      panel.addEventListener("click", function (event) {
        if (event.target.closest("[data-mb-close]")) { closePanel(); }
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { closePanel(); }
      });
      panel.addEventListener("htmx:afterRequest", function (event) {
        if (event.detail.successful && event.target.closest("form.mb-record")) {
          // Reload the panel so its history shows the new event.
          if (active) { openPanel(active); }
        }
      });
    }

    document.body.addEventListener("markbook:error", function (event) {
      var text = event.detail && event.detail.value ? event.detail.value : "That could not be saved.";
      showError(text);
      say(text);
      grid.querySelectorAll(".is-saving").forEach(function (b) { b.classList.remove("is-saving"); });
    });

    var first = cellAt(0, 0);
    if (first) { activate(first, false); }

    // Other teachers' edits: ask every 15 seconds for cells changed since the last answer.
    var objectives = [];
    var firstRow = rows()[0];
    if (firstRow) {
      for (var i = 1; i < firstRow.cells.length; i++) { objectives.push(firstRow.cells[i].dataset.objective); }
    }
    window.setInterval(function () {
      var poll = document.getElementById("mb-poll");
      if (!poll || document.hidden) { return; }
      var query = "since=" + encodeURIComponent(poll.dataset.since) +
        objectives.map(function (o) { return "&objective=" + o; }).join("");
      htmx.ajax("GET", grid.dataset.changesUrl + "?" + query, { target: "#mb-poll", swap: "none" }).then(function () {
        if (active && !document.contains(active)) {
          var again = document.getElementById(active.id);
          if (again) { activate(again, false); }
        }
      });
    }, 15000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-markbook]").forEach(init);
  });
})();
