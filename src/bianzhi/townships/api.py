"""REST API for townships: ``GET /api/v1/townships/?region=<code>``,
``/api/v1/townships/<code>/`` and ``/api/v1/townships/<code>/indicators/?year=``.

Items carry ``code``, ``name``, ``class`` (the township class) and
``quotas`` (approved quota per quota type, null when none). Scoped: a
township outside the caller's region is a 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bianzhi.accounts.scope import scope_of
from bianzhi.kernel.fields import YEAR_MAX, YEAR_MIN
from bianzhi.regions.models import Level, Region
from bianzhi.townships.models import (
    SCHEME_CLASSES,
    ApprovedQuota,
    CountySettings,
    IndicatorValue,
    Township,
)


class YearParams(serializers.Serializer[Any]):
    """``?year=``: a malformed year is a 400 with a Chinese message ("²" passes
    str.isdigit() but not int())."""

    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)


class TownshipSerializer(serializers.Serializer[Region]):
    code = serializers.CharField()
    name = serializers.CharField()
    county = serializers.CharField(source="county_code")
    township_class = serializers.SerializerMethodField(
        method_name="get_township_class", help_text="乡镇类别（未设定时为方案的最后一类）"
    )
    quotas = serializers.SerializerMethodField()

    def get_fields(self) -> dict[str, Any]:
        # The JSON key is "class", a Python keyword: rename the field itself
        # (not the output in to_representation) so that the published schema
        # documents "class" too.
        fields = super().get_fields()
        return {("class" if name == "township_class" else name): f for name, f in fields.items()}

    def get_township_class(self, obj: Region) -> str:
        assigned: str | None = self.context["classes"].get(obj.pk)
        return assigned or str(self.context["default_class"](obj))

    def get_quotas(self, obj: Region) -> dict[str, int | None]:
        quotas: dict[str, int | None] = self.context["quotas"].get(obj.pk, {})
        return quotas


class IndicatorValueSerializer(serializers.ModelSerializer[IndicatorValue]):
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)

    class Meta:
        model = IndicatorValue
        fields = ["year", "indicator", "value", "source"]


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("region", str, description="县（或市、省）区划代码")]
    )
)
class TownshipViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    serializer_class = TownshipSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        qs = scope_of(self.request).regions().filter(level=Level.TOWNSHIP).order_by("code")
        region = self.request.query_params.get("region", "").strip()
        if region:
            qs = qs.filter(code__startswith=region)
        return qs

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        # One query each for classes, quotas and schemes, whatever the page size.
        qs = self.get_queryset()
        context["classes"] = dict(
            Township.objects.filter(region__in=qs).values_list("region_id", "township_class")
        )
        quotas: dict[int, dict[str, int | None]] = {}
        for township_id, quota_type, count in ApprovedQuota.objects.filter(
            township__in=qs
        ).values_list("township_id", "quota_type", "count"):
            quotas.setdefault(township_id, {})[quota_type] = count
        context["quotas"] = quotas
        schemes = dict(CountySettings.objects.values_list("county__code", "class_scheme"))
        context["default_class"] = lambda r: SCHEME_CLASSES[schemes.get(r.county_code, "001")][-1]
        return context

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度")],
        responses=IndicatorValueSerializer(many=True),
    )
    # The whole list at once (a township has a few values a year): no
    # pagination, and the schema must not promise a page either.
    @action(detail=True, methods=["get"], pagination_class=None)
    def indicators(self, request: Request, code: str | None = None, **kwargs: Any) -> Response:
        township = self.get_object()
        qs = IndicatorValue.objects.filter(township=township).order_by("year", "indicator")
        params = YearParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        if params.validated_data.get("year") is not None:
            qs = qs.filter(year=params.validated_data["year"])
        return Response(IndicatorValueSerializer(qs, many=True).data)
