"""A township's powers-and-duties list: its page (with the take-up proposal
of its featured items) and the pages published without login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import actor_of, acts_for_township, scope_of
from bianzhi.core.duties import FEATURED_LISTS, ListKind, TakeUpChoice
from bianzhi.duties import exports
from bianzhi.duties.selectors.access import awaiting_opinion
from bianzhi.duties.selectors.catalogue import (
    take_up_changes,
    take_up_rounds,
    take_up_rows,
    township_class_of,
)
from bianzhi.duties.selectors.duty_list import duty_list, public_township
from bianzhi.duties.services.catalogue import take_up_propose
from bianzhi.duties.services.common import DutyError
from bianzhi.duties.views.common import _error
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import XLSX, download
from bianzhi.kernel.ratelimit import limit_anonymous
from bianzhi.regions.models import Region


def township(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.township_or_404(township_code)
    may_propose = acts_for_township(scope, region)
    if request.method == "POST":
        if not may_propose:
            raise PermissionDenied("只能为本乡镇申报承接事项")
        choices = {
            key[len("choice-"):]: TakeUpChoice(request.POST[key])
            for key in request.POST
            if key.startswith("choice-") and request.POST[key] in TakeUpChoice._value2member_map_
        }
        try:
            take_up_propose(actor=actor_of(request), township=region, choices=choices, note=request.POST.get("note", ""))
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "承接申报已提交，等待县审定。")
            return redirect("duties:township", township_code=region.code)
    today = clock.today()
    rows = take_up_rows(township=region)
    return render(
        request,
        "duties/township.html",
        {
            "township": region,
            "township_class": township_class_of(region),
            "entries": duty_list(township=region, today=today),
            "featured_rows": [r for r in rows if r.applies and r.item.list_kind != ListKind.BASE],
            "rounds": take_up_rounds(township=region)[:20],
            "changes": take_up_changes(township=region)[:50],
            "may_propose": may_propose,
            "may_approve": scope.can_approve(region),
            "awaiting": awaiting_opinion(scope=scope),
            "featured_lists": FEATURED_LISTS,
        },
    )


# --- public ---------------------------------------------------------------------------------------------------
# Published to anyone: anonymous requests are rate-limited per client address
# (bianzhi.kernel.ratelimit); the PDF is cached until the list changes (exports).


@login_not_required
@limit_anonymous("public")
def public_duties(request: HttpRequest, township_code: str) -> HttpResponse:
    """The published list (向社会公开, 001 §(一)2): no login, approved records only."""
    region = public_township(code=township_code)
    return render(
        request,
        "duties/public_duties.html",
        {
            "township": region,
            "county": Region.objects.filter(code=region.county_code).first(),
            "entries": duty_list(township=region, today=clock.today()),
            "today": clock.today(),
        },
    )


@login_not_required
@limit_anonymous("public")
def public_duties_xlsx(request: HttpRequest, township_code: str) -> HttpResponse:
    region = public_township(code=township_code)
    return download(exports.duty_list_xlsx(township=region), f"{region.name}权责清单.xlsx", XLSX)


@login_not_required
@limit_anonymous("public")
def public_duties_pdf(request: HttpRequest, township_code: str) -> HttpResponse:
    region = public_township(code=township_code)
    return download(exports.duty_list_pdf(township=region), f"{region.name}权责清单.pdf", "application/pdf")
