// The 申报理由 counter: "123/1000" under every textarea with data-counter, updated as the
// applicant types (line breaks count as one character, as the server counts them).
(function () {
  "use strict";

  function update(area) {
    var counter = document.getElementById(area.id + "-counter");
    if (!counter) return;
    var length = area.value.trim().length;
    var limit = parseInt(area.dataset.counter, 10);
    counter.textContent = length + "/" + limit;
    counter.classList.toggle("text-danger", length > limit);
  }

  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var counter = document.createElement("div");
    counter.id = area.id + "-counter";
    counter.className = "form-text text-end reason-counter";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    update(area);
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[data-counter]")) update(event.target);
  });
})();
