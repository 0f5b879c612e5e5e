"""REST API for plans: ``GET /api/v1/plans/`` and ``/api/v1/plans/<id>/``
(the detail carries the allocations). Scoped like the pages: a plan of
another county is a 404."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from bianzhi.accounts.api_base import ChoiceLabelField
from bianzhi.accounts.scope import scope_of
from bianzhi.allocation import selectors
from bianzhi.allocation.models import AllocationPlan, PlanAllocation


class PlanAllocationSerializer(serializers.ModelSerializer[PlanAllocation]):
    code = serializers.CharField(source="township.code")
    name = serializers.CharField(source="township.name")

    class Meta:
        model = PlanAllocation
        fields = [
            "code",
            "name",
            "quota_type",
            "township_class",
            "score",
            "quota",
            "allocation",
            "current",
            "change",
            "bound",
        ]


class PlanSerializer(serializers.ModelSerializer[AllocationPlan]):
    region = serializers.CharField(source="region.code")
    status_label = ChoiceLabelField("status")
    mode_label = ChoiceLabelField("mode")

    class Meta:
        model = AllocationPlan
        fields = [
            "id",
            "name",
            "region",
            "mode",
            "mode_label",
            "year",
            "status",
            "status_label",
            "params",
            "document_number",
            "approval_date",
            "computed_at",
        ]


class PlanDetailSerializer(PlanSerializer):
    allocations = PlanAllocationSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "problems", "allocations"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet[AllocationPlan]):
    def get_queryset(self) -> Any:
        qs = selectors.plan_list(scope=scope_of(self.request))
        if self.action == "retrieve":
            qs = qs.prefetch_related("allocations__township")
        return qs

    def get_serializer_class(self) -> Any:
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer
