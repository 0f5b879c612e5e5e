"""The start page and the error pages.

The start page is what an officer wants at 8 a.m.: the figures of the user's
region (townships, persons on the roster, vacancies), the latest allocation
plans, open rule findings and task warnings, and everything waiting for this
user (approvals for 审核人, opinions for 乡镇用户). Every figure is read
through the apps' scoped selectors as one aggregate or one short list, so the
number of queries does not grow with the region.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import Scope, scope_of
from bianzhi.allocation.selectors import plan_list, plans_awaiting_approval
from bianzhi.audit.selectors import login_summary
from bianzhi.duties.selectors.access import awaiting_opinion, requests_awaiting_decision
from bianzhi.duties.selectors.catalogue import pending_rounds
from bianzhi.kernel import clock
from bianzhi.regions.models import Level
from bianzhi.regions.selectors import region_children, region_full_name, region_roots
from bianzhi.roster.selectors import roster_counts
from bianzhi.rules.selectors import finding_severity_counts
from bianzhi.tasks.selectors import closeouts_awaiting, warning_counts
from bianzhi.townships.selectors import approved_quota_totals, township_count

# Items shown per waiting list; the list's page has the rest.
PENDING_SHOWN = 5


@dataclass
class Pending:
    """One kind of thing waiting for the user: a few items and a link to all."""

    title: str
    items: list[tuple[str, str]]  # (label, url)
    more: bool
    url: str

    @property
    def count_label(self) -> str:
        return f"{len(self.items)}+" if self.more else str(len(self.items))


def _pending(title: str, qs: Any, label: Any, url: Any, all_url: str) -> Pending | None:
    rows = list(qs[: PENDING_SHOWN + 1])
    if not rows:
        return None
    return Pending(title, [(label(r), url(r)) for r in rows[:PENDING_SHOWN]], len(rows) > PENDING_SHOWN, all_url)


def _figures(scope: Scope) -> dict[str, Any]:
    roster = roster_counts(scope=scope)
    approved = approved_quota_totals(scope=scope)
    vacancies = {t: n - roster["holding"].get(t, 0) for t, n in approved.items()}
    return {
        "townships": township_count(scope=scope),
        "persons": roster["persons"],
        "approved": approved,
        "vacancies": vacancies,
        "vacancy_total": sum(vacancies.values()),
    }


def _waiting(scope: Scope) -> list[Pending]:
    """What waits for this user: approvals for 审核人 (and superusers), the
    township's opinions for 乡镇用户."""
    found: list[Pending | None] = []
    if scope.is_superuser or Role.APPROVER in scope.roles:
        found += [
            _pending(
                "测算方案待批准",
                plans_awaiting_approval(scope=scope),
                lambda p: f"{p.name}（{p.region.name}）",
                lambda p: reverse("allocation:detail", args=[p.pk]),
                reverse("allocation:list"),
            ),
            _pending(
                "职责准入申请待审定",
                requests_awaiting_decision(scope=scope),
                lambda r: f"{r.matter}（{r.county.name}）",
                lambda r: reverse("duties:request-detail", args=[r.pk]),
                reverse("duties:request-list") + "?status=deciding",
            ),
            _pending(
                "承接申报待审定",
                pending_rounds(scope=scope).order_by("proposed_at", "id"),
                lambda r: f"{r.township.name} {r.proposed_at:%Y-%m-%d} 申报",
                lambda r: reverse("duties:township", args=[r.township.code]),
                reverse("duties:index"),
            ),
            _pending(
                "销号待审核",
                closeouts_awaiting(scope=scope),
                lambda t: f"{t.plan.title} 第{t.seq}项",
                lambda t: reverse("tasks:task_detail", args=[t.pk]),
                reverse("tasks:task_list") + "?status=close_requested",
            ),
        ]
    if Role.TOWNSHIP in scope.roles:
        found.append(
            _pending(
                "待本乡镇提出书面意见",
                awaiting_opinion(scope=scope).order_by("id"),
                lambda r: f"{r.matter}（{r.department.name}）",
                lambda r: reverse("duties:request-detail", args=[r.pk]),
                reverse("duties:request-list"),
            )
        )
    return [p for p in found if p is not None]


def _links(scope: Scope) -> list[tuple[str, str]]:
    region = scope.region
    links = [("实名制名册", reverse("roster:list")), ("规则检查问题", reverse("policy_rules:findings"))]
    if region is not None and region.level == Level.TOWNSHIP:
        links = [
            ("本乡镇", reverse("townships:detail", args=[region.code])),
            ("本乡镇权责清单", reverse("duties:township", args=[region.code])),
            ("本乡镇编制测算说明", reverse("allocation:township", args=[region.code])),
            *links,
        ]
    else:
        links = [("测算方案", reverse("allocation:list")), ("乡镇与指标", reverse("townships:index")), *links]
    if region is not None:
        links.append(("数据看板", reverse("dashboards:region", args=[region.code])))
    links += [("工作任务", reverse("tasks:task_list")), ("职责准入", reverse("duties:request-list"))]
    return links


def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    roots = list(region_roots(scope=scope))
    children = region_children(scope=scope, region=roots[0]) if len(roots) == 1 else None
    context: dict[str, Any] = {
        "roots": roots,
        "children": children,
        # The previous login and failed attempts since: a stranger's attempts
        # on the account show up where its owner looks every day.
        "login": login_summary(scope=scope, user=request.user),
    }
    if scope.sees_anything:
        findings = finding_severity_counts(scope=scope)
        findings_url = reverse("policy_rules:findings")
        tasks_url = reverse("tasks:task_list")
        is_township = scope.region is not None and scope.region.level == Level.TOWNSHIP
        context.update(
            region_name=region_full_name(region=scope.region) if scope.region else "全部区划",
            is_township=is_township,
            figures=_figures(scope),
            findings={
                "block": findings.get("block", 0),
                "warning": findings.get("warning", 0),
                "url": findings_url,
                "url_block": f"{findings_url}?{urlencode({'severity': 'block'})}",
                "url_warning": f"{findings_url}?{urlencode({'severity': 'warning'})}",
            },
            tasks={
                **warning_counts(scope=scope, on=clock.today()),
                "url_overdue": f"{tasks_url}?{urlencode({'urgency': 'overdue'})}",
                "url_due_soon": f"{tasks_url}?{urlencode({'urgency': 'due_soon'})}",
            },
            # A township user's scope holds no county plan; the section is hidden.
            plans=[] if is_township else list(plan_list(scope=scope)[:PENDING_SHOWN]),
            waiting=_waiting(scope),
            links=_links(scope),
        )
    return render(request, "web/home.html", context)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


_FAVICON = Path(__file__).parent / "static" / "bianzhi" / "favicon.svg"


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever the page links: the SVG icon."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
