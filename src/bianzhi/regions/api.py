"""REST API for regions: ``GET /api/v1/regions/`` and ``/api/v1/regions/<code>/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from bianzhi.accounts.scope import scope_of
from bianzhi.regions import selectors
from bianzhi.regions.models import Region


class RegionSerializer(serializers.ModelSerializer[Region]):
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]

    def get_parent(self, obj: Region) -> str | None:
        return obj.parent.code if obj.parent else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("parent", str, description="上级区划代码"),
            OpenApiParameter("q", str, description="名称或代码"),
        ]
    )
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    serializer_class = RegionSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        scope = scope_of(self.request)
        return selectors.region_list(
            scope=scope,
            parent=self.request.query_params.get("parent", ""),
            q=self.request.query_params.get("q", ""),
        )
