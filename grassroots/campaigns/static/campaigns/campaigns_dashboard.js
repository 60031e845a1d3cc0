// The campaign dashboard's chart: each unit's quota (levels named directly) against its
// nominations, with the numbers at the bars (vendored ECharts, data from the page's JSON).
(function () {
  "use strict";
  var node = document.getElementById("quota-chart");
  var source = document.getElementById("quota-data");
  if (!node || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  // Two bars a unit: the height grows with the units (set through the CSSOM, which the CSP allows).
  node.style.height = Math.max(320, data.units.length * 36 + 60) + "px";
  var chart = echarts.init(node);
  var label = {
    show: true,
    position: "right",
    formatter: function (item) { return item.value ? String(item.value) : ""; }
  };
  chart.setOption({
    // Tooltips drawn on the canvas: HTML tooltips carry style attributes the CSP refuses.
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 8, right: 36, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.units },
    series: [
      { name: "名额", type: "bar", data: data.quota, label: label, itemStyle: { color: "#adb5bd" } },
      { name: "推荐", type: "bar", data: data.nominated, label: label, itemStyle: { color: "#c8102e" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
