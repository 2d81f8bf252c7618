// Voice notes and drawings, recorded and drawn in the page.
//
// Each form is a plain upload form first: a file input named "file" that a tablet fills from
// its microphone or camera. Where the browser can record (MediaRecorder) or draw (canvas),
// the controls appear, and what is recorded or drawn is put into that same file input, so
// the server checks it like any other upload.
(function () {
  "use strict";

  var MAX_SECONDS = 300;
  var TYPES = [
    ["audio/webm;codecs=opus", "webm"],
    ["audio/webm", "webm"],
    ["audio/ogg;codecs=opus", "ogg"],
    ["audio/mp4", "m4a"],
  ];

  function clock(seconds) {
    var whole = Math.floor(seconds);
    var rest = whole % 60;
    return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function putFile(input, file) {
    // DataTransfer is how a page may fill a file input (Chrome, Edge, Firefox, Safari 14.1+).
    try {
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      return input.files.length === 1;
    } catch (error) {
      return false;
    }
  }

  function chosenType() {
    if (!window.MediaRecorder || !MediaRecorder.isTypeSupported) return ["", "webm"];
    for (var i = 0; i < TYPES.length; i++) {
      if (MediaRecorder.isTypeSupported(TYPES[i][0])) return TYPES[i];
    }
    return ["", "webm"];
  }

  function microphoneProblem(error, words) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") return words.msgDenied;
    if (name === "NotFoundError" || name === "OverconstrainedError") return words.msgMissing;
    if (name === "NotReadableError") return words.msgBusy;
    return words.msgFailed;
  }

  function setUpRecorder(form) {
    var box = form.querySelector("[data-ns-recorder]");
    var record = form.querySelector("[data-ns-record]");
    var stop = form.querySelector("[data-ns-stop]");
    var play = form.querySelector("[data-ns-play]");
    var time = form.querySelector("[data-ns-time]");
    var preview = form.querySelector("[data-ns-preview]");
    var status = form.querySelector("[data-ns-status]");
    var input = form.querySelector("[data-ns-voice-file]");
    // The words come from the page, translated there.
    var words = form.dataset;
    if (!box || !input) return;
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = words.msgUnsupported;
      return;
    }
    box.hidden = false;
    var recorder = null;
    var stream = null;
    var chunks = [];
    var started = 0;
    var ticker = null;

    function say(text, problem) {
      status.textContent = text;
      status.classList.toggle("recorder-problem", Boolean(problem));
    }

    function tick() {
      var seconds = (Date.now() - started) / 1000;
      time.textContent = clock(seconds);
      if (seconds >= MAX_SECONDS) finish();
    }

    function finish() {
      if (recorder && recorder.state !== "inactive") recorder.stop();
    }

    function stopped() {
      window.clearInterval(ticker);
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      var type = chosenType();
      var blob = new Blob(chunks, { type: recorder.mimeType || type[0] || "audio/webm" });
      var extension = (blob.type.indexOf("mp4") >= 0) ? "m4a" : (blob.type.indexOf("ogg") >= 0 ? "ogg" : "webm");
      var file = new File([blob], "voice-note." + extension, { type: blob.type });
      var seconds = (Date.now() - started) / 1000;
      record.disabled = false;
      stop.disabled = true;
      if (!putFile(input, file)) {
        say(words.msgUnattached, true);
        return;
      }
      if (preview.src) URL.revokeObjectURL(preview.src);
      preview.src = URL.createObjectURL(blob);
      preview.hidden = false;
      play.disabled = false;
      form.querySelector("[data-ns-record-label]").textContent = words.msgAgain;
      form.dataset.nsRecorded = "yes";
      say(words.msgRecorded.replace("{time}", clock(seconds)), false);
    }

    record.addEventListener("click", function () {
      record.disabled = true;
      say(words.msgAsking, false);
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (granted) {
        stream = granted;
        chunks = [];
        var type = chosenType();
        recorder = type[0] ? new MediaRecorder(stream, { mimeType: type[0] }) : new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) chunks.push(event.data);
        });
        recorder.addEventListener("stop", stopped);
        recorder.start(250);
        started = Date.now();
        time.textContent = "0:00";
        ticker = window.setInterval(tick, 250);
        stop.disabled = false;
        play.disabled = true;
        form.dataset.nsRecorded = "";
        say(words.msgRecording, false);
      }).catch(function (error) {
        record.disabled = false;
        say(microphoneProblem(error, words), true);
      });
    });
    stop.addEventListener("click", finish);
    play.addEventListener("click", function () {
      preview.currentTime = 0;
      var playing = preview.play();
      if (playing && playing.catch) {
        playing.catch(function () { say(words.msgUnplayable, true); });
      }
    });
    form.addEventListener("submit", function (event) {
      if (recorder && recorder.state === "recording") {
        event.preventDefault();
        say(words.msgStopFirst, true);
      } else if (!input.files.length) {
        event.preventDefault();
        say(words.msgNothing, true);
      }
    });
  }

  function setUpDrawing(form) {
    var box = form.querySelector("[data-ns-drawing]");
    var canvas = form.querySelector("[data-ns-canvas]");
    var photoInput = form.querySelector("[data-ns-photo]");
    var input = form.querySelector("[data-ns-drawing-file]");
    if (!box || !canvas || !canvas.getContext || !canvas.toBlob) return;
    box.hidden = false;
    var context = canvas.getContext("2d");
    var strokes = [];
    var current = null;
    var colour = "#1b1b1b";
    var photo = null;

    function redraw() {
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      if (photo) context.drawImage(photo, 0, 0, canvas.width, canvas.height);
      context.lineCap = "round";
      context.lineJoin = "round";
      strokes.forEach(function (stroke) {
        context.strokeStyle = stroke.colour;
        context.lineWidth = stroke.width;
        context.beginPath();
        stroke.points.forEach(function (point, index) {
          if (index === 0) context.moveTo(point[0], point[1]);
          else context.lineTo(point[0], point[1]);
        });
        if (stroke.points.length === 1) context.lineTo(stroke.points[0][0] + 0.1, stroke.points[0][1]);
        context.stroke();
      });
    }

    function at(event) {
      var box = canvas.getBoundingClientRect();
      return [
        (event.clientX - box.left) * (canvas.width / box.width),
        (event.clientY - box.top) * (canvas.height / box.height),
      ];
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = { colour: colour, width: Math.max(3, canvas.width / 160), points: [at(event)] };
      strokes.push(current);
      redraw();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!current) return;
      current.points.push(at(event));
      redraw();
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      canvas.addEventListener(name, function () { current = null; });
    });
    form.querySelectorAll("[data-ns-colour]").forEach(function (button) {
      button.addEventListener("click", function () {
        colour = button.dataset.nsColour;
        form.querySelectorAll("[data-ns-colour]").forEach(function (other) {
          other.setAttribute("aria-pressed", other === button ? "true" : "false");
        });
      });
    });
    form.querySelector("[data-ns-undo]").addEventListener("click", function () {
      strokes.pop();
      redraw();
    });
    form.querySelector("[data-ns-clear]").addEventListener("click", function () {
      strokes = [];
      photo = null;
      if (photoInput) photoInput.value = "";
      redraw();
    });
    if (photoInput) {
      photoInput.addEventListener("change", function () {
        var file = photoInput.files[0];
        if (!file) return;
        var image = new Image();
        image.addEventListener("load", function () {
          var scale = Math.min(1, 1200 / image.naturalWidth);
          canvas.width = Math.round(image.naturalWidth * scale);
          canvas.height = Math.round(image.naturalHeight * scale);
          photo = image;
          redraw();
        });
        image.src = URL.createObjectURL(file);
      });
    }
    form.addEventListener("submit", function (event) {
      if (!strokes.length && !photo) {
        if (!input.files.length) {
          event.preventDefault();
          input.focus();
        }
        return;  // a picture chosen from the device is sent as it is
      }
      event.preventDefault();
      canvas.toBlob(function (blob) {
        if (blob && putFile(input, new File([blob], "drawing.png", { type: "image/png" }))) {
          form.submit();
        }
      }, "image/png");
    });
    redraw();
  }

  function start() {
    document.querySelectorAll("[data-ns-voice-form]").forEach(function (form) {
      if (form.dataset.nsReady) return;
      form.dataset.nsReady = "yes";
      setUpRecorder(form);
    });
    document.querySelectorAll("[data-ns-drawing-form]").forEach(function (form) {
      if (form.dataset.nsReady) return;
      form.dataset.nsReady = "yes";
      setUpDrawing(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
