"""The demo step: every request state, catalogue, take-up, matters, agencies
and a year of assessments in both demo counties; idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bianzhi.kernel.demo import DemoContext, demo_run


@pytest.mark.django_db
def test_the_demo_fills_both_counties_with_every_state() -> None:
    from bianzhi.accounts.models import User
    from bianzhi.agencies.models import AgencyAssessment, DepartmentAssessment, HeadChange
    from bianzhi.audit.models import AuditRecord
    from bianzhi.duties.models import DutyAccessRequest, TakeUp, TakeUpRound, TerritorialMatter

    ctx = DemoContext(password="demo-2026", full_country=False, echo=lambda _: None)
    demo_run(context=ctx)
    today = timezone.localdate()
    for county in ("510923", "621121"):
        requests = list(DutyAccessRequest.objects.filter(county__code=county))
        states = {r.status_on(today).value for r in requests}
        assert states == {"draft", "consulting", "approved", "rejected", "expired"}
        assert any(r.blocked_reasons for r in requests)
        consulting = [r for r in requests if r.status == "consulting"]
        assert {r.opinions.count() > 0 for r in consulting} == {True, False}
        assert TakeUp.objects.filter(township__county_code=county).exists()
        assert TakeUpRound.objects.filter(township__county_code=county, status="pending").count() == 1
        domains = set(TerritorialMatter.objects.filter(county__code=county).values_list("domain", flat=True))
        assert len(domains) == 6
        year = today.year - 1
        assert AgencyAssessment.objects.filter(agency__township__county_code=county, year=year).count() >= 8
        assert DepartmentAssessment.objects.filter(department__county__code=county, year=year).count() == 6
        assert HeadChange.objects.filter(agency__township__county_code=county, status="pending").count() == 1
    assert User.objects.get(username="daying-dept").role_set() == {"department"}
    counts = (DutyAccessRequest.objects.count(), AuditRecord.objects.count())
    demo_run(context=ctx)
    assert (DutyAccessRequest.objects.count(), AuditRecord.objects.count()) == counts


def test_the_agencies_step_runs_right_after_the_duties_step() -> None:
    """Both have order 70 (steps of one order run by name): the agencies step
    uses the departments the duties step creates and hands on."""
    from django.utils.module_loading import autodiscover_modules

    from bianzhi.kernel.demo import DEMO_STEPS

    autodiscover_modules("demo")
    names = [s.name for s in sorted(DEMO_STEPS, key=lambda s: (s.order, s.name))]
    duties = names.index("权责清单与职责准入（示例数据）")
    assert names[duties + 1] == "派驻机构与考核评价（示例数据）"
