// MDS section entry: after a save or a gateway re-render, bring the first edit finding into view.
(function () {
  "use strict";
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
