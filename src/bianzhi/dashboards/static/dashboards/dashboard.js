// Dashboard charts (ECharts, vendored; look and layout from bianzhi/charts.js).
// Every bar or point carries the URL of the list it counts; a click opens
// that list (drill-down).
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var node = document.getElementById("dashboard-data");
    if (!node || typeof echarts === "undefined" || !window.bianzhiCharts) return;
    var charts = window.bianzhiCharts, colours = charts.palette();
    var data = JSON.parse(node.textContent);
    var rows = data.rows, names = rows.map(function (r) { return r.name; });
    var xAxis = { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 40 : 0 } };

    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) return;
      option.xAxis = option.xAxis || xAxis;
      var c = charts.init(el);
      c.setOption(charts.layout(option));
      c.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
    }
    function point(value, url) { return { value: value, url: url }; }

    // One colour per quota type; 核定 solid, 在编 lighter, 空编 lightest.
    var quotaSeries = [];
    data.types.forEach(function (t, i) {
      var base = colours[i % colours.length], short = t.replace("编制", "");
      quotaSeries.push({ name: short + "核定", type: "bar", itemStyle: { color: base },
        data: rows.map(function (r) { return point(r.approved[t], r.urls.institutions); }) });
      quotaSeries.push({ name: short + "在编", type: "bar", itemStyle: { color: charts.shade(base, 0.6) },
        data: rows.map(function (r) { return point(r.actual[t], r.urls["actual:" + t]); }) });
      quotaSeries.push({ name: short + "空编", type: "bar", itemStyle: { color: charts.shade(base, 0.3) },
        data: rows.map(function (r) { return point(r.vacancy[t], r.urls["actual:" + t]); }) });
    });
    chart("chart-quota", { title: { text: "核定、在编与空编（按编制类型）" }, legend: {}, count: true,
      yAxis: { name: "名" }, series: quotaSeries });
    chart("chart-usage", { title: { text: "编制使用率（行政+事业）" },
      yAxis: { name: "%", max: function (v) { return Math.max(100, v.max); } },
      series: [{ name: "使用率", type: "bar", itemStyle: { color: colours[0] },
        data: rows.map(function (r) { return point(r.usage, r.urls.staff); }),
        markLine: { symbol: "none", lineStyle: { color: colours[2] }, label: { position: "insideEndTop", backgroundColor: "#fff", padding: [1, 4], formatter: "目标 {c}%" }, data: [{ yAxis: 95 }] } }] });
    chart("chart-seconded", { title: { text: "借出人员占编制总数比例" },
      yAxis: { name: "%" },
      series: [{ name: "借出比例", type: "bar", itemStyle: { color: colours[0] },
        data: rows.map(function (r) { return point(r.seconded_share, r.urls.seconded); }),
        markLine: { symbol: "none", lineStyle: { color: colours[1] }, label: { position: "insideEndTop", backgroundColor: "#fff", padding: [1, 4], formatter: "上限 {c}%" }, data: [{ yAxis: 5 }] } }] });
    chart("chart-enforcement", { title: { text: "综合行政执法人员与持证率" }, legend: {},
      yAxis: [{ name: "人", count: true }, { name: "%", max: 100, splitLine: { show: false } }],
      series: [
        { name: "执法人员", type: "bar", itemStyle: { color: colours[0] }, data: rows.map(function (r) { return point(r.enforcement, r.urls.enforcement); }) },
        { name: "持证人员", type: "bar", itemStyle: { color: colours[3] }, data: rows.map(function (r) { return point(r.certified, r.urls.certified); }) },
        { name: "持证率", type: "line", yAxisIndex: 1, itemStyle: { color: colours[2] }, data: rows.map(function (r) { return point(r.certification_rate, r.urls.certified); }) }] });
    chart("chart-leaders", { title: { text: "领导职数：已配备 / 核定" }, legend: {}, count: true,
      yAxis: { name: "名" },
      series: [
        { name: "已配备", type: "bar", itemStyle: { color: colours[0] }, data: rows.map(function (r) { return point(r.leaders_used, r.urls.leaders); }) },
        { name: "核定", type: "bar", itemStyle: { color: colours[4] }, data: rows.map(function (r) { return point(r.leaders_approved, r.urls.institutions); }) }] });
    var rules = data.findings.filter(function (f) { return f.block || f.warning; });
    chart("chart-findings", { title: { text: "规则检查问题（按规则和级别）" }, legend: {}, count: true,
      xAxis: { type: "category", data: rules.map(function (f) { return f.title; }),
        axisLabel: { interval: 0, rotate: 30, width: 110, overflow: "truncate" } },
      yAxis: { name: "个" },
      series: [
        { name: "阻止", type: "bar", stack: "s", itemStyle: { color: colours[1] }, data: rules.map(function (f) { return point(f.block, f.url_block); }) },
        { name: "预警", type: "bar", stack: "s", itemStyle: { color: colours[2] }, data: rules.map(function (f) { return point(f.warning, f.url_warning); }) }] });
  });
})();
