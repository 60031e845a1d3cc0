// The count-entry page: ballots entered one by one (kept in the form's hidden "ballots"
// field) and rows of members left out of the count; app.js asks for the confirmation
// before freezing a round. Whatever changes asks the server for the tally again
// ("recount" event, htmx).
(function () {
  "use strict";

  var form = document.getElementById("count-form");
  if (!form) return;
  var ballotsField = form.querySelector("input[name=ballots]");

  function recount() {
    htmx.trigger(form, "recount");
  }

  function ballots() {
    try {
      return JSON.parse(ballotsField.value || "[]");
    } catch (error) {
      return [];
    }
  }

  function setBallots(list) {
    ballotsField.value = JSON.stringify(list);
    recount();
  }

  form.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-next-ballot]")) {
      var marks = [];
      form.querySelectorAll("input[name=mark]:checked").forEach(function (box) {
        marks.push(Number(box.value));
        box.checked = false;
      });
      setBallots(ballots().concat([marks]));
    } else if (target.closest("[data-undo-ballot]")) {
      setBallots(ballots().slice(0, -1));
    } else if (target.closest("[data-remove-ballot]")) {
      var index = Number(target.closest("[data-remove-ballot]").dataset.removeBallot);
      var list = ballots();
      list.splice(index, 1);
      setBallots(list);
    } else if (target.closest("[data-add-exclusion]")) {
      var row = document.getElementById("exclusion-row").content.cloneNode(true);
      document.getElementById("exclusion-rows").appendChild(row);
    } else if (target.closest("[data-remove-exclusion]")) {
      target.closest(".exclusion-row").remove();
      recount();
    }
  });

  // A checkbox or radio keeps its value when toggled, which htmx's "changed" filter would
  // take for no change: these ask for the tally themselves.
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox], input[type=radio]")) recount();
  });
})();
