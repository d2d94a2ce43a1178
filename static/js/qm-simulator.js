// Cut-point simulator: choosing another measure fills in that measure's own residents (from data-* on the
// option), so the numbers never belong to the measure chosen before. Without JavaScript the user types them.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("[data-sim-measure]")) return;
    var option = select.options[select.selectedIndex];
    var form = select.form;
    form.elements.numerator.value = option.dataset.numerator || "";
    form.elements.denominator.value = option.dataset.denominator || "";
  });
})();
