"""REST API of the duties app (read-only, scoped like the pages):

* ``/api/v1/duty-lists/<township code>/``: a township's powers-and-duties list;
* ``/api/v1/catalogue-items/``: delegation catalogue items (``?county=``);
* ``/api/v1/territorial-matters/``: the territorial-matters list (``?county=``);
* ``/api/v1/duty-requests/``: duty-access requests with opinions and status.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from bianzhi.accounts.api_base import ChoiceLabelField, ScopedReadOnlyViewSet
from bianzhi.accounts.scope import scope_of
from bianzhi.duties.models import CatalogueItem, DutyAccessRequest, TerritorialMatter
from bianzhi.duties.selectors.access import access_requests
from bianzhi.duties.selectors.duty_list import duty_list
from bianzhi.kernel import clock
from bianzhi.regions.models import Level


class DutyEntrySerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(source="source", help_text="法定事项、赋权事项或准入事项")
    code = serializers.CharField()
    name = serializers.CharField()
    power_type = serializers.CharField()
    legal_basis = serializers.CharField()
    department = serializers.CharField()
    basis_document = serializers.CharField()
    note = serializers.CharField()


class DutyListSummarySerializer(serializers.Serializer[Any]):
    """An item of the list: the township only (its entries are in the detail)."""

    code = serializers.CharField()
    name = serializers.CharField()


class DutyListSerializer(DutyListSummarySerializer):
    entries = DutyEntrySerializer(many=True)


class DutyListViewSet(viewsets.ViewSet):
    lookup_field = "code"

    # Deriving every township's list would cost a few queries each: the list
    # names the townships and the detail carries the entries.
    @extend_schema(responses=DutyListSummarySerializer(many=True))
    def list(self, request: Request, format: str | None = None) -> Response:
        townships = scope_of(request).regions().filter(level=Level.TOWNSHIP).order_by("code")[:1000]
        return Response([{"code": t.code, "name": t.name} for t in townships])

    @extend_schema(
        responses=DutyListSerializer,
        # A plain ViewSet has no queryset to type the path parameter from.
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="乡镇（街道）区划代码")
        ],
    )
    def retrieve(
        self, request: Request, code: str | None = None, format: str | None = None
    ) -> Response:
        township = scope_of(request).township_or_404(code or "")
        entries = duty_list(township=township, today=clock.today())
        data = {
            "code": township.code,
            "name": township.name,
            "entries": [e.__dict__ for e in entries],
        }
        return Response(DutyListSerializer(data).data)


class CatalogueItemSerializer(serializers.ModelSerializer[CatalogueItem]):
    county = serializers.CharField(source="catalogue.county.code")
    list_label = ChoiceLabelField("list_kind")

    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "county",
            "code",
            "name",
            "power_type",
            "legal_basis",
            "delegating_department",
            "list_kind",
            "list_label",
            "active",
        ]


class CatalogueItemViewSet(ScopedReadOnlyViewSet[CatalogueItem]):
    queryset = CatalogueItem.objects.select_related("catalogue__county")
    scope_path = "catalogue__county"
    serializer_class = CatalogueItemSerializer

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        county = self.request.query_params.get("county")
        return queryset.filter(catalogue__county__code=county) if county else queryset


class MatterSerializer(serializers.ModelSerializer[TerritorialMatter]):
    county = serializers.CharField(source="county.code")

    class Meta:
        model = TerritorialMatter
        fields = [
            "id",
            "county",
            "code",
            "domain",
            "name",
            "township_role",
            "department",
            "department_role",
            "basis",
            "document_number",
            "active",
        ]


class MatterViewSet(viewsets.ReadOnlyModelViewSet[TerritorialMatter]):
    serializer_class = MatterSerializer

    def get_queryset(self) -> Any:
        scope = scope_of(self.request)
        qs = TerritorialMatter.objects.select_related("county")
        if scope.region is not None and scope.region.level == Level.TOWNSHIP:
            # A township's users read their county's list: it defines their duties.
            qs = qs.filter(county__code=scope.region.county_code)
        else:
            qs = scope.filter(qs, "county")
        county = self.request.query_params.get("county")
        return (qs.filter(county__code=county) if county else qs).order_by("id")


class OpinionSerializer(serializers.Serializer[Any]):
    township = serializers.CharField(source="township.code")
    agrees = serializers.BooleanField()
    text = serializers.CharField()
    given_at = serializers.DateTimeField()


class DutyRequestSerializer(serializers.ModelSerializer[DutyAccessRequest]):
    county = serializers.CharField(source="county.code")
    department = serializers.CharField(source="department.name")
    townships: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    status_today = serializers.SerializerMethodField()
    opinions = OpinionSerializer(many=True, read_only=True)

    class Meta:
        model = DutyAccessRequest
        fields = [
            "id",
            "county",
            "department",
            "matter",
            "reason",
            "legal_basis",
            "is_temporary",
            "end_date",
            "funding_amount",
            "funding_note",
            "demands",
            "townships",
            "status",
            "status_today",
            "submitted_on",
            "opinions_complete_on",
            "decided_on",
            "document_number",
            "decision_note",
            "blocked_reasons",
            "opinions",
        ]

    def get_status_today(self, obj: DutyAccessRequest) -> str:
        return obj.status_on(clock.today()).value


class DutyRequestViewSet(viewsets.ReadOnlyModelViewSet[DutyAccessRequest]):
    serializer_class = DutyRequestSerializer

    def get_queryset(self) -> Any:
        return (
            access_requests(scope=scope_of(self.request))
            .prefetch_related("townships", "opinions__township")
            .order_by("id")
        )


__all__ = ["CatalogueItemViewSet", "DutyListViewSet", "DutyRequestViewSet", "MatterViewSet"]
