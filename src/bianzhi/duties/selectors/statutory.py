"""Reads of a county's statutory items."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.duties.models import StatutoryItem
from bianzhi.duties.selectors.common import _sees_county
from bianzhi.regions.models import Region


def statutory_items(*, county: Region, active: bool = True) -> QuerySet[StatutoryItem]:
    """The county's statutory items in force (``active=False``: the retired ones)."""
    return StatutoryItem.objects.filter(county=county, active=active).order_by("code")


def statutory_item_get(*, scope: Scope, pk: int) -> StatutoryItem:
    """A statutory item of a county the reader may read county-wide lists of, else 404."""
    item = StatutoryItem.objects.select_related("county").filter(pk=pk).first()
    if item is None or not _sees_county(scope, item.county):
        raise Http404("事项不存在或无权访问")
    return item
