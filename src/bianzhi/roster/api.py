"""REST API of the roster (read-only, scoped like the pages):

* ``/api/v1/persons/?township=<code>&status=&quota_type=``: persons on the
  roster, paginated;
* ``/api/v1/persons/<id>/``: one person (also after 出编).

Identity numbers are shown exactly as the web pages show them: the lists ask
``selectors.id_numbers_visible`` for the reader's region, the detail for the
person's region, and everyone else gets the masked form (510923********123X).
A person outside the caller's scope is a 404 and absent from lists.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from bianzhi.accounts.api_base import ChoiceLabelField
from bianzhi.accounts.scope import scope_of
from bianzhi.institutions.models import QuotaType
from bianzhi.kernel.urls import pk_url
from bianzhi.roster import selectors
from bianzhi.roster.models import Person, Status


class PersonLinksSerializer(serializers.Serializer[Any]):
    self = serializers.CharField()
    page = serializers.CharField(help_text="网页")


class PersonSerializer(serializers.ModelSerializer[Person]):
    """``context["id_visible"]`` decides whether ``id_number`` is whole or masked."""

    id_number = serializers.SerializerMethodField(
        help_text="无权查看时为脱敏号码，如 510923********123X"
    )
    township = serializers.CharField(source="region.code")
    township_name = serializers.CharField(source="region.name")
    # Null for a person on the township's roster but of no institution yet.
    institution_name = serializers.CharField(
        source="institution.name", default=None, allow_null=True, read_only=True
    )
    post_category_label = ChoiceLabelField("post_category")
    status_label = ChoiceLabelField("status")
    links = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number",
            "gender",
            "township",
            "township_name",
            "institution",
            "institution_name",
            "quota_type",
            "post_category",
            "post_category_label",
            "is_enforcement_staff",
            "status",
            "status_label",
            "secondment_unit",
            "entry_date",
            "service_period_end",
            "assessment_grade",
            "exited_on",
            "links",
        ]

    def get_id_number(self, obj: Person) -> str:
        return selectors.id_number_shown(person=obj, visible=bool(self.context["id_visible"]))

    @extend_schema_field(PersonLinksSerializer)
    def get_links(self, obj: Person) -> dict[str, str]:
        urls = self.__dict__.setdefault("_urls", {})
        return {"self": pk_url(urls, "person-detail", obj.pk), "page": pk_url(urls, "roster:detail", obj.pk)}


class PersonDetailSerializer(PersonSerializer):
    class Meta(PersonSerializer.Meta):
        fields = [
            *PersonSerializer.Meta.fields,
            "birth_date",
            "education",
            "entry_way",
            "secondment_start",
            "secondment_end",
            "certificate_number",
            "certificate_expiry",
            "exit_reason",
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("township", str, description="乡镇（或县、市、省）区划代码"),
            OpenApiParameter("status", str, enum=Status.values, description="状态"),
            OpenApiParameter("quota_type", str, enum=QuotaType.values, description="编制类型"),
        ]
    )
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    serializer_class = PersonSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        filters = selectors.RosterFilter(
            region=params.get("township", "").strip(),
            status=params.get("status", "").strip(),
            quota_type=params.get("quota_type", "").strip(),
        )
        return selectors.person_list(scope=scope_of(self.request), filters=filters)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        scope = scope_of(self.request)
        # The same decision as the web roster list (roster.views.person_list).
        context["id_visible"] = (
            selectors.id_numbers_visible(scope=scope, region=scope.region) or scope.is_superuser
        )
        return context

    @extend_schema(responses=PersonDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scope = scope_of(request)
        person = selectors.person_get(scope=scope, pk=int(kwargs["pk"]))
        # The same decision as the web person page (roster.views.person_detail).
        visible = selectors.id_numbers_visible(scope=scope, region=person.region)
        return Response(PersonDetailSerializer(person, context={"id_visible": visible}).data)
