"""REST API of the grids app (read-only, scoped): ``/api/v1/grids/`` (with
their workers) and ``/api/v1/service-matters/``."""

from __future__ import annotations

from rest_framework import serializers

from bianzhi.accounts.api_base import ScopedReadOnlyViewSet
from bianzhi.grids.models import Grid, GridWorker, ServiceMatter


class GridWorkerSerializer(serializers.ModelSerializer[GridWorker]):
    class Meta:
        model = GridWorker
        fields = ["id", "name", "post", "duties", "phone"]


class GridSerializer(serializers.ModelSerializer[Grid]):
    township = serializers.CharField(source="village.township.code")
    village = serializers.CharField(source="village.name")
    workers = GridWorkerSerializer(many=True, read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "township", "village", "name", "households", "enforcement_officer", "village_contact", "workers"]


class GridViewSet(ScopedReadOnlyViewSet[Grid]):
    queryset = Grid.objects.select_related("village__township").prefetch_related("workers")
    scope_path = "village__township"
    serializer_class = GridSerializer


class ServiceMatterSerializer(serializers.ModelSerializer[ServiceMatter]):
    township = serializers.CharField(source="township.code")

    class Meta:
        model = ServiceMatter
        fields = [
            "id", "township", "name", "category", "department", "conditions", "materials",
            "time_limit_days", "location", "in_hall", "at_village",
        ]


class ServiceMatterViewSet(ScopedReadOnlyViewSet[ServiceMatter]):
    queryset = ServiceMatter.objects.select_related("township")
    scope_path = "township"
    ordering = ("township__code", "name", "id")
    serializer_class = ServiceMatterSerializer
