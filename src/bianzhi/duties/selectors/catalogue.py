"""Reads of the delegation catalogue and take-up: which lists serve a
township's class, its approved take-up, rounds and their history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from bianzhi.accounts.scope import Scope
from bianzhi.core.duties import FEATURED_LISTS, ListKind, ListModel, TakeUpChoice
from bianzhi.duties.models import (
    CatalogueItem,
    DelegationCatalogue,
    TakeUp,
    TakeUpChange,
    TakeUpRound,
)
from bianzhi.duties.selectors.common import townships_of
from bianzhi.regions.models import Region


def township_class_of(township: Region) -> str:
    """The township's class as the townships app records it (its county's
    last class when none is set: 一般乡镇 or 三类)."""
    from bianzhi.townships.models import Township
    from bianzhi.townships.selectors import county_classes

    profile = Township.objects.filter(region=township).first()
    if profile is not None:
        return profile.township_class
    county = Region.objects.get(code=township.county_code)
    return county_classes(county=county)[-1]


def catalogue_list_model(catalogue: DelegationCatalogue) -> ListModel:
    return ListModel(
        featured_classes={
            kind: tuple(catalogue.featured_classes.get(kind.value, ())) for kind in FEATURED_LISTS
        }
    )


def catalogue_of(*, county: Region) -> DelegationCatalogue | None:
    return DelegationCatalogue.objects.filter(county=county).first()


def catalogue_items(*, catalogue: DelegationCatalogue, active: bool = True) -> QuerySet[CatalogueItem]:
    return catalogue.items.filter(active=active).order_by("list_kind", "code")


@dataclass(frozen=True)
class TakeUpRow:
    item: CatalogueItem
    applies: bool  # the item's list serves the township's class
    choice: str  # approved TakeUpChoice value, "" if none yet
    document_number: str


def take_up_rows(*, township: Region) -> list[TakeUpRow]:
    """Every active item of the county's catalogue with the township's approved take-up."""
    catalogue = DelegationCatalogue.objects.filter(county__code=township.county_code).first()
    if catalogue is None:
        return []
    lists = set(catalogue_list_model(catalogue).lists_for(township_class_of(township)))
    approved = {t.item_id: t for t in TakeUp.objects.filter(township=township)}
    rows = []
    for item in catalogue_items(catalogue=catalogue):
        take_up = approved.get(item.pk)
        rows.append(
            TakeUpRow(
                item=item,
                applies=ListKind(item.list_kind) in lists,
                choice=take_up.choice if take_up else "",
                document_number=take_up.document_number if take_up else "",
            )
        )
    return rows


def take_up_rounds(*, township: Region) -> QuerySet[TakeUpRound]:
    return TakeUpRound.objects.filter(township=township).select_related("proposed_by", "decided_by")


def take_up_changes(*, township: Region) -> QuerySet[TakeUpChange]:
    return TakeUpChange.objects.filter(township=township).select_related("item")


def pending_rounds(*, scope: Scope) -> QuerySet[TakeUpRound]:
    return scope.filter(TakeUpRound.objects.filter(status="pending"), "township").select_related(
        "township"
    )


@dataclass(frozen=True)
class TakeUpSummary:
    township: Region
    township_class: str
    taken_up: int
    deferred: int
    pending: bool


def take_up_summary(*, county: Region) -> list[TakeUpSummary]:
    counts = Counter(
        TakeUp.objects.filter(township__county_code=county.code, item__active=True).values_list(
            "township_id", "choice"
        )
    )
    pending = set(
        TakeUpRound.objects.filter(township__county_code=county.code, status="pending").values_list(
            "township_id", flat=True
        )
    )
    return [
        TakeUpSummary(
            township=t,
            township_class=township_class_of(t),
            taken_up=counts[(t.pk, TakeUpChoice.TAKE_UP.value)],
            deferred=counts[(t.pk, TakeUpChoice.DEFER.value)],
            pending=t.pk in pending,
        )
        for t in townships_of(county=county)
    ]
