// Dashboard charts (ECharts, vendored). Every bar or point carries the URL of
// the list it counts; a click opens that list (drill-down).
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var node = document.getElementById("dashboard-data");
    if (!node || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent);
    var rows = data.rows, names = rows.map(function (r) { return r.name; });
    var charts = [];

    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return;
      var c = echarts.init(el);
      option.tooltip = option.tooltip || { trigger: "axis" };
      option.grid = { left: 50, right: 20, bottom: 70, top: 64 };
      option.xAxis = option.xAxis || { type: "category", data: names, axisLabel: { rotate: names.length > 8 ? 40 : 0 } };
      c.setOption(option);
      c.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
      charts.push(c);
    }
    function point(value, url) { return { value: value, url: url }; }

    var quotaSeries = [];
    data.types.forEach(function (t) {
      quotaSeries.push({ name: t + "核定", type: "bar", data: rows.map(function (r) { return point(r.approved[t], r.urls.institutions); }) });
      quotaSeries.push({ name: t + "在编", type: "bar", data: rows.map(function (r) { return point(r.actual[t], r.urls["actual:" + t]); }) });
      quotaSeries.push({ name: t + "空编", type: "bar", data: rows.map(function (r) { return point(r.vacancy[t], r.urls["actual:" + t]); }) });
    });
    chart("chart-quota", { title: { text: "核定、在编与空编（按编制类型）", textStyle: { fontSize: 14 } },
      legend: { top: 28, type: "scroll" }, yAxis: { type: "value", name: "名" }, series: quotaSeries });
    chart("chart-usage", { title: { text: "编制使用率（行政+事业，%）", textStyle: { fontSize: 14 } },
      yAxis: { type: "value", max: function (v) { return Math.max(100, v.max); } },
      series: [{ name: "使用率", type: "bar", data: rows.map(function (r) { return point(r.usage, r.urls.staff); }),
        markLine: { data: [{ yAxis: 95, name: "目标95%" }] } }] });
    chart("chart-seconded", { title: { text: "借出人员占编制总数比例（%）", textStyle: { fontSize: 14 } },
      yAxis: { type: "value" },
      series: [{ name: "借出比例", type: "bar", data: rows.map(function (r) { return point(r.seconded_share, r.urls.seconded); }),
        markLine: { data: [{ yAxis: 5, name: "上限5%" }] } }] });
    chart("chart-enforcement", { title: { text: "综合行政执法人员与持证率", textStyle: { fontSize: 14 } }, legend: { top: 28 },
      yAxis: [{ type: "value", name: "人" }, { type: "value", name: "%", max: 100 }],
      series: [
        { name: "执法人员", type: "bar", data: rows.map(function (r) { return point(r.enforcement, r.urls.enforcement); }) },
        { name: "持证人员", type: "bar", data: rows.map(function (r) { return point(r.certified, r.urls.certified); }) },
        { name: "持证率", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return point(r.certification_rate, r.urls.certified); }) }] });
    chart("chart-leaders", { title: { text: "领导职数：已配备 / 核定", textStyle: { fontSize: 14 } }, legend: { top: 28 },
      yAxis: { type: "value", name: "名" },
      series: [
        { name: "已配备", type: "bar", data: rows.map(function (r) { return point(r.leaders_used, r.urls.leaders); }) },
        { name: "核定", type: "bar", data: rows.map(function (r) { return point(r.leaders_approved, r.urls.institutions); }) }] });
    var rules = data.findings.filter(function (f) { return f.block || f.warning; });
    chart("chart-findings", { title: { text: "规则检查问题（按规则和级别）", textStyle: { fontSize: 14 } }, legend: { top: 28 },
      xAxis: { type: "category", data: rules.map(function (f) { return f.title; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: "个" },
      series: [
        { name: "阻止", type: "bar", stack: "s", data: rules.map(function (f) { return point(f.block, f.url_block); }) },
        { name: "预警", type: "bar", stack: "s", data: rules.map(function (f) { return point(f.warning, f.url_warning); }) }] });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
