// Quick entry of a meeting: unticking a member shows the absence-reason box for them and
// keeps the present/absent counts up to date; ticking hides it again. A committee meeting
// lists only the committee (`data-committee`): the others are hidden and not sent, so that
// the clerk does not have to untick every other member and give each a reason.
(function () {
  "use strict";
  var form = document.getElementById("meeting-entry");
  if (!form) return;

  function committeeOnly() {
    var type = form.querySelector("input[name=type]:checked");
    return Boolean(
      type && type.value === "committee_meeting" && form.querySelector("[data-committee]")
    );
  }

  function narrow() {
    var only = committeeOnly();
    form.querySelectorAll("input[name=present][data-listed]").forEach(function (box) {
      var off = only && !box.hasAttribute("data-committee");
      box.disabled = off;
      form.querySelector("input[name=listed][value='" + box.value + "']").disabled = off;
      form.querySelector("label[for='" + box.id + "']").hidden = off;
    });
    var note = document.getElementById("committee-only");
    if (note) note.hidden = !only;
  }

  function refresh() {
    var boxes = form.querySelectorAll("input[name=present][data-listed]");
    var present = 0, absent = 0;
    boxes.forEach(function (box) {
      var row = form.querySelector("[data-reason-for='" + box.value + "']");
      if (box.disabled) {
        if (row) row.hidden = true;
        return;
      }
      if (box.checked) { present += 1; } else { absent += 1; }
      if (row) row.hidden = box.checked;
    });
    var section = document.getElementById("absence-reasons");
    if (section) section.hidden = absent === 0;
    var counts = document.getElementById("attendance-counts");
    if (counts) counts.textContent = "出席 " + present + " 人" + (absent ? "，缺席 " + absent + " 人" : "");
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "type") narrow();
    if (event.target.name === "present" || event.target.name === "type") refresh();
    // A party lecture needs its lecturer, whose fields are under "more".
    if (event.target.name === "type" && event.target.value === "party_lecture") {
      document.getElementById("more-fields").open = true;
    }
  });
  // A reason picked from the common ones fills the member's box.
  form.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-reason-pick]");
    if (!pick) return;
    var input = pick.closest("[data-reason-for]").querySelector("input[type=text]");
    input.value = pick.dataset.reasonPick;
    input.classList.remove("is-invalid");
  });
  document.querySelectorAll("[data-all-present]").forEach(function (button) {
    button.addEventListener("click", function () {
      form.querySelectorAll("input[name=present][data-listed]:enabled").forEach(function (box) { box.checked = true; });
      refresh();
    });
  });
  narrow();
  refresh();
  // After a refused save, bring the first field to correct into view.
  var invalid = form.querySelector(".is-invalid");
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    invalid.focus();
  }
})();
