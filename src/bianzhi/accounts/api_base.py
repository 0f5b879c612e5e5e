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
from rest_framework import serializers, viewsets

from bianzhi.accounts.scope import Scope, scope_of

_M = TypeVar("_M", bound=Model)


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field (``get_<field>_display()``), read-only.

    ``CharField(source="get_kind_display")`` gives the same output, but DRF
    inspects the method's signature on every row to see whether it may call
    it (``fields.is_simple_callable``): measured at about a quarter of a
    100-row person list's time. The schema is the CharField's.
    """

    def __init__(self, field: str, **kwargs: Any) -> None:
        self.method = f"get_{field}_display"
        super().__init__(source=self.method, read_only=True, **kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return getattr(instance, self.method)()



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
