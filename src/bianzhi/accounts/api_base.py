"""The base of the read-only API viewsets that list rows of one model in scope.

A subclass names its rows and how they reach a region; the base filters
them by the caller's scope, so an API list never forgets it (an object
outside the scope is absent from lists and a 404 in detail, like the pages)::

    class AgencyViewSet(ScopedReadOnlyViewSet[DispatchedAgency]):
        queryset = DispatchedAgency.objects.select_related("township")
        scope_path = "township"   # the Region FK path, as for Scope.filter
        serializer_class = AgencySerializer

``narrow`` adds the view's own filters (query parameters); ``ordering`` is
applied last. Views whose rows come from a selector instead call
``scope_of(request)`` themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import viewsets

from bianzhi.accounts.scope import Scope, scope_of

_M = TypeVar("_M", bound=Model)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet[_M]):
    scope_path: ClassVar[str] = "region"
    ordering: ClassVar[Sequence[str]] = ("id",)

    def get_scope(self) -> Scope:
        return scope_of(self.request)

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The view's own filters on the scoped rows (none by default)."""
        return queryset

    def get_queryset(self) -> QuerySet[Any]:
        rows = self.get_scope().filter(super().get_queryset(), self.scope_path)
        return self.narrow(rows).order_by(*self.ordering)
