// Care-plan tab: after an htmx save the tab is swapped in place; bring the changed problem back into view.
(function () {
  "use strict";
  if (window.__careplansFocus) return;
  window.__careplansFocus = true;
  document.addEventListener("htmx:afterSwap", function () {
    var panel = document.querySelector(".careplan[data-focus]");
    if (!panel) return;
    var target = document.getElementById(panel.getAttribute("data-focus"));
    if (target) target.scrollIntoView({ block: "start" });
  });
})();
