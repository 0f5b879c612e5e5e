"""REST API of the case register (read-only, scoped like the pages):
``/api/v1/enforcement-cases/?status=`` and ``/api/v1/enforcement-cases/<id>/``.
The party's identity number or credit code is always masked here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from bianzhi.accounts.api_base import ScopedReadOnlyViewSet
from bianzhi.core.enforcement import CaseStatus
from bianzhi.enforcement.models import Case
from bianzhi.enforcement.selectors import party_id_shown, party_name_shown


class CaseSerializer(serializers.ModelSerializer[Case]):
    township = serializers.CharField(source="township.code")
    party_name = serializers.SerializerMethodField()
    party_id = serializers.SerializerMethodField()
    published = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id", "township", "number", "matter_code", "matter_name", "power_type", "party_kind",
            "party_name", "party_id", "filed_on", "investigated_on", "decided_on", "closed_on",
            "decision", "penalty_amount", "status", "is_major", "legal_reviewed_on", "published",
        ]

    def get_party_name(self, case: Case) -> str:
        return party_name_shown(case, full=False)

    def get_party_id(self, case: Case) -> str:
        return party_id_shown(case, full=False)

    def get_published(self, case: Case) -> bool:
        return case.published_at is not None


class CaseViewSet(ScopedReadOnlyViewSet[Case]):
    queryset = Case.objects.select_related("township")
    scope_path = "township"
    ordering = ("-filed_on", "-id")
    serializer_class = CaseSerializer

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        status = self.request.query_params.get("status", "")
        if status in CaseStatus._value2member_map_:
            return queryset.filter(status=status)
        return queryset
