"""Reads of the region tree, always through the reader's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import Level, Region


def region_roots(*, scope: Scope) -> QuerySet[Region]:
    """Where browsing starts: the provinces for a superuser, else the user's own region."""
    if scope.is_superuser:
        return Region.objects.filter(level=Level.PROVINCE)
    if scope.region is None or not scope.sees_anything:
        return Region.objects.none()
    return Region.objects.filter(pk=scope.region.pk)


def region_get(*, scope: Scope, code: str) -> Region:
    """The region with ``code``; Http404 if missing or outside the scope."""
    return scope.region_or_404(code)


def region_children(*, scope: Scope, region: Region) -> QuerySet[Region]:
    return scope.regions().filter(parent=region).order_by("code")


def region_list(*, scope: Scope, parent: str = "", q: str = "") -> QuerySet[Region]:
    """Regions in scope, optionally the children of ``parent`` (a code) and/or
    matching ``q`` (code prefix or part of the name)."""
    qs = scope.regions().select_related("parent")
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        q = q.strip()
        qs = (
            qs.filter(Q(code__startswith=q) | Q(name__contains=q))
            if q.isdigit()
            else qs.filter(name__contains=q)
        )
    return qs.order_by("code")


def region_path(*, region: Region) -> list[Region]:
    """The region's ancestors, root first, then the region (one query)."""
    codes = region.ancestor_codes()
    ancestors = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [ancestors[c] for c in codes if c in ancestors] + [region]


def region_full_name(*, region: Region) -> str:
    """e.g. "四川省 遂宁市 大英县"."""
    return " ".join(r.name for r in region_path(region=region))
