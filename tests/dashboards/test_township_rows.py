"""The per-township rows written by ``{% township_rows %}`` (issue 16: the
province dashboard's 3,111 rows) are exactly what the template loop they
replace wrote."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template

# The loops as they stood in dashboards/_issue15.html before issue 16.
LOOPS = {
    "enforcement": (
        '{% for r in rows %}<tr><td>{{ r.name }}</td><td class="num">{{ r.cases }}</td><td class="num">{{ r.open }}</td>'
        '<td class="num">{{ r.closed }}</td><td class="num">{{ r.transferred }}</td>'
        '<td class="num">{{ r.average_days_to_close|default_if_none:"—" }}</td>'
        '<td class="num">{{ r.certificate_rate|default_if_none:"—" }}{% if r.certificate_rate is not None %}%{% endif %}'
        "</td></tr>{% endfor %}"
    ),
    "assets": (
        '{% for r in rows %}<tr><td>{{ r.name }}</td><td class="num">{{ r.total }}</td><td class="num">{{ r.idle }}</td>'
        '<td class="num">{{ r.revitalised }}</td><td class="num">{{ r.idle_share|default_if_none:"—" }}</td>'
        '<td class="num">{{ r.revitalised_share|default_if_none:"—" }}</td><td class="num">{{ r.closed_plans }}</td>'
        "</tr>{% endfor %}"
    ),
}

ENFORCEMENT: list[dict[str, Any]] = [
    {"name": "蓬莱镇", "cases": 12, "open": 3, "closed": 8, "transferred": 1, "average_days_to_close": 12.5,
     "certificate_rate": 87.5},
    {"name": "<b>回马镇</b> & 天保", "cases": 0, "open": 0, "closed": 0, "transferred": 0,
     "average_days_to_close": None, "certificate_rate": None},
    {"name": "象山镇", "cases": 1234567, "open": 1, "closed": 0, "transferred": 0, "average_days_to_close": 3,
     "certificate_rate": 100},
]  # fmt: skip
ASSETS: list[dict[str, Any]] = [
    {"name": "蓬莱镇", "total": 40, "idle": 5, "revitalised": 2, "idle_share": 12.5, "revitalised_share": 40.0,
     "closed_plans": 1},
    {"name": "回马镇\"'", "total": 0, "idle": 0, "revitalised": 0, "idle_share": None, "revitalised_share": None,
     "closed_plans": 0},
]  # fmt: skip


def test_the_tag_writes_the_rows_the_template_loop_wrote() -> None:
    for table, rows in (("enforcement", ENFORCEMENT), ("assets", ASSETS)):
        loop = Template(LOOPS[table]).render(Context({"rows": rows}))
        tag = Template("{% load dashboard_rows %}{% township_rows rows table %}").render(
            Context({"rows": rows, "table": table})
        )
        assert tag == loop
        assert "&lt;b&gt;" in tag or table == "assets"  # names are escaped
