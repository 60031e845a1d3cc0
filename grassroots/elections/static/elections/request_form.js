// The request form: adding and removing member rows, and the live check's problems put next
// to the fields they concern (the check itself is the form's htmx attributes).
(function () {
  "use strict";
  var form = document.getElementById("request-form");

  function renumber(rows) {
    rows.querySelectorAll("[data-row] .row-number").forEach(function (n, i) { n.textContent = (i + 1) + "."; });
  }

  function placeProblems() {
    var result = document.getElementById("live-result");
    form.querySelectorAll(".field-problem").forEach(function (p) { p.remove(); });
    if (!result) return;
    result.querySelectorAll("[data-problem-field]").forEach(function (item) {
      var slot = form.querySelector('[data-field="' + item.dataset.problemField + '"]');
      if (!slot) return;
      var note = document.createElement("div");
      note.className = "field-problem small mt-1 " + (item.dataset.severity === "error" ? "text-danger" : "text-warning-emphasis");
      note.textContent = item.dataset.message;
      slot.appendChild(note);
    });
    document.getElementById("submit-button").disabled = result.dataset.blocking === "true";
  }

  // Typing asks for a check after a pause ("typed", htmx), except in a picker's box: choosing
  // its option does. (An htmx event filter would do this with eval, which the CSP forbids.)
  form.addEventListener("input", function (event) {
    if (!event.target.matches("[data-picker-text]")) htmx.trigger(form, "typed");
  });

  document.querySelectorAll("[data-rows]").forEach(renumber);
  placeProblems();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "live-checks") placeProblems();
  });

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var name = add.dataset.addRow;
      var rows = document.querySelector('[data-rows="' + name + '"]');
      var template = document.querySelector('template[data-row-template="' + name + '"]');
      var row = template.content.firstElementChild.cloneNode(true);
      rows.appendChild(row);
      htmx.process(row);
      renumber(rows);
      row.querySelector("[data-picker-text]").focus();
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var list = remove.closest("[data-rows]");
      remove.closest("[data-row]").remove();
      renumber(list);
      htmx.trigger(form, "recheck");
      return;
    }
    // A member chosen in a picker (app.js has just filled it in and emptied the list).
    if (event.target.closest("[data-pick-value]")) {
      htmx.trigger(form, "recheck");
    }
  });
})();
