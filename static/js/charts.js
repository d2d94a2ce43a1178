// Draws Chart.js charts from data blocks: <canvas data-chart="ID"> reads <script type="application/json" id="ID">
// {type, labels, series: [{label, data}], y_label, stacked}. No inline script (CSP); re-runs after htmx swaps.
(function () {
  "use strict";
  var PALETTE = ["#0b6bcb", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#1098ad", "#e67700", "#5c940d", "#495057"];
  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (e) { return; }
    var datasets = (spec.series || []).map(function (s, i) {
      var color = s.color || PALETTE[i % PALETTE.length];
      return { label: s.label, data: s.data, borderColor: color, backgroundColor: spec.type === "bar" ? color : color + "33",
               spanGaps: true, tension: 0.2, pointRadius: 3 };
    });
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: spec.type || "line",
      data: { labels: spec.labels || [], datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 11 } } } },
        scales: { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true, title: { display: !!spec.y_label, text: spec.y_label || "" } } }
      }
    });
  }
  function drawAll(root) { (root || document).querySelectorAll("canvas[data-chart]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
