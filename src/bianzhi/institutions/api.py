"""REST API of institutions (read-only, scoped like the pages):

* ``/api/v1/institutions/?township=<code>``: live institutions with kind,
  name, nameplates, the current quota of each type from the ledger and the
  leadership and middle-management posts approved (ledger) and used (roster);
* ``/api/v1/institutions/<id>/``: the same for one institution;
* ``/api/v1/institutions/<id>/ledger/?as_of=YYYY-MM-DD``: the ledger entries
  effective on or before ``as_of`` (default: all) and the balances they give.

An institution outside the caller's scope is a 404 and absent from lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from bianzhi.accounts.api_base import ChoiceLabelField
from bianzhi.accounts.scope import scope_of
from bianzhi.institutions import selectors
from bianzhi.institutions.models import (
    LEADERSHIP_ITEMS,
    QUOTA_ITEMS,
    Institution,
    InstitutionLedgerEntry,
    LedgerItem,
)
from bianzhi.kernel.hooks import staff_counts
from bianzhi.kernel.urls import pk_url
from bianzhi.regions.models import Region


class PostsSerializer(serializers.Serializer[Any]):
    approved = serializers.IntegerField(help_text="台账核定职数")
    used = serializers.IntegerField(help_text="实名制在编人员中的占用数")


class LinksSerializer(serializers.Serializer[Any]):
    self = serializers.CharField()
    page = serializers.CharField(help_text="网页")
    ledger = serializers.CharField()


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    township = serializers.CharField(source="region.code")
    township_name = serializers.CharField(source="region.name")
    kind_label = ChoiceLabelField("kind")
    nameplates = serializers.SerializerMethodField()
    quotas = serializers.SerializerMethodField()
    leadership_posts = serializers.SerializerMethodField()
    middle_posts = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = [
            "id", "township", "township_name", "kind", "kind_label", "name", "established_on",
            "nameplates", "quotas", "leadership_posts", "middle_posts", "links",
        ]

    def get_nameplates(self, obj: Institution) -> list[str]:
        plates: list[str] = self.context["nameplates"].get(obj.pk, [])
        return plates

    def get_quotas(self, obj: Institution) -> dict[str, int]:
        """Current ledger balance of each quota type (行政/事业/工勤编制)."""
        balances = self.context["balances"].get(obj.pk, {})
        return {item: balances.get(item, 0) for item in QUOTA_ITEMS}

    @extend_schema_field(PostsSerializer)
    def get_leadership_posts(self, obj: Institution) -> dict[str, int]:
        balances = self.context["balances"].get(obj.pk, {})
        approved = sum(balances.get(item, 0) for item in LEADERSHIP_ITEMS)
        return {"approved": approved, "used": self.context["leaders"].get(obj.pk, 0)}

    @extend_schema_field(PostsSerializer)
    def get_middle_posts(self, obj: Institution) -> dict[str, int]:
        balances = self.context["balances"].get(obj.pk, {})
        return {
            "approved": balances.get(LedgerItem.MIDDLE, 0),
            "used": self.context["middle"].get(obj.pk, 0),
        }

    @extend_schema_field(LinksSerializer)
    def get_links(self, obj: Institution) -> dict[str, str]:
        urls = self.__dict__.setdefault("_urls", {})
        return {
            "self": pk_url(urls, "institution-detail", obj.pk),
            "page": pk_url(urls, "institutions:detail", obj.pk),
            "ledger": pk_url(urls, "institution-ledger", obj.pk),
        }


def serializer_context(institutions: Sequence[Institution]) -> dict[str, Any]:
    """What the serializer needs for ``institutions``, in four queries
    whatever their number: nameplates, ledger balances, and the leaders and
    middle managers holding a quota (在编: on the roster, not 借入 — as the
    dashboards count them)."""
    ids = [i.pk for i in institutions]
    # From the roster, through the hook it registers (roster sits above institutions).
    staff = staff_counts(institution_ids=ids)
    return {
        "nameplates": selectors.nameplates_of(institutions=list(institutions)),
        "balances": selectors.ledger_balances(institution_ids=ids),
        "leaders": {pk: count.leaders for pk, count in staff.items()},
        "middle": {pk: count.middle for pk, count in staff.items()},
    }


class InstitutionLedgerEntrySerializer(serializers.ModelSerializer[InstitutionLedgerEntry]):
    item_label = ChoiceLabelField("item")

    class Meta:
        model = InstitutionLedgerEntry
        fields = ["id", "item", "item_label", "delta", "effective_on", "document_number", "reason"]


class LedgerSerializer(serializers.Serializer[Any]):
    institution = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True)
    balances = serializers.DictField(child=serializers.IntegerField(), help_text="各项目截至该日的余额")
    entries = InstitutionLedgerEntrySerializer(many=True)


def _as_of(request: Request) -> date | None:
    text = request.query_params.get("as_of", "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"as_of": "日期格式应为 YYYY-MM-DD"}) from None


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("township", str, description="乡镇（或县、市、省）区划代码")]
    )
)
class InstitutionViewSet(viewsets.ReadOnlyModelViewSet[Institution]):
    serializer_class = InstitutionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        scope = scope_of(self.request)
        code = self.request.query_params.get("township", "").strip()
        region = None
        if code and self.action == "list":
            # The selector is scoped: a code of another county simply gives nothing.
            region = Region.objects.filter(code=code).first()
            if region is None:
                return Institution.objects.none()
        return selectors.institution_list(scope=scope, region=region)

    def get_object(self) -> Institution:
        # Abolished institutions keep their page and ledger: look up among all in scope.
        return selectors.institution_get(scope=scope_of(self.request), pk=int(self.kwargs["pk"]))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        items = list(page if page is not None else self.get_queryset())
        data = InstitutionSerializer(items, many=True, context=serializer_context(items)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        institution = self.get_object()
        context = serializer_context([institution])
        return Response(InstitutionSerializer(institution, context=context).data)

    @extend_schema(
        parameters=[OpenApiParameter("as_of", date, description="截至日期（YYYY-MM-DD），默认全部")],
        responses=LedgerSerializer,
    )
    @action(detail=True, methods=["get"])
    def ledger(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        institution = self.get_object()
        as_of = _as_of(request)
        entries = selectors.ledger_entries(scope=scope_of(request), institution=institution)
        if as_of is not None:
            entries = entries.filter(effective_on__lte=as_of)
        balances = selectors.ledger_balances(institution_ids=[institution.pk], as_of=as_of)
        own = balances.get(institution.pk, {})
        data = {
            "institution": institution.pk,
            "as_of": as_of,
            "balances": {item: own.get(item, 0) for item in LedgerItem.values},
            "entries": list(entries.order_by("effective_on", "id")),
        }
        return Response(LedgerSerializer(data).data)
