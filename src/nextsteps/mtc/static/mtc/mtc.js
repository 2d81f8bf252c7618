// Multiplication tables check practice: the check's timing, the on-screen number pad and
// the keyboard, and handing the answers in so that none is ever lost.
//
// The server made the form from a seed it keeps; the page only times the questions. Each
// question has its time (6 seconds, from the check's rules, in data- attributes) and a pause
// before the next (3 seconds), or a "Next" button when that is the pupil's arrangement.
// Digits, Backspace and Enter work from a keyboard and from the pad.
//
// Why one request at the end rather than a queue of answers: an answer alone is worth
// nothing until the practice is finished (the score and the fact map need all of them), and
// one request means one idempotency key and one write. The answers are kept in the browser's
// storage from the moment the last question ends until the server says they are saved; the
// request is tried again after a pause (and from the times tables page on a later visit),
// always with the same key, so a retry can never store them twice. No inline script: the
// page carries its settings and its words in data- attributes.
(function () {
  "use strict";

  var STORE = "nextsteps.mtc.pending.";
  var RETRY_DELAYS = [2000, 5000, 15000, 30000, 60000];

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "mtc-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  // ---- the store of answers not yet saved ----------------------------------------------

  function keep(entry) {
    try { window.localStorage.setItem(STORE + entry.attempt, JSON.stringify(entry)); } catch (e) { /* private mode: the page still holds them */ }
  }
  function forget(entry) {
    try { window.localStorage.removeItem(STORE + entry.attempt); } catch (e) { /* nothing kept */ }
  }
  function stored(attempt) {
    try {
      var text = window.localStorage.getItem(STORE + attempt);
      return text ? JSON.parse(text) : null;
    } catch (e) { return null; }
  }
  function allStored() {
    var found = [];
    try {
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var name = window.localStorage.key(i);
        if (name && name.indexOf(STORE) === 0) { found.push(JSON.parse(window.localStorage.getItem(name))); }
      }
    } catch (e) { /* no storage */ }
    return found;
  }

  // Resolves with {ok, url} when saved, {retry: true} when worth trying again, or
  // {refused: true, message, problems} when the server will never take these answers.
  function send(entry) {
    return window.fetch(entry.url, {
      method: "POST",
      body: JSON.stringify(entry.body),
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 0) {
        return { retry: true, signedOut: true };
      }
      if (response.status >= 500 || response.status === 408 || response.status === 429 || response.status === 403) {
        return { retry: true };
      }
      return response.json().then(function (data) {
        if (response.ok) { return { ok: true, url: data.result_url }; }
        return { refused: true, message: data.error || "", problems: data.problems || [] };
      }, function () { return { retry: true }; });
    }).catch(function () { return { retry: true }; });
  }

  // ---- pages that hand in answers left from an earlier visit ----------------------------

  function flushPending(notice) {
    var entries = allStored();
    if (!entries.length) { return; }
    var words = notice.dataset;
    notice.hidden = false;
    notice.textContent = words.wordSending;
    entries.forEach(function (entry) {
      send(entry).then(function (result) {
        if (result.ok || result.refused) {
          forget(entry);
          notice.classList.remove("alert-warning");
          notice.classList.add("alert-success");
          notice.textContent = words.wordSaved;
        } else {
          notice.textContent = words.wordFailed;
        }
      });
    });
  }

  // ---- the check ------------------------------------------------------------------------

  function initCheck(root) {
    var words = root.dataset;
    var seconds = parseInt(words.seconds, 10);
    var pause = parseInt(words.pause, 10);
    var practiceCount = parseInt(words.practiceCount, 10);
    var useNextButton = words.nextButton === "true";
    var questions = Array.prototype.map.call(
      root.querySelectorAll("input[data-position]"),
      function (input) {
        return { position: parseInt(input.dataset.position, 10), a: input.dataset.a, b: input.dataset.b };
      }
    );
    var itemCount = questions.length - practiceCount;
    var screens = {};
    root.querySelectorAll("[data-screen]").forEach(function (s) { screens[s.dataset.screen] = s; });
    var questionText = root.querySelector("[data-question]");
    var answerBox = root.querySelector("[data-answer]");
    var progress = root.querySelector("[data-progress]");
    var timerBar = root.querySelector("[data-timer]");
    var nextButton = root.querySelector('[data-action="next"]');
    var savingText = root.querySelector("[data-saving]");
    var problemList = root.querySelector("[data-problems]");
    var retryButton = root.querySelector('[data-action="retry"]');
    var current = -1;
    var typed = "";
    var shownAt = 0;
    var timer = null;
    var answers = [];
    var entry = null;
    var retryTimer = null;
    var failures = 0;

    root.classList.add("is-live");

    function show(name) {
      Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
      var heading = screens[name].querySelector("h1, [data-question]");
      if (name !== "question" && heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }

    function render() { answerBox.textContent = typed; }

    function ask(index) {
      current = index;
      var q = questions[index];
      var practice = index < practiceCount;
      progress.textContent = fill(practice ? words.wordPractice : words.wordItem, {
        n: practice ? index + 1 : index - practiceCount + 1,
        total: practice ? practiceCount : itemCount
      });
      questionText.textContent = q.a + " × " + q.b + " =";
      typed = "";
      render();
      show("question");
      timerBar.classList.remove("is-running");
      timerBar.style.animationDuration = seconds + "s";
      void timerBar.offsetWidth; // restart the bar's animation
      timerBar.classList.add("is-running");
      shownAt = Date.now();
      timer = window.setTimeout(function () { answer(true); }, seconds * 1000);
    }

    function answer(timedOut) {
      if (current < 0 || screens.question.hidden) { return; }
      window.clearTimeout(timer);
      var took = timedOut ? seconds * 1000 : Math.min(Date.now() - shownAt, seconds * 1000);
      answers.push({ position: questions[current].position, answer: typed, time_ms: Math.max(0, Math.round(took)), timed_out: timedOut });
      var next = current + 1;
      current = -1;
      if (next === questions.length) { finish(); return; }
      if (next === practiceCount) { show("between"); return; }
      show("pause");
      if (useNextButton) {
        nextButton.hidden = false;
        nextButton.dataset.next = String(next);
        nextButton.focus();
      } else {
        nextButton.hidden = true;
        window.setTimeout(function () { ask(next); }, pause * 1000);
      }
    }

    function press(key) {
      if (current < 0 || screens.question.hidden) { return false; }
      if (/^[0-9]$/.test(key)) {
        if (typed.length < 3) { typed += key; render(); }
      } else if (key === "Backspace" || key === "Delete") {
        typed = typed.slice(0, -1);
        render();
      } else if (key === "Enter") {
        if (typed) { answer(false); }
      } else {
        return false;
      }
      return true;
    }

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (press(event.key)) { event.preventDefault(); }
    });
    root.querySelectorAll("[data-key]").forEach(function (button) {
      button.addEventListener("click", function () { press(button.dataset.key); });
    });
    root.querySelector('[data-action="begin"]').addEventListener("click", function () { ask(0); });
    root.querySelector('[data-action="check"]').addEventListener("click", function () { ask(practiceCount); });
    nextButton.addEventListener("click", function () { ask(parseInt(nextButton.dataset.next, 10)); });
    retryButton.addEventListener("click", function () { failures = 0; save(); });

    function finish() {
      var earlier = stored(words.attempt);
      entry = {
        attempt: words.attempt,
        url: words.submitUrl,
        body: { idempotency_key: earlier ? earlier.body.idempotency_key : newKey(), answers: answers }
      };
      keep(entry);
      show("saving");
      save();
    }

    function save() {
      window.clearTimeout(retryTimer);
      retryButton.hidden = true;
      savingText.textContent = words.wordSaving;
      send(entry).then(function (result) {
        if (result.ok) {
          forget(entry);
          window.location.assign(result.url);
          return;
        }
        if (result.refused) {
          forget(entry);
          savingText.textContent = words.wordRefused + " " + result.message;
          problemList.textContent = "";
          return;
        }
        savingText.textContent = result.signedOut ? words.wordSignedOut : words.wordFailed;
        retryButton.hidden = false;
        var delay = RETRY_DELAYS[Math.min(failures, RETRY_DELAYS.length - 1)];
        failures += 1;
        retryTimer = window.setTimeout(save, delay);
      });
    }

    // Back on the page after finishing (a reload while saving): hand the kept answers in.
    var left = stored(words.attempt);
    if (left) {
      entry = left;
      show("saving");
      save();
    } else {
      show("intro");
    }
  }

  function start() {
    var root = document.getElementById("mtc-check");
    if (root) { initCheck(root); }
    document.querySelectorAll("[data-mtc-pending]").forEach(flushPending);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
