"""Reads of duty access: the requests a reader may see, their history,
overdue steps and what waits for the reader."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.audit.models import AuditRecord
from bianzhi.audit.services import object_type_of
from bianzhi.core.duties import AccessStatus, OverdueStep, StepLimits, overdue_steps
from bianzhi.duties.models import DutyAccessRequest
from bianzhi.regions.models import Level


def access_requests(*, scope: Scope) -> QuerySet[DutyAccessRequest]:
    """Requests the reader may see: everything of the counties in scope; a
    township user sees the submitted requests that concern their township."""
    qs = DutyAccessRequest.objects.select_related("county", "department")
    if scope.is_superuser:
        return qs
    if scope.region is None or not scope.roles:
        return qs.none()
    if scope.region.level == Level.TOWNSHIP:
        return qs.filter(townships=scope.region).exclude(status=AccessStatus.DRAFT)
    return scope.filter(qs, "county")


def access_request_get(*, scope: Scope, pk: int) -> DutyAccessRequest:
    request = access_requests(scope=scope).filter(pk=pk).first()
    if request is None:
        raise Http404("申请不存在或无权访问")
    return request


def access_request_history(*, request: DutyAccessRequest) -> QuerySet[AuditRecord]:
    """Every audited step of the request and its opinions, newest first.

    Read without the audit trail's region filter on purpose: whoever may see
    the request sees all of its steps (the department, the townships and the
    county alike), which the issue requires.
    """
    opinion_ids = [str(pk) for pk in request.opinions.values_list("pk", flat=True)]
    return AuditRecord.objects.filter(
        Q(object_type=object_type_of(request), object_id=str(request.pk))
        | Q(object_type="duties.townshipopinion", object_id__in=opinion_ids)
    ).order_by("-at", "-id")


# Step limits in days; a county-level setting can replace this later.
DEFAULT_LIMITS = StepLimits()


def access_request_overdue(
    *, request: DutyAccessRequest, today: date, limits: StepLimits = DEFAULT_LIMITS
) -> list[OverdueStep]:
    answered = set(request.opinions.values_list("township_id", flat=True))
    pending = [t.name for t in request.townships.order_by("code") if t.pk not in answered]
    return overdue_steps(
        status=AccessStatus(request.status),
        submitted_on=request.submitted_on,
        opinions_complete_on=request.opinions_complete_on,
        pending_townships=pending,
        today=today,
        limits=limits,
    )


def awaiting_opinion(*, scope: Scope) -> QuerySet[DutyAccessRequest]:
    """Requests waiting for the reader's township's opinion."""
    if scope.region is None or scope.region.level != Level.TOWNSHIP:
        return DutyAccessRequest.objects.none()
    return (
        access_requests(scope=scope)
        .filter(status=AccessStatus.CONSULTING)
        .exclude(opinions__township=scope.region)
    )


def request_status_counts(requests: Sequence[DutyAccessRequest], today: date) -> Counter[str]:
    return Counter(r.status_on(today).label for r in requests)


def requests_awaiting_decision(*, scope: Scope) -> QuerySet[DutyAccessRequest]:
    """Duty-access requests in scope with every township opinion in, waiting
    for the county's decision (待县审定)."""
    return access_requests(scope=scope).filter(status=AccessStatus.DECIDING).order_by("id")
