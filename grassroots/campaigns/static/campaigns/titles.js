// The decision page: how many are ticked per level, against the number to name.
(function () {
  document.querySelectorAll("[data-level-picks]").forEach(function (card) {
    var limit = parseInt(card.dataset.toName, 10);
    var shown = card.querySelector("[data-picked]");
    function count() {
      var picked = card.querySelectorAll("input[type=checkbox]:checked").length;
      shown.textContent = picked;
      shown.classList.toggle("text-danger", picked > limit);
    }
    card.addEventListener("change", count);
    count();
  });
})();
