// One look for every chart (ECharts, vendored): the colours are app.css's
// custom properties (--chart-1 ... --chart-6, --fg, --muted, --line), the font
// is the page's; titles sit top-left, legends in their own row at the bottom,
// so neither can cover the other or an axis name; axis labels and names are
// kept inside the chart box (no clipped labels); count axes step by whole
// numbers. Load after echarts.min.js and before the page's chart script.
(function () {
  "use strict";
  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }
  var registered = false;
  function palette() {
    var fallback = ["#1f4e8c", "#b3261e", "#d99a00", "#3d7a5a", "#9aa7b8", "#6b4f8a"];
    return fallback.map(function (c, i) { return css("--chart-" + (i + 1), c); });
  }
  function register() {
    if (registered || !window.echarts) return;
    registered = true;
    var fg = css("--fg", "#1d2330"), muted = css("--muted", "#5f6b7a"), line = css("--line", "#d9dee5");
    var axis = {
      axisLine: { lineStyle: { color: muted } }, axisTick: { lineStyle: { color: muted } },
      axisLabel: { color: fg }, splitLine: { lineStyle: { color: line } }, nameTextStyle: { color: muted }
    };
    window.echarts.registerTheme("bianzhi", {
      color: palette(),
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: fg },
      title: { textStyle: { color: fg, fontSize: 14, fontWeight: "bold" } },
      legend: { textStyle: { color: fg } },
      categoryAxis: axis, valueAxis: axis
    });
  }
  // Transparent variant of a #rrggbb colour: shades of one colour for the
  // figures of one kind (核定 / 在编 / 空编 of one quota type).
  function shade(hex, alpha) {
    var n = parseInt(hex.replace("#", ""), 16);
    return "rgba(" + (n >> 16 & 255) + "," + (n >> 8 & 255) + "," + (n & 255) + "," + alpha + ")";
  }
  function axes(list, count) {
    return (Array.isArray(list) ? list : [list]).map(function (a) {
      var axis = Object.assign({ type: "value", nameLocation: "end", nameGap: 8 }, a);
      if (axis.count !== undefined ? axis.count : count) axis.minInterval = 1;
      delete axis.count;
      return axis;
    });
  }
  // option.count: the value axes count people or items (integer ticks); an
  // axis may say otherwise with its own `count`.
  function layout(option) {
    option.title = Object.assign({ left: 8, top: 6 }, option.title);
    if (option.legend) option.legend = Object.assign({ bottom: 4, left: "center", type: "scroll" }, option.legend);
    option.grid = Object.assign({
      left: 8, right: 16, top: 44, bottom: option.legend ? 34 : 8,
      outerBoundsMode: "same", outerBoundsContain: "all"
    }, option.grid);
    if (option.yAxis) option.yAxis = axes(option.yAxis, option.count);
    delete option.count;
    option.tooltip = option.tooltip || { trigger: "axis" };
    return option;
  }
  function init(el) {
    register();
    var chart = window.echarts.init(el, "bianzhi", { renderer: "svg" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  window.bianzhiCharts = { init: init, layout: layout, palette: palette, shade: shade };
})();
