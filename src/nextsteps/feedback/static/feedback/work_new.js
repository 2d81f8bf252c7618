// Setting work: narrow the learning intentions as the teacher chooses a subject, a strand or
// types a search, and show only the steps of the intentions ticked. The same rules run on the
// server when the page is used without this script (the "Find" button), so the form works
// either way; this only saves the round trip.
(function () {
  "use strict";
  const form = document.querySelector("[data-work-form]");
  if (!form) return;
  const items = Array.from(form.querySelectorAll(".intention-choice"));
  const search = form.querySelector("[data-work-search]");
  const strand = form.querySelector("[data-work-strand]");
  const none = form.querySelector("[data-work-none]");
  const noSteps = form.querySelector("[data-work-no-steps]");
  const find = form.querySelector("[data-work-find]");
  if (find) find.remove(); // Enter now sets the work; the list narrows as one types

  function subject() {
    const chosen = form.querySelector("input[name=subject]:checked");
    return chosen ? chosen.value : "";
  }

  function narrowStrands(current) {
    form.querySelectorAll("[data-work-strand] optgroup").forEach(function (group) {
      const other = Boolean(current) && group.dataset.subject !== current;
      group.hidden = other;
      group.disabled = other;
    });
    const selected = strand.selectedOptions[0];
    if (selected && selected.value && selected.parentElement.disabled) strand.value = "";
  }

  function narrow() {
    const current = subject();
    narrowStrands(current);
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    items.forEach(function (item) {
      const box = item.querySelector("input");
      const fits =
        box.checked ||
        ((!current || item.dataset.subject === current) &&
          (!strand.value || item.dataset.strand === strand.value) &&
          words.every(function (word) { return item.dataset.text.includes(word); }));
      item.hidden = !fits;
      if (fits) shown += 1;
    });
    none.hidden = shown > 0;
  }

  function steps() {
    let any = false;
    items.forEach(function (item) {
      const box = item.querySelector("input");
      const group = form.querySelector('[data-criteria-for="' + box.value + '"]');
      if (!group) return;
      group.hidden = !box.checked;
      if (!box.checked) {
        group.querySelectorAll("input").forEach(function (step) { step.checked = false; });
      }
      any = any || box.checked;
    });
    noSteps.hidden = any;
  }

  search.addEventListener("input", narrow);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault(); // a search is not the finished work
  });
  form.addEventListener("change", function (event) {
    const target = event.target;
    if (target.name === "subject" || target === strand) narrow();
    if (target.name === "objectives") steps();
  });
  if (noSteps) noSteps.textContent = noSteps.dataset.withScript || noSteps.textContent;
  narrow();
  steps();
})();
