// Small behaviours declared with data- attributes (no inline script: the CSP forbids it).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A box that scrolls (a wide table on a phone, a long list) must be reachable with the
  // keyboard so its hidden part can be scrolled into view (WCAG 2.1.1). While it overflows it
  // gets a tab stop, and the name of its table's caption or of the nearest heading.
  var SCROLLERS = ".table-responsive, .mark-grid-wrap, .objective-list, [data-scroll-region]";

  function nameFor(region) {
    var caption = region.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim().replace(/\s+/g, " ");
    }
    var section = region.closest("section, .card, article");
    var heading = section && section.querySelector("h2, h3, h4, .card-title");
    return heading ? heading.textContent.trim().replace(/\s+/g, " ") : "";
  }

  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (region) {
      var overflows = region.scrollWidth > region.clientWidth + 1 ||
        region.scrollHeight > region.clientHeight + 1;
      var ours = region.getAttribute("data-ns-scroller") === "1";
      if (overflows && !region.hasAttribute("tabindex")) {
        var name = nameFor(region);
        region.setAttribute("tabindex", "0");
        region.setAttribute("data-ns-scroller", "1");
        if (name) {
          region.setAttribute("role", "region");
          region.setAttribute("aria-label", name);
        }
      } else if (!overflows && ours) {
        ["tabindex", "role", "aria-label", "data-ns-scroller"].forEach(function (attribute) {
          region.removeAttribute(attribute);
        });
      }
    });
  }

  // A confirmation stays where the person was: a form that sends them back to the part of
  // the page they used (its #fragment) has its message moved there, into a
  // [data-ns-messages-here] place if the part has one, and focused so it is read out and seen.
  function placeMessages() {
    var box = document.querySelector(".ns-messages");
    var id = window.location.hash ? decodeURIComponent(window.location.hash.slice(1)) : "";
    var part = id ? document.getElementById(id) : null;
    if (!box || !part) { return; }
    var here = part.querySelector("[data-ns-messages-here]");
    if (here) { here.appendChild(box); } else { part.insertBefore(box, part.firstChild); }
    box.classList.add("ns-messages-placed");
    box.setAttribute("tabindex", "-1");
    // The browser's own move to the #fragment resets focus once the page has loaded, so the
    // message takes focus after that.
    function show() {
      box.focus({ preventScroll: true });
      box.scrollIntoView({ block: "center" });
    }
    if (document.readyState === "complete") { show(); } else {
      window.addEventListener("load", function () { window.setTimeout(show, 0); });
    }
  }
  placeMessages();

  var resizing = null;
  markScrollers();
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () { markScrollers(); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function () { markScrollers(); });
  // A table inside <details> has no size until it is opened.
  document.addEventListener("toggle", function () { markScrollers(); }, true);
})();
