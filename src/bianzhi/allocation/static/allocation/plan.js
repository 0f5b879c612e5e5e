// Bar charts of current against proposed quotas on the plan page (look and
// layout from bianzhi/charts.js). The data comes from a
// <script type="application/json"> next to each chart div.
(function () {
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts || !window.bianzhiCharts) return;
    var data = JSON.parse(source.textContent);
    var charts = window.bianzhiCharts, colours = charts.palette();
    charts.init(el).setOption(charts.layout({
      title: { text: data.title },
      legend: { data: ["现有编制", "测算编制"] },
      count: true,
      xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 10 ? 40 : 0 } },
      yAxis: { name: "编制数" },
      series: [
        { name: "现有编制", type: "bar", data: data.current, itemStyle: { color: colours[4] } },
        { name: "测算编制", type: "bar", data: data.proposed, itemStyle: { color: colours[1] }, label: { show: true, position: "top" } }
      ]
    }));
  }
  function init() { document.querySelectorAll("[data-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
