"""Dashboard charts at 1366×768 in Chromium: one palette from app.css, whole
numbers on count axes, titles clear of legends and axis names, and no label
outside its chart box."""

from __future__ import annotations

from typing import Any

import pytest

CHARTS = ["chart-quota", "chart-usage", "chart-seconded", "chart-enforcement", "chart-leaders", "chart-findings"]
COUNT_CHARTS = ["chart-quota", "chart-enforcement", "chart-leaders", "chart-findings"]

# For each chart: the palette ECharts uses, the CSS palette, the texts with
# their boxes, and the chart box.
MEASURE = """(ids) => ids.map((id) => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const css = [1, 2, 3, 4, 5, 6].map((i) => getComputedStyle(document.documentElement)
      .getPropertyValue('--chart-' + i).trim().toLowerCase());
  const texts = [...el.querySelectorAll('svg text')].filter((t) => t.textContent.trim()).map((t) => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  const box = el.getBoundingClientRect();
  const option = chart.getOption();
  return {id, css, colors: option.color.map((c) => String(c).toLowerCase()), title: option.title[0].text,
          legend: option.legend && option.legend.length ? option.legend[0].data || [] : [],
          axisNames: option.yAxis.map((a) => a.name || ''), texts,
          box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}};
})"""


@pytest.fixture
def county(regions: Any) -> Any:
    from bianzhi.allocation.demo import demo_plan
    from bianzhi.rules.services import findings_refresh
    from bianzhi.townships.demo import demo_county_data

    demo_county_data(regions["510923"])
    demo_plan(regions["510923"])
    findings_refresh(county_code="510923")
    return regions["510923"]


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_charts_share_the_palette_count_in_whole_numbers_and_never_overlap_at_1366(
    page: Any, browser_login: Any, daying_officer: Any, county: Any
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, "daying")
    page.goto("/dashboards/510923/")
    for chart in CHARTS:
        page.locator(f"#{chart} svg text").first.wait_for()
    for chart in page.evaluate(MEASURE, CHARTS):
        assert chart["colors"][:6] == chart["css"], chart["id"]
        texts = chart["texts"]
        title = next(t for t in texts if t["text"] == chart["title"])
        names = set(chart["legend"]) | {n for n in chart["axisNames"] if n}
        others = [t for t in texts if t["text"] in names]
        assert others or not names, chart["id"]
        assert not any(_overlap(title, t) for t in others), (chart["id"], title, others)
        box = chart["box"]
        for t in texts:  # inside the chart box: nothing clipped
            assert t["left"] >= box["left"] - 0.5 and t["right"] <= box["right"] + 0.5, (chart["id"], t)
            assert t["top"] >= box["top"] - 0.5 and t["bottom"] <= box["bottom"] + 0.5, (chart["id"], t)
        if chart["id"] in COUNT_CHARTS:
            decimals = [t["text"] for t in texts if t["text"].replace(".", "", 1).isdigit() and "." in t["text"]]
            assert not decimals, (chart["id"], decimals)
