// The markbook: move with the arrow keys, type a level's number to record it (and move down),
// Enter or a click opens the cell's panel beside the grid. Focus stays in the grid unless the
// person moves it (Enter, Tab), so every digit typed lands on the cell that had focus.
//
// Every level typed, and every level chosen in the panel, goes into one write queue: saved in
// the order given, one at a time, each with its own idempotency key made when it was typed, so
// a retry can never record it twice. Each cell shows its state: saving (…), saved (✓) or not
// saved (!). A save that fails is kept, shown on its cell and in the message above the grid,
// tried again after a pause and on "Try again"; later levels for that cell wait behind it so
// they stay in order. Leaving the page while anything is unsaved asks first.
//
// Other people's changes arrive by polling. No inline script: the page carries its settings
// and its words (translated) in data- attributes, and its rows as data (`draw`).
(function () {
  "use strict";

  var RETRY_DELAYS = [5000, 15000, 30000, 60000];

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

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  // The rows come as data (nextsteps.markbook.kernels.grid.body_data): each state's button,
  // drawn and escaped by the server once, and each pupil's cells as the numbers of their
  // states. Each cell is joined here exactly as the server draws a single cell (`cell`), so a
  // saved cell, or another person's change, swaps in without changing what the cell says.
  // A page whose rows the server drew (`body`, for a browser without JavaScript) has no data.
  function draw(grid) {
    var source = document.getElementById("mb-grid-data");
    if (!source || !grid.tBodies.length) { return; }
    var data = JSON.parse(source.textContent);
    var profile = data.profile;
    var columns = data.columns;
    var buttons = data.buttons;
    var html = [];
    data.rows.forEach(function (row, r) {
      var pupil = row[0];
      var name = row[1];
      var states = data.cells[r];
      var opening = '<td id="cell-' + pupil + "-";
      var middle = '" class="mb-cell" data-pupil="' + pupil + '" data-objective="';
      html.push(
        (row[2] ? "<tr>" : '<tr class="mb-readonly">') +
        '<th scope="row" class="mb-pupil"><a href="' + profile[0] + pupil + profile[1] + '">' +
        name + "</a></th>"
      );
      for (var c = 0; c < columns.length; c++) {
        var button = buttons[states[c]];
        html.push(
          opening + columns[c][0] + middle + columns[c][0] + '">' +
          button[0] + name + ", " + columns[c][1] + button[1] + "</td>"
        );
      }
      html.push("</tr>");
    });
    grid.tBodies[0].innerHTML = html.join("");
  }

  function init(grid) {
    var canRecord = grid.dataset.canRecord === "true";
    var levelCount = parseInt(grid.dataset.levelCount, 10) || 0;
    var base = grid.dataset.cellBase;
    var words = (document.getElementById("mb-words") || grid).dataset;
    var status = document.getElementById("mb-status");
    var errorBox = document.getElementById("mb-error");
    var errorText = errorBox ? errorBox.querySelector("[data-mb-error-text]") : null;
    var retryButton = errorBox ? errorBox.querySelector("[data-mb-retry]") : null;
    var summary = document.getElementById("mb-saving");
    var panel = document.getElementById("mb-panel");
    var activeId = null;
    var panelCell = null;
    var typed = 0; // keys and clicks in the grid: a panel opened before the last one keeps out
    var queue = []; // saves not yet made, in the order they were asked for
    var sending = false;
    var retryTimer = null;
    var failures = 0;

    var levels = {};
    document.querySelectorAll("[data-mb-level]").forEach(function (key) {
      levels[key.dataset.mbLevel] = {
        css: key.dataset.mbLevelClass,
        label: key.dataset.mbLabel,
        short: key.dataset.mbShort
      };
    });

    function rows() { return Array.prototype.slice.call(grid.tBodies[0].rows); }
    function cellAt(r, c) {
      var row = rows()[r];
      return row ? row.cells[c + 1] : null; // cell 0 is the pupil's name
    }
    function position(td) {
      return { r: td.parentElement.sectionRowIndex, c: td.cellIndex - 1 };
    }
    function activeCell() { return activeId ? document.getElementById(activeId) : null; }
    function urlFor(td) { return base + td.dataset.pupil + "/" + td.dataset.objective + "/"; }
    function who(td) {
      var label = td.querySelector(".mb-btn").getAttribute("aria-label") || "";
      var cut = label.lastIndexOf(": ");
      return cut > 0 ? label.slice(0, cut) : label;
    }
    function say(text) { if (status) { status.textContent = text; } }
    function showError(text) {
      if (!errorBox) { return; }
      (errorText || errorBox).textContent = text;
      errorBox.classList.toggle("d-none", !text);
    }

    function activate(td, focus) {
      if (!td) { return; }
      var old = activeCell();
      if (old && old !== td) {
        var oldButton = old.querySelector(".mb-btn");
        if (oldButton) { oldButton.tabIndex = -1; oldButton.classList.remove("is-active"); }
      }
      activeId = td.id;
      var button = td.querySelector(".mb-btn");
      button.tabIndex = 0;
      button.classList.add("is-active");
      if (focus !== false) { button.focus(); }
    }

    function move(dr, dc) {
      var td = activeCell();
      if (!td) { return; }
      var p = position(td);
      var next = cellAt(p.r + dr, p.c + dc);
      if (next) { activate(next); }
    }

    // ------------------------------------------------------------------ the write queue

    function entriesFor(id) { return queue.filter(function (e) { return e.cell === id; }); }

    // Show a cell's state: the level last asked for while it is saving or not saved, and what
    // is saved once nothing is waiting.
    function paint(id) {
      var td = document.getElementById(id);
      if (!td) { return; }
      var mine = entriesFor(id);
      if (!mine.length && td.dataset.original) { restore(td); }
      var button = td.querySelector(".mb-btn");
      var failed = mine.some(function (e) { return e.state === "failed"; });
      var pending = mine.length > 0 && !failed;
      td.classList.toggle("is-pending", pending);
      td.classList.toggle("is-failed", failed || td.dataset.refused !== undefined);
      button.classList.toggle("is-saving", pending);
      if (!mine.length) { return; }
      if (!td.dataset.original) { td.dataset.original = button.outerHTML; }
      var latest = mine[mine.length - 1];
      var state = failed ? words.stateFailed : words.stateSaving;
      button.className = button.className.replace(/\blevel-\d+\b|\bmb-empty\b/g, "").trim();
      if (latest.css) { button.classList.add(latest.css); }
      button.textContent = latest.short;
      button.setAttribute("aria-label", who(td) + ": " + latest.label + " (" + state + ")");
      button.title = failed && latest.message ? latest.message : state;
    }

    // Put back the saved state of a cell whose waiting level was refused.
    function restore(td) {
      var holder = document.createElement("template");
      holder.innerHTML = td.dataset.original;
      delete td.dataset.original;
      var button = td.querySelector(".mb-btn");
      var hadFocus = button === document.activeElement;
      var saved = holder.content.firstChild;
      saved.tabIndex = -1;
      saved.classList.remove("is-active");
      button.replaceWith(saved);
      if (td.id === activeId) { activate(td, hadFocus); }
    }

    function enqueue(td, data, level) {
      var entry = {
        cell: td.id,
        url: urlFor(td),
        data: data,
        key: pressKey(),
        label: level.label,
        short: level.short,
        css: level.css,
        state: "waiting",
        message: "",
        fromPanel: Boolean(level.fromPanel)
      };
      // One key per press, kept for every retry: if it reaches the server twice, it is stored once.
      entry.data.set("idempotency_key", entry.key);
      delete td.dataset.refused;
      queue.push(entry);
      paint(td.id);
      report();
      pump();
    }

    function pump() {
      if (sending) { return; }
      var blocked = {};
      var next = null;
      for (var i = 0; i < queue.length; i++) {
        var entry = queue[i];
        if (entry.state === "failed") { blocked[entry.cell] = true; continue; }
        if (entry.state === "waiting" && !blocked[entry.cell]) { next = entry; break; }
      }
      report();
      if (!next) { return; }
      sending = true;
      next.state = "sending";
      send(next).then(function () {
        sending = false;
        pump();
      });
    }

    function send(entry) {
      return window.fetch(entry.url, {
        method: "POST",
        body: entry.data,
        credentials: "same-origin",
        redirect: "manual", // signed out: the sign-in page is not a saved cell
        headers: { "X-CSRFToken": csrf(), "HX-Request": "true" }
      }).then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 0) {
          failed(entry, words.signedOut);
          return null;
        }
        return response.text().then(function (text) {
          if (response.ok) { saved(entry, text); return; }
          var message = messageFrom(response) || words.serverError;
          if (response.status >= 500 || response.status === 408 || response.status === 429) {
            failed(entry, message);
          } else {
            refused(entry, message, text);
          }
        });
      }).catch(function () {
        failed(entry, words.networkError);
      });
    }

    function messageFrom(response) {
      try {
        var trigger = JSON.parse(response.headers.get("HX-Trigger") || "{}");
        return trigger["markbook:error"] || "";
      } catch (error) {
        return "";
      }
    }

    function remove(entry) {
      var at = queue.indexOf(entry);
      if (at >= 0) { queue.splice(at, 1); }
    }

    function saved(entry, html) {
      remove(entry);
      var fresh = replaceCell(html);
      if (fresh) {
        fresh.classList.add("is-saved");
        window.setTimeout(function () {
          var now = document.getElementById(entry.cell);
          if (now) { now.classList.remove("is-saved"); }
        }, 2500);
        say(words.saved + " " + fresh.querySelector(".mb-btn").getAttribute("aria-label"));
      }
      if (!queue.some(function (e) { return e.state === "failed"; })) {
        failures = 0;
        showError("");
      }
      if (panelCell === entry.cell && panel && !panel.hidden) {
        var inPanel = panel.contains(document.activeElement);
        if (entry.fromPanel || !inPanel) { loadPanel(entry.cell, entry.fromPanel); }
      }
    }

    // Could not be saved now (the network, the server, signed out): kept, and tried again.
    function failed(entry, message) {
      entry.state = "failed";
      entry.message = message;
      failures += 1;
      paint(entry.cell);
      report();
      var delay = RETRY_DELAYS[Math.min(failures, RETRY_DELAYS.length) - 1];
      if (!retryTimer) { retryTimer = window.setTimeout(retryAll, delay); }
    }

    // Refused by a rule (not a level here, not your pupil): trying again would not help, so
    // the cell shows the reason and goes back to what is saved.
    function refused(entry, message, html) {
      remove(entry);
      var fresh = replaceCell(html) || document.getElementById(entry.cell);
      if (fresh) {
        fresh.dataset.refused = message;
        fresh.querySelector(".mb-btn").title = message;
        paint(fresh.id);
      }
      showError(message);
      say(message);
    }

    function retryAll() {
      window.clearTimeout(retryTimer);
      retryTimer = null;
      queue.forEach(function (entry) {
        if (entry.state === "failed") { entry.state = "waiting"; paint(entry.cell); }
      });
      pump();
    }

    function report() {
      var waiting = queue.filter(function (e) { return e.state !== "failed"; }).length;
      var notSaved = queue.length - waiting;
      grid.dataset.unsaved = String(queue.length);
      if (summary) {
        summary.textContent = waiting ? fill(words.saving, { n: waiting }) : "";
        summary.classList.toggle("d-none", !waiting);
      }
      if (notSaved) {
        var last = queue.filter(function (e) { return e.state === "failed"; }).pop();
        showError(fill(words.notSaved, { n: notSaved }) + " " + (last ? last.message : ""));
        if (retryButton) { retryButton.hidden = false; }
      } else if (retryButton) {
        retryButton.hidden = true;
      }
    }

    // Put a cell from the server in place of the one shown, keeping focus and the active cell.
    function replaceCell(html) {
      var holder = document.createElement("template");
      holder.innerHTML = (html || "").trim();
      var fresh = holder.content.querySelector("td.mb-cell");
      if (!fresh) { return null; }
      fresh.removeAttribute("hx-swap-oob");
      var old = document.getElementById(fresh.id);
      if (!old) { return null; }
      var hadFocus = old.contains(document.activeElement);
      old.replaceWith(fresh);
      if (fresh.id === activeId) { activate(fresh, hadFocus); }
      paint(fresh.id);
      return fresh;
    }

    function record(td, levelPosition) {
      if (!canRecord || td.parentElement.classList.contains("mb-readonly")) {
        showError(words.cannotRecord);
        say(words.cannotRecord);
        return;
      }
      var method = document.getElementById("mb-method");
      var data = new FormData();
      data.set("position", String(levelPosition));
      data.set("method", method ? method.value : "");
      var level = levels[String(levelPosition)] || { label: String(levelPosition), css: "" };
      // The cell shows the level's short label while it saves, as it will once saved.
      enqueue(td, data, { label: level.label, css: level.css, short: level.short || String(levelPosition) });
    }

    if (retryButton) { retryButton.addEventListener("click", retryAll); }
    window.addEventListener("beforeunload", function (event) {
      if (queue.length) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    // ------------------------------------------------------------------ keys and clicks

    grid.addEventListener("keydown", function (event) {
      var td = event.target.closest("td.mb-cell");
      if (!td) { return; }
      typed += 1;
      if (activeId !== td.id) { activate(td, false); }
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var key = event.key;
      if (key === "ArrowDown") { move(1, 0); }
      else if (key === "ArrowUp") { move(-1, 0); }
      else if (key === "ArrowRight") { move(0, 1); }
      else if (key === "ArrowLeft") { move(0, -1); }
      else if (key === "Home") { activate(cellAt(position(td).r, 0)); }
      else if (key === "End") { activate(cellAt(position(td).r, rows()[0].cells.length - 2)); }
      else if (/^[0-9]$/.test(key)) {
        var n = parseInt(key, 10);
        if (n >= 1 && n <= levelCount) {
          record(td, n);
          move(1, 0);
        } else {
          say(fill(words.tooHigh, { n: levelCount }));
        }
      }
      else if (key === "Enter" || key === " ") { openPanel(td, true); }
      else { return; }
      event.preventDefault();
    });

    grid.addEventListener("click", function (event) {
      var fillLink = event.target.closest("a[data-mb-fill]");
      if (fillLink && panel) {
        event.preventDefault();
        panelCell = null;
        htmx.ajax("GET", fillLink.href, { target: "#mb-panel", swap: "innerHTML" }).then(function () {
          panel.hidden = false;
          var first = panel.querySelector("input[type=radio]:checked, .btn-close");
          if (first) { first.focus(); }
        });
        return;
      }
      var td = event.target.closest("td.mb-cell");
      if (!td) { return; }
      typed += 1;
      // The cell takes focus, not the panel: digits typed next are levels for this cell.
      activate(td);
      openPanel(td, false);
    });

    grid.addEventListener("focusin", function (event) {
      var td = event.target.closest("td.mb-cell");
      if (td && td.id !== activeId) { activate(td, false); }
    });

    // ------------------------------------------------------------------ the side panel

    function openPanel(td, moveFocus) {
      if (!panel) { return; }
      say(words.panelOpen);
      loadPanel(td.id, moveFocus);
    }

    // Load a cell's history into the panel. Focus moves into it only when asked (Enter) and
    // nothing was typed in the grid while it loaded: typing is never interrupted.
    function loadPanel(id, moveFocus) {
      var td = document.getElementById(id);
      if (!td) { return; }
      var asked = typed;
      panelCell = id;
      htmx.ajax("GET", urlFor(td) + "?grid=1", { target: "#mb-panel", swap: "innerHTML" })
        .then(function () {
          panel.hidden = false;
          // The grid narrows beside the panel: keep the cell it is about in view.
          var shown = document.getElementById(id);
          if (shown) { shown.scrollIntoView({ block: "nearest", inline: "nearest" }); }
          if (moveFocus && typed === asked && panelCell === id) {
            var first = panel.querySelector(".mb-level-btn, .btn-close");
            if (first) { first.focus(); }
          }
        });
    }

    function closePanel() {
      if (!panel || panel.hidden) { return; }
      var wasInside = panel.contains(document.activeElement);
      panel.hidden = true;
      panel.innerHTML = "";
      panelCell = null;
      var td = activeCell();
      if (td) { activate(td, wasInside || document.activeElement === document.body); }
    }

    if (panel) {
      // A correction redraws the panel; whoever pressed its button stays in the panel.
      panel.addEventListener("htmx:afterSettle", function () {
        if (document.activeElement === document.body && !panel.hidden) {
          var close = panel.querySelector(".btn-close");
          if (close) { close.focus(); }
        }
      });
      panel.addEventListener("click", function (event) {
        if (event.target.closest("[data-mb-close]")) { closePanel(); }
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { closePanel(); }
      });
      // A level chosen in the panel joins the same queue as the typed ones.
      panel.addEventListener("submit", function (event) {
        var form = event.target.closest("form[data-mb-record]");
        if (!form) { return; }
        event.preventDefault();
        var inner = form.closest("[data-mb-cell]");
        var td = inner ? document.getElementById(inner.dataset.mbCell) : null;
        var submitter = event.submitter;
        // Enter in the date box submits with the first level: only a level pressed counts.
        var pressed = document.activeElement === submitter || !form.contains(document.activeElement);
        if (!td || !submitter || !submitter.value || !pressed) { return; }
        var data = new FormData(form);
        data.set(submitter.name, submitter.value);
        var match = /\blevel-\d+\b/.exec(submitter.className);
        enqueue(td, data, {
          label: submitter.dataset.mbLabel || submitter.textContent.trim(),
          css: match ? match[0] : "",
          short: submitter.dataset.mbShort || "",
          fromPanel: true
        });
      });
    }

    // A correction in the panel brings the grid's cell back with it (out of band): keep the
    // active cell the grid's tab stop, and any level still waiting for it shown.
    document.body.addEventListener("htmx:oobAfterSwap", function () {
      var td = activeCell();
      if (td && !td.querySelector(".mb-btn.is-active")) { activate(td, false); }
      queue.forEach(function (entry) { paint(entry.cell); });
    });

    var first = cellAt(0, 0);
    if (first) { activate(first, false); }

    // ------------------------------------------------------------------ column wording

    // A column's code is a button: a tap (or Enter) shows the objective's full wording in a
    // box that stays in view; the same button, Close or Escape hides it and focus returns.
    var wording = document.getElementById("mb-column-wording");
    var wordingFor = null;
    function closeWording(returnFocus) {
      if (!wording || !wordingFor) { return; }
      wording.hidden = true;
      wordingFor.setAttribute("aria-expanded", "false");
      if (returnFocus) { wordingFor.focus(); }
      wordingFor = null;
    }
    function showWording(button) {
      if (wordingFor) { wordingFor.setAttribute("aria-expanded", "false"); }
      wording.querySelector("[data-mb-wording-code]").textContent = button.dataset.mbCode;
      wording.querySelector("[data-mb-wording-text]").textContent = button.dataset.mbWording;
      wording.hidden = false;
      button.setAttribute("aria-expanded", "true");
      wordingFor = button;
    }
    if (wording) {
      grid.tHead.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-mb-wording]");
        if (!button) { return; }
        if (wordingFor === button) { closeWording(false); } else { showWording(button); }
      });
      grid.tHead.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && wordingFor) { closeWording(true); }
      });
      wording.querySelector("[data-mb-wording-close]").addEventListener("click", function () {
        closeWording(true);
      });
    }

    // The skip link lands on the cell the arrow keys move from, so typing can start at once.
    var skip = document.querySelector("[data-mb-skip]");
    if (skip) {
      skip.addEventListener("click", function (event) {
        var td = activeCell();
        if (!td) { return; }
        event.preventDefault();
        td.scrollIntoView({ block: "nearest", inline: "nearest" });
        activate(td, true);
      });
    }

    // ------------------------------------------------------------------ other people's edits

    // Ask every 15 seconds for cells changed since the last answer. A cell with a level of
    // ours still waiting keeps showing it: ours is the later one and will arrive.
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
      window.fetch(grid.dataset.changesUrl + "?" + query, {
        credentials: "same-origin",
        redirect: "manual",
        headers: { "HX-Request": "true" }
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html;
        holder.content.querySelectorAll("td.mb-cell").forEach(function (td) {
          if (!entriesFor(td.id).length) { replaceCell(td.outerHTML); }
        });
        var since = holder.content.querySelector("#mb-poll");
        if (since) { poll.dataset.since = since.dataset.since; }
      }).catch(function () { /* the next poll asks again */ });
    }, 15000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-markbook]").forEach(function (grid) {
      draw(grid);
      init(grid);
    });
  });
})();
