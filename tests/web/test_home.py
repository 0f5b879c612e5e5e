"""The start page: the figures of the user's own region, the latest plans,
findings and task warnings with links, and what waits for this user."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.conftest import DAYING, PENGLAI, TONGWEI


@pytest.fixture
def demo_world(module_demo: dict[str, Any], db: Any) -> dict[str, Any]:
    """The whole demo (roster, findings, tasks in every state, duty requests,
    approved plans) and the named users, loaded once for this module."""
    return module_demo


def _expected(code: str | None) -> dict[str, int]:
    """The figures of region ``code`` (None: everything) counted independently."""
    from django.db.models import Q

    from bianzhi.regions.models import Region
    from bianzhi.roster.models import Person
    from bianzhi.townships.models import ApprovedQuota

    def under(prefix: str) -> Q:
        return Q(**{f"{prefix}code__startswith": code}) if code else Q()

    persons = Person.objects.filter(under("region__"), exited_on__isnull=True)
    approved = sum(ApprovedQuota.objects.filter(under("township__")).values_list("count", flat=True))
    holding = persons.exclude(status="borrowed-in").filter(quota_type__in=["行政编制", "事业编制"]).count()
    return {
        "townships": Region.objects.filter(under(""), level="township").count(),
        "persons": persons.count(),
        "vacancies": approved - holding,
    }


@pytest.mark.parametrize(
    ("user", "code"),
    [
        ("daying_officer", DAYING),
        ("penglai_user", PENGLAI),
        ("tongwei_officer", TONGWEI),
        ("suining_viewer", "5109"),
        ("superuser", None),
    ],
)
def test_the_start_page_shows_the_figures_of_the_users_own_region(
    demo_world: dict[str, Any], login: Any, user: str, code: str | None
) -> None:
    response = login(demo_world[user]).get(reverse("web:home"))
    assert response.status_code == 200
    figures = response.context["figures"]
    expected = _expected(code)
    assert figures["townships"] == expected["townships"]
    assert figures["persons"] == expected["persons"]
    assert figures["vacancy_total"] == expected["vacancies"]
    assert expected["persons"] > 0  # the demo gives every region people to count
    html = response.content.decode()
    assert f'data-testid="fig-townships">{expected["townships"]}<' in html


def test_a_county_officer_sees_only_the_own_county_plans_and_no_other_county_figures(
    demo_world: dict[str, Any], login: Any
) -> None:
    response = login(demo_world["daying_officer"]).get(reverse("web:home"))
    html = response.content.decode()
    assert {p.region.code for p in response.context["plans"]} == {DAYING}
    assert "通渭县" not in html.split('data-testid="home-region"')[1].split("</section>\n</div>")[0]
    assert response.context["figures"]["townships"] == 10
    tongwei = login(demo_world["tongwei_officer"]).get(reverse("web:home"))
    assert {p.region.code for p in tongwei.context["plans"]} == {TONGWEI}
    assert tongwei.context["figures"]["persons"] == _expected(TONGWEI)["persons"]


def test_findings_and_task_warnings_are_counted_in_scope_and_link_to_their_lists(
    demo_world: dict[str, Any], login: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from bianzhi.rules.models import StoredFinding
    from bianzhi.tasks.models import Task

    response = login(demo_world["daying_officer"]).get(reverse("web:home"))
    findings = response.context["findings"]
    mine = StoredFinding.objects.filter(county__code=DAYING)
    assert findings["block"] == mine.filter(severity="block").count()
    assert findings["warning"] == mine.filter(severity="warning").count()
    today = timezone.localdate()
    open_tasks = Task.objects.filter(plan__region__county_code=DAYING, deadline__isnull=False).exclude(
        status="closed"
    )
    tasks = response.context["tasks"]
    assert tasks["overdue"] == open_tasks.filter(deadline__lt=today).count()
    assert tasks["due_soon"] == open_tasks.filter(
        deadline__gte=today, deadline__lte=today + dt.timedelta(days=7)
    ).count()
    html = response.content.decode()
    assert reverse("policy_rules:findings") + "?severity=block" in html
    assert reverse("tasks:task_list") + "?urgency=overdue" in html


def test_an_approver_sees_plans_waiting_for_approval_and_others_do_not(
    demo_world: dict[str, Any], login: Any
) -> None:
    from bianzhi.allocation import selectors, services
    from bianzhi.regions.models import Region

    county = Region.objects.get(code=DAYING)
    plan = services.plan_run(
        plan=services.plan_create(
            region=county, name="待批准的方案", year=2026, params=selectors.plan_default_params(region=county)
        )
    )
    assert plan.status == "computed"
    approver = login(demo_world["daying_officer"]).get(reverse("web:home"))
    waiting = {p.title: p for p in approver.context["waiting"]}
    assert ("待批准的方案（大英县）", reverse("allocation:detail", args=[plan.pk])) in waiting["测算方案待批准"].items
    # 通渭县's officer is no 审核人 and 大英县 is not theirs; the 只读 city user approves nothing.
    for user in ("tongwei_officer", "suining_viewer"):
        page = login(demo_world[user]).get(reverse("web:home"))
        waiting_html = page.content.decode().split('data-testid="home-waiting"')[1].split("</section>")[0]
        assert "待批准的方案" not in waiting_html
        assert not any(p.title == "测算方案待批准" for p in page.context["waiting"])


def test_a_township_user_sees_the_own_township_and_the_opinions_it_owes(
    demo_world: dict[str, Any], login: Any
) -> None:
    from bianzhi.accounts.scope import Scope
    from bianzhi.duties.selectors.access import awaiting_opinion

    user = demo_world["penglai_user"]
    response = login(user).get(reverse("web:home"))
    assert response.context["figures"]["townships"] == 1
    assert response.context["plans"] == []
    owed = awaiting_opinion(scope=Scope.for_user(user)).count()
    titles = [p.title for p in response.context["waiting"]]
    assert ("待本乡镇提出书面意见" in titles) == (owed > 0)
    assert not any(t.endswith("待批准") or t.endswith("待审定") for t in titles)
    assert reverse("townships:detail", args=[PENGLAI]) in response.content.decode()


def test_the_start_page_needs_a_bounded_number_of_queries(
    demo_world: dict[str, Any], login: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(demo_world["superuser"])
    # Aggregates and short lists only: the count does not grow with the data.
    with django_assert_max_num_queries(25):
        assert client.get(reverse("web:home")).status_code == 200
    client = login(demo_world["daying_officer"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("web:home")).status_code == 200
