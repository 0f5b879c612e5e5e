// Bar charts of current against proposed quotas on the plan page. The data
// comes from a <script type="application/json"> next to each chart div.
(function () {
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      title: { text: data.title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0, data: ["现有编制", "测算编制"] },
      grid: { top: 50, left: 40, right: 20, bottom: 60 },
      xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 10 ? 40 : 0 } },
      yAxis: { type: "value", name: "编制数" },
      series: [
        { name: "现有编制", type: "bar", data: data.current, itemStyle: { color: "#9aa7b8" } },
        { name: "测算编制", type: "bar", data: data.proposed, itemStyle: { color: "#b3261e" }, label: { show: true, position: "top" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function init() { document.querySelectorAll("[data-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
