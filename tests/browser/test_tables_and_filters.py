"""At 1366×768: tables take the page width, short cells (阻止, 大英县, names)
never wrap character by character, and every filter control and plain button
looks like the rest of the forms."""

from __future__ import annotations

from typing import Any

import pytest

MEASURE = """() => {
  const main = document.querySelector('main').getBoundingClientRect();
  const tables = [...document.querySelectorAll('main table')].map((t) => t.getBoundingClientRect().width);
  const wrapped = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const text = cell.textContent.trim();
    if (!text || text.length > 6 || cell.children.length > 1) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    if (lines.size > 1) wrapped.push(text);
  }
  const look = (el) => { const s = getComputedStyle(el);
    return [s.borderTopStyle, s.borderTopColor, s.backgroundColor, s.borderTopLeftRadius].join(' '); };
  const buttons = [...document.querySelectorAll('main button:not(.primary):not(.link)')].map((b) => [b.textContent.trim(), look(b)]);
  const controls = [...document.querySelectorAll('main form.filters input:not([type=hidden]), main form.filters select')]
    .map((c) => [c.name, getComputedStyle(c).borderTopColor, getComputedStyle(c).borderTopLeftRadius]);
  const filters = [...document.querySelectorAll('main form[method=get]')].map((f) => f.className);
  return {main: main.width, tables, wrapped, buttons, controls, filters};
}"""


@pytest.fixture
def county(regions: Any) -> Any:
    from bianzhi.allocation.demo import demo_plan
    from bianzhi.rules.services import findings_refresh
    from bianzhi.townships.demo import demo_county_data

    demo_county_data(regions["510923"])
    demo_plan(regions["510923"])
    findings_refresh(county_code="510923")
    return regions["510923"]


def test_tables_fill_the_page_and_controls_look_alike(
    page: Any, browser_login: Any, daying_officer: Any, county: Any
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, "daying")
    for url in ("/rules/findings/", "/institutions/county/510923/", "/plans/"):
        page.goto(url)
        m = page.evaluate(MEASURE)
        assert m["tables"] and max(m["tables"]) >= m["main"] - 40, (url, m)  # the widest table spans the page
        assert not m["wrapped"], (url, m["wrapped"])
        assert len({look for _, look in m["buttons"]}) <= 1, (url, m["buttons"])
        assert len({(color, radius) for _, color, radius in m["controls"]}) <= 1, (url, m["controls"])
        assert all("filters" in c.split() for c in m["filters"]), (url, m["filters"])
