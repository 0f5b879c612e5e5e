"""REST API of the staffing-plans app (read-only, scoped):
``/api/v1/recruitment-plans/`` (a county's plans with the entries of the
townships in scope) and ``/api/v1/quota-transfers/``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers

from bianzhi.accounts.api_base import ScopedReadOnlyViewSet
from bianzhi.staffing_plans.models import PlannedEntry, QuotaTransfer, RecruitmentPlan


# quota_type as plain text: the persons' API already names the quota-type
# choices, and a second enum of the same field name makes drf-spectacular warn.
class PlannedEntrySerializer(serializers.ModelSerializer[PlannedEntry]):
    township = serializers.CharField(source="township.code")
    quota_type = serializers.CharField()

    class Meta:
        model = PlannedEntry
        fields = ["township", "quota_type", "count"]


class RecruitmentPlanSerializer(serializers.ModelSerializer[RecruitmentPlan]):
    county = serializers.CharField(source="county.code")
    entries = PlannedEntrySerializer(many=True, read_only=True)

    class Meta:
        model = RecruitmentPlan
        fields = ["id", "county", "year", "status", "document_number", "issued_on", "entries"]


class RecruitmentPlanViewSet(ScopedReadOnlyViewSet[RecruitmentPlan]):
    queryset = RecruitmentPlan.objects.select_related("county")
    scope_path = "county"
    ordering = ("county__code", "-year")
    serializer_class = RecruitmentPlanSerializer

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        entries = self.get_scope().filter(PlannedEntry.objects.select_related("township"), "township")
        return queryset.prefetch_related(Prefetch("entries", queryset=entries))


class QuotaTransferSerializer(serializers.ModelSerializer[QuotaTransfer]):
    county = serializers.CharField(source="county.code")
    township = serializers.CharField(source="township.code")
    quota_type = serializers.CharField()

    class Meta:
        model = QuotaTransfer
        fields = [
            "id", "county", "township", "county_body", "direction", "quota_type", "count",
            "document_number", "date", "reason",
        ]


class QuotaTransferViewSet(ScopedReadOnlyViewSet[QuotaTransfer]):
    queryset = QuotaTransfer.objects.select_related("county", "township")
    scope_path = "township"
    ordering = ("-date", "-id")
    serializer_class = QuotaTransferSerializer
