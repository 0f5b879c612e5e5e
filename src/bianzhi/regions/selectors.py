"""Reads of the region tree, always through the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import LEVEL_FIELD, Level, Region


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


# The rows a region's figures are grouped by on its dashboard: a province by
# city, a city by county, a county by township (an overseer reads the level
# below and drills down from there); a township is its own row.
GROUP_LEVEL: dict[str, str] = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.TOWNSHIP,
}


def figure_groups(*, scope: Scope, region: Region) -> tuple[str, list[Region]]:
    """The group rows of ``region``'s figures (in scope, in code order) and
    the Region column that names the group of a township (``city_code``,
    ``county_code`` or ``code``): a query grouped by that column gives one
    row per group."""
    level = GROUP_LEVEL[region.level]
    groups = scope.regions().filter(level=level, **{region.level_field: region.code}).order_by("code")
    return LEVEL_FIELD[level], list(groups)


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
    """The region's ancestors, root first, then the region (one query, the
    first time for this region object: a page asks for the user's region's
    path in the top bar and again in its body)."""
    cached: list[Region] | None = getattr(region, "_path", None)
    if cached is not None:
        return list(cached)
    codes = region.ancestor_codes()
    ancestors = {r.code: r for r in Region.objects.filter(code__in=codes)}
    path = [ancestors[c] for c in codes if c in ancestors] + [region]
    region._path = path  # type: ignore[attr-defined]
    return list(path)


def region_full_name(*, region: Region) -> str:
    """e.g. "四川省 遂宁市 大英县"."""
    return " ".join(r.name for r in region_path(region=region))


# Drill-down levels: a township is never a step, a county is where it ends.
DRILL_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
DRILL_RESULTS = 30


@dataclass(frozen=True)
class Drill:
    """One step of the province → city → county drill-down.

    ``parent``: the region whose children are listed (None: the user's top);
    ``path``: the steps back up that the user may open, root first;
    ``children``: provinces, cities or counties to choose from;
    ``results``: with a search, the matching regions (name, pinyin initials
    or code), counties first."""

    parent: Region | None
    path: list[Region]
    children: list[Region]
    results: list[Region]
    query: str


def region_drill(*, scope: Scope, parent_code: str = "", q: str = "") -> Drill:
    """The drill-down for users above a county; codes outside the scope are 404."""
    from bianzhi.regions.pinyin import initials_of

    regions = scope.regions().filter(level__in=DRILL_LEVELS)
    parent = scope.region_or_404(parent_code) if parent_code else None
    if parent is not None and parent.level not in (Level.PROVINCE, Level.CITY):
        parent = None
    if parent is None:
        top = scope.region if scope.region is not None and not scope.is_superuser else None
        if top is not None and top.level in (Level.PROVINCE, Level.CITY):
            parent = top
    if parent is None:
        children = list(regions.filter(level=Level.PROVINCE).order_by("code"))
        path: list[Region] = []
    else:
        children = list(regions.filter(parent=parent).order_by("code"))
        path = [r for r in region_path(region=parent) if scope.can_view(r)]
    q = q.strip()
    results: list[Region] = []
    if q:
        under = regions.filter(**{parent.level_field: parent.code}) if parent else regions
        if q.isdigit():
            matches = list(under.filter(code__startswith=q).order_by("code")[:DRILL_RESULTS])
        elif q.isascii() and q.isalpha():
            names = dict(under.values_list("code", "name"))
            wanted = q.lower()
            codes = [c for c, i in initials_of(names).items() if i.startswith(wanted)]
            matches = list(under.filter(code__in=codes).order_by("code"))
        else:
            matches = list(under.filter(name__contains=q).order_by("code")[:DRILL_RESULTS])
        order = {Level.COUNTY: 0, Level.CITY: 1, Level.PROVINCE: 2}
        results = sorted(matches, key=lambda r: (order[Level(r.level)], r.code))[:DRILL_RESULTS]
    return Drill(parent=parent, path=path, children=children, results=results, query=q)
