"""REST API of the asset register (read-only, scoped like the pages):
``/api/v1/assets/?use_status=`` and ``/api/v1/assets/<id>/``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from bianzhi.accounts.api_base import ScopedReadOnlyViewSet
from bianzhi.assets.models import Asset
from bianzhi.core.assets import USE_STATUSES


class AssetSerializer(serializers.ModelSerializer[Asset]):
    township = serializers.CharField(source="township.code")

    class Meta:
        model = Asset
        fields = [
            "id", "township", "village", "owner", "asset_class", "name", "origin", "location", "area",
            "book_value", "title_document", "registration", "use_status", "note",
        ]


class AssetViewSet(ScopedReadOnlyViewSet[Asset]):
    queryset = Asset.objects.select_related("township")
    scope_path = "township"
    serializer_class = AssetSerializer

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        status = self.request.query_params.get("use_status", "")
        return queryset.filter(use_status=status) if status in USE_STATUSES else queryset
