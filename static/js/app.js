// mdsready: the only page script. No inline handlers (the CSP forbids them); htmx does the rest.
(function () {
  "use strict";
  // A failed htmx request must never be silent: show what happened instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var box = document.getElementById("ajax-error");
    if (!box) return;
    box.hidden = false;
    box.textContent = box.dataset["status" + status] || box.dataset.generic;
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("ajax-error");
    if (box) { box.hidden = false; box.textContent = box.dataset.offline; }
  });
  // Buttons that change records ask first (data-confirm holds the translated question).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);
  // Print buttons (the utilization review summary): no inline handler under the CSP.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });
  // Idle warning shortly before the 15-minute server-side logoff.
  var warning = document.getElementById("idle-warning");
  if (warning) {
    var timer;
    var arm = function () {
      clearTimeout(timer);
      warning.hidden = true;
      timer = setTimeout(function () { warning.hidden = false; }, 13 * 60 * 1000);
    };
    ["htmx:afterRequest", "keydown", "click"].forEach(function (name) { document.addEventListener(name, arm); });
    arm();
  }
})();
