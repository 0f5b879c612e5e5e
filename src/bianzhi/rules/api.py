"""REST API of the stored rule findings: ``GET /api/v1/findings/?region=<code>&severity=&rule=``
(read-only, paginated).

Each item has the shape of ``bianzhi rules check --json`` (``rule``,
``severity``, ``object`` with ``kind``/``id``/``label``, ``message``,
``source``: ``core.rules.finding_to_dict``) plus where it belongs
(``county``, ``township``), when it was evaluated and ``links.object``, the
page showing the object at fault. Scoped like the findings page: a township
user sees their township's findings, others those of the counties under
their region; a region code outside the scope gives an empty list.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets

from bianzhi.accounts.scope import scope_of
from bianzhi.core.rules import RULES, Severity
from bianzhi.regions.models import Region
from bianzhi.rules import selectors
from bianzhi.rules.models import StoredFinding


class FindingObjectSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="county / township / institution / person")
    id = serializers.CharField()
    # A declared field, not Field.label: the JSON key of `rules check --json`.
    label = serializers.CharField()  # type: ignore[assignment]


class FindingLinksSerializer(serializers.Serializer[Any]):
    object = serializers.CharField(help_text="出问题对象的网页")


class FindingSerializer(serializers.ModelSerializer[StoredFinding]):
    object = serializers.SerializerMethodField()
    county = serializers.CharField(source="county.code")
    # Null for findings about the county as a whole (e.g. its total quota).
    township = serializers.CharField(
        source="township.code", default=None, allow_null=True, read_only=True
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = StoredFinding
        fields = [
            "rule",
            "severity",
            "object",
            "message",
            "source",
            "county",
            "township",
            "evaluated_at",
            "links",
        ]

    @extend_schema_field(FindingObjectSerializer)
    def get_object(self, obj: StoredFinding) -> dict[str, str]:
        # The JSON of `bianzhi rules check --json` (core.rules.ObjectRef.to_dict).
        return {"kind": obj.object_kind, "id": obj.object_id, "label": obj.object_label}

    @extend_schema_field(FindingLinksSerializer)
    def get_links(self, obj: StoredFinding) -> dict[str, str]:
        return {"object": selectors.finding_url(obj)}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="省、市、县或乡镇区划代码"),
            OpenApiParameter("severity", str, enum=[s.value for s in Severity], description="级别"),
            OpenApiParameter("rule", str, enum=[r.id for r in RULES], description="规则编号"),
        ]
    )
)
class FindingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[StoredFinding]):
    serializer_class = FindingSerializer

    def get_queryset(self) -> Any:
        scope = scope_of(self.request)
        params = self.request.query_params
        region = None
        code = params.get("region", "").strip()
        if code:
            # The selector is scoped: a region of another county filters to nothing.
            region = Region.objects.filter(code=code).first()
            if region is None:
                return StoredFinding.objects.none()
        return selectors.finding_list(
            scope=scope,
            region=region,
            rule=params.get("rule", "").strip(),
            severity=params.get("severity", "").strip(),
        )
