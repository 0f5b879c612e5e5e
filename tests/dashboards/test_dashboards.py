from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from tests.staffing import PENGLAI, enter

from bianzhi.dashboards.selectors import dashboard_data
from bianzhi.roster.services import person_second, person_secondment_end
from bianzhi.rules.services import findings_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(office: Any) -> Any:
    from bianzhi.institutions.services import ledger_change

    ledger_change(actor=None, institution=office, item="leader-chief", delta=2, effective_on=date(2020, 1, 1),
                  document_number="x", reason="核定")
    people = [enter(i, is_enforcement_staff=i <= 2, certificate_expiry=date(2099, 1, 1) if i == 1 else None,
                    post_category="leader" if i == 3 else "general") for i in range(1, 6)]
    people += [enter(i, quota_type="事业编制") for i in range(6, 9)]
    from bianzhi.rules.models import RuleSetting

    # 8 persons on 20 quotas is understaffed (000 §二.3); the dashboards count a secondee.
    RuleSetting.objects.create(region=office.region.parent, rule="secondment-understaffed", enabled=False)
    person_second(actor=None, person=people[4], unit="县委办", start=date(2024, 1, 1), document_number="x", township_consent="蓬莱镇党委会议纪要〔2024〕3号")
    findings_refresh(county_code="510923")
    return people


def _row(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in data["rows"] if r["code"] == code)


def test_the_county_dashboard_counts_per_township(staffed: Any, scope_of: Any, regions: Any) -> None:
    data = dashboard_data(scope=scope_of(), region=regions["510923"])
    row = _row(data, PENGLAI)
    assert row["approved"] == {"行政编制": 10, "事业编制": 10}
    assert row["actual"] == {"行政编制": 5, "事业编制": 3}
    assert row["vacancy"] == {"行政编制": 5, "事业编制": 7}
    assert row["usage"] == 40.0
    assert row["seconded"] == 1 and row["seconded_share"] == 5.0
    assert row["enforcement"] == 2 and row["certified"] == 1 and row["certification_rate"] == 50.0
    assert row["leaders_used"] == 1 and row["leaders_approved"] == 2
    usage = next(f for f in data["findings"] if f["rule"] == "usage-rate")
    assert usage["warning"] >= 1


def test_every_figure_drills_down_to_a_list_with_the_same_count(
    staffed: Any, scope_of: Any, regions: Any, login: Any, daying_officer: Any
) -> None:
    data = dashboard_data(scope=scope_of(), region=regions["510923"])
    row = _row(data, PENGLAI)
    client = login(daying_officer)
    expected = {"actual:行政编制": 5, "actual:事业编制": 3, "seconded": 1, "enforcement": 2, "certified": 1,
                "leaders": 1, "staff": 8}
    for key, count in expected.items():
        body = client.get(row["urls"][key]).content.decode()
        assert re.search(rf"共 {count} 人", body), (key, row["urls"][key])
    usage = next(f for f in data["findings"] if f["rule"] == "usage-rate")
    body = client.get(usage["url_warning"]).content.decode()
    assert "编制使用率" in body and "共 0 个问题" not in body


def test_the_province_dashboard_groups_by_city_with_a_fixed_number_of_queries(
    staffed: Any, scope_of: Any, regions: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        data = dashboard_data(scope=scope_of(), region=regions["51"])
    suining = _row(data, "5109")
    assert suining["actual"] == {"行政编制": 5, "事业编制": 3}
    assert data["totals"]["seconded"] == 1


def test_the_page_draws_the_charts_and_hides_other_counties(
    staffed: Any, login: Any, daying_officer: Any, tongwei_officer: Any
) -> None:
    page = login(daying_officer).get("/dashboards/510923/").content.decode()
    assert "echarts.min.js" in page and 'id="dashboard-data"' in page and "蓬莱镇" in page
    assert login(tongwei_officer).get("/dashboards/510923/").status_code == 404
    assert login(tongwei_officer).get("/dashboards/").status_code == 302


def test_ending_the_secondment_updates_the_figures(staffed: Any, scope_of: Any, regions: Any) -> None:
    person_secondment_end(actor=None, person=staffed[4], returned_on=date(2024, 6, 1))
    data = dashboard_data(scope=scope_of(), region=regions["510923"])
    assert _row(data, PENGLAI)["seconded"] == 0


def test_the_findings_are_counted_per_rule_and_severity(staffed: Any, scope_of: Any, regions: Any) -> None:
    """Each count is the number of stored findings of that rule and severity
    (the findings list's own order must not split the groups)."""
    from collections import Counter

    from bianzhi.rules.models import StoredFinding

    expected = Counter((f.rule, f.severity) for f in StoredFinding.objects.all())
    assert max(expected.values()) >= 2
    data = dashboard_data(scope=scope_of(), region=regions["510923"])
    got = {(f["rule"], sev): f[sev] for f in data["findings"] for sev in ("block", "warning") if f[sev]}
    assert got == dict(expected)
    assert data["totals"]["block"] + data["totals"]["warning"] == sum(expected.values())
