// Charts of the standing and matrix pages, from the JSON the page embeds (vendored ECharts).
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return;
    var instance = echarts.init(node);
    // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style="…" attributes,
    // which the Content-Security-Policy refuses.
    option.tooltip.renderMode = "richText";
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
  }
  var trend = data("trend-data");
  if (trend) {
    chart("trend-chart", {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 40, top: 40, bottom: 30 },
      xAxis: { type: "category", data: trend.months },
      yAxis: [{ type: "value", name: "次", minInterval: 1 }, { type: "value", name: "学时" }],
      series: trend.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "meetings", data: s.data };
      }).concat([{ name: "学习学时（出席合计）", type: "line", yAxisIndex: 1, data: trend.hours }])
    });
  }
  var matrix = data("matrix-data");
  if (matrix) {
    // Items down the side, named as the table beside names them: long Chinese names fit a
    // phone across, where they would be cut along a horizontal axis.
    chart("items-chart", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 10, right: 20, top: 40, bottom: 10, containLabel: true },
      yAxis: {
        type: "category", inverse: true, data: matrix.items,
        axisLabel: { width: 120, overflow: "truncate" }
      },
      xAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "达标", type: "bar", stack: "s", data: matrix.met, itemStyle: { color: "#198754" } },
        { name: "未达标", type: "bar", stack: "s", data: matrix.not_met, itemStyle: { color: "#dc3545" } },
        { name: "无数据", type: "bar", stack: "s", data: matrix.no_data, itemStyle: { color: "#adb5bd" } }
      ]
    });
    // The counts inside the ring and the bands in the legend below: outside labels are cut
    // on a 375 px screen.
    chart("shares-chart", {
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: matrix.shares,
        label: { position: "inside", formatter: "{c}" }
      }]
    });
  }
})();
