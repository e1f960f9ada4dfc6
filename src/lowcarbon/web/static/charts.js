// Draws every element with a data-chart attribute (an Apache ECharts option built by the server) with ECharts,
// on page load and whenever HTMX swaps in new content (a study's result replacing its progress).
(function () {
  "use strict";
  const drawn = [];
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]:not([data-drawn])").forEach(function (element) {
      const chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(JSON.parse(element.dataset.chart));
      element.setAttribute("data-drawn", "true");
      drawn.push(chart);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target.parentElement || document); });
  window.addEventListener("resize", function () { drawn.forEach(function (chart) { chart.resize(); }); });
})();
