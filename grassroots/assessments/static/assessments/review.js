// The total and grade as the reviewer types, in whole cents (as the server adds
// Decimals), with the bands and veto rule of `rules.grade_for`.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  var order = ["excellent", "good", "fair", "poor"];
  var labels = {excellent: "优秀", good: "良好", fair: "一般", poor: "较差"};
  var classes = {excellent: "text-bg-danger", good: "text-bg-primary", fair: "text-bg-secondary", poor: "text-bg-dark"};
  function cents(text) { return Math.round(parseFloat(text) * 100); }
  var bands = {excellent: cents(form.dataset.excellent), good: cents(form.dataset.good), fair: cents(form.dataset.fair)};
  function update() {
    var total = 0, veto = false, complete = true;
    form.querySelectorAll("[data-score-input]").forEach(function (input) {
      var text = input.value.trim();
      var value = text === "" ? NaN : cents(text);
      if (isNaN(value)) { complete = false; return; }
      total += value;
      if (input.dataset.veto && (input.dataset.outcome === "not_met" || value < cents(input.dataset.max))) veto = true;
    });
    var grade = total >= bands.excellent ? "excellent" : total >= bands.good ? "good" : total >= bands.fair ? "fair" : "poor";
    if (veto && order.indexOf(grade) < order.indexOf(form.dataset.cap)) grade = form.dataset.cap;
    document.getElementById("live-total").textContent = (total / 100).toFixed(2) + (complete ? "" : "（未评完）");
    var badge = document.getElementById("live-grade");
    badge.textContent = labels[grade];
    badge.className = "badge " + classes[grade];
    badge.dataset.grade = grade;
    document.getElementById("live-veto").hidden = !veto;
  }
  form.addEventListener("input", update);
  update();
})();
