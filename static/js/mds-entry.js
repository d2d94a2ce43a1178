// MDS section entry: after a save or a gateway re-render, bring the first edit finding into view; keyboard flow
// (Enter saves and opens the next section, from selects and checkboxes too; the first empty field gets the focus).
(function () {
  "use strict";
  if (window.__mdsEntry) return;
  window.__mdsEntry = true;

  function focusFirstEmpty(form) {
    if (!form) return;
    var fields = form.querySelectorAll("select:not([disabled]), input[type=text]:not([disabled]), input[type=date]:not([disabled])");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].value) { fields[i].focus({ preventScroll: false }); return; }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstEmpty(document.getElementById("section-form"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var form = target && target.form;
    if (!form || form.id !== "section-form") return;
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "BUTTON" || tag === "A") return;
    // text inputs submit with the form's first (default) button natively; selects and checkboxes do not
    if (tag === "SELECT" || (tag === "INPUT" && (target.type === "checkbox" || target.type === "radio"))) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");  // the default button: save and go on
      if (button) button.click();  // a click, so htmx sends the button's name and value like a mouse click
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.detail.target;
    if (!form || form.id !== "section-form") return;
    var finding = form.querySelector(".mds-finding.mds-fatal, [data-testid=conflict], [data-testid=locked]");
    if (finding && event.detail.requestConfig && event.detail.requestConfig.verb === "post" &&
        !/\/preview$/.test(event.detail.requestConfig.path)) {
      finding.scrollIntoView({ block: "center" });
    }
  });
})();
