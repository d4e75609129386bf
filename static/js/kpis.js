// Draws each KPI section's chart from the JSON the page embeds (the table under it holds the same numbers).
(function () {
  "use strict";
  function draw() {
    const data = JSON.parse(document.getElementById("kpi-charts").textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      const chart = data[element.dataset.chart];
      if (!chart || !window.echarts) return;
      const stacked = chart.series.length > 1;
      window.echarts.init(element).setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: stacked ? { top: 0 } : undefined,
        grid: { left: 48, right: 16, top: stacked ? 32 : 16, bottom: 48 },
        xAxis: { type: "category", data: chart.labels, axisLabel: { interval: 0, rotate: chart.labels.length > 6 ? 30 : 0 } },
        yAxis: { type: "value" },
        series: chart.series.map(function (s) {
          return { type: "bar", name: s.name, data: s.data, stack: s.stack, barMaxWidth: 48 };
        }),
      });
      element.dataset.drawn = "true";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
