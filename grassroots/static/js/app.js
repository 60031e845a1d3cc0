// Small behaviours of the pages: the organisation tree's expand/collapse, the
// search-as-you-type pickers, confirmations and "back" buttons. Everything else is plain
// forms and htmx attributes. No inline handlers (onclick=…): the Content-Security-Policy
// allows scripts from our static files only.
(function () {
  "use strict";

  // Tree: the first click loads the children with htmx (hx-trigger="click once");
  // later clicks only show or hide them.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".tree-toggle");
    if (!toggle) return;
    var children = document.getElementById(toggle.getAttribute("aria-controls"));
    var expanded = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", expanded ? "false" : "true");
    if (children) children.hidden = expanded;
  });

  // Pickers: choosing an option fills the hidden id and the visible box.
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick-value]");
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (option && picker.contains(option)) {
        picker.querySelector("[data-picker-value]").value = option.dataset.pickValue;
        picker.querySelector("[data-picker-text]").value = option.dataset.pickLabel;
        picker.querySelector("[data-picker-results]").innerHTML = "";
      } else if (!picker.contains(event.target)) {
        picker.querySelector("[data-picker-results]").innerHTML = "";
      }
    });
  });

  // Typing in a picker's box forgets the previous choice until an option is chosen.
  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-picker-text]")) return;
    event.target.closest("[data-picker]").querySelector("[data-picker-value]").value = "";
  });

  // A button with data-print prints the page (the print layout: app.css @media print).
  document.addEventListener("click", function (event) {
    if (event.target.closest("button[data-print]")) window.print();
  });

  // A button with data-confirm asks before it submits; so does a form with data-confirm.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Error pages: back to the page before.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-history-back]")) window.history.back();
  });
})();
