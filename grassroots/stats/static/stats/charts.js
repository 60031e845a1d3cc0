// Charts of the statistics page, from the JSON the page embeds (vendored ECharts); the
// numbers stay in the table beside each chart.
(function () {
  "use strict";
  var node = document.getElementById("stats-charts");
  if (!node || !window.echarts) return;
  JSON.parse(node.textContent).forEach(function (chart) {
    var target = document.getElementById("chart-" + chart.id);
    if (!target) return;
    var option;
    if (chart.type === "pie") {
      // Counts inside the ring, names in the legend below: outside labels are cut at 375 px.
      option = {
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: { type: "scroll", bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "62%"], center: ["50%", "42%"],
          label: { position: "inside", formatter: "{c}" },
          data: chart.labels.map(function (label, i) { return { name: label, value: chart.values[i] }; })
        }]
      };
    } else {
      // Names down the side, where long Chinese names fit a phone across.
      option = {
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        yAxis: {
          type: "category", inverse: true, data: chart.labels,
          axisLabel: { width: 110, overflow: "truncate" }
        },
        xAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: chart.values, label: { show: true, position: "right" },
                   itemStyle: { color: "#c8161d" } }]
      };
    }
    var instance = echarts.init(target);
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
  });
})();
