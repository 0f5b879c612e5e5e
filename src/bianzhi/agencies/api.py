"""REST API of the agencies app (read-only, scoped): ``/api/v1/agencies/``,
``/api/v1/agency-assessments/`` and ``/api/v1/department-assessments/``
(``?year=`` filters the assessments)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from bianzhi.accounts.scope import Scope
from bianzhi.agencies.models import AgencyAssessment, DepartmentAssessment, DispatchedAgency
from bianzhi.kernel.fields import YEAR_MAX, YEAR_MIN


class YearParams(serializers.Serializer[Any]):
    """``?year=``: a malformed year is a 400 with a Chinese message ("²" passes
    str.isdigit() and crashed the query)."""

    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)


def _by_year(request: Any, qs: Any) -> Any:
    params = YearParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    year = params.validated_data.get("year")
    return qs if year is None else qs.filter(year=year)


class AgencySerializer(serializers.ModelSerializer[DispatchedAgency]):
    township = serializers.CharField(source="township.code")
    managing_department = serializers.CharField(source="managing_department.name")

    class Meta:
        model = DispatchedAgency
        fields = ["id", "township", "name", "agency_type", "managing_department", "mode", "head_name", "institution"]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet[DispatchedAgency]):
    serializer_class = AgencySerializer

    def get_queryset(self) -> Any:
        scope = Scope.for_user(self.request.user)
        return scope.filter(
            DispatchedAgency.objects.select_related("township", "managing_department"), "township"
        ).order_by("id")


class AgencyAssessmentSerializer(serializers.ModelSerializer[AgencyAssessment]):
    agency = serializers.CharField(source="agency.name")
    township = serializers.CharField(source="agency.township.code")

    class Meta:
        model = AgencyAssessment
        fields = ["id", "year", "agency", "township", "township_weight", "township_score", "department_score", "total"]


class AgencyAssessmentViewSet(viewsets.ReadOnlyModelViewSet[AgencyAssessment]):
    serializer_class = AgencyAssessmentSerializer

    def get_queryset(self) -> Any:
        scope = Scope.for_user(self.request.user)
        qs = scope.filter(AgencyAssessment.objects.select_related("agency__township"), "agency__township")
        return _by_year(self.request, qs).order_by("-year", "-total", "id")


class DepartmentAssessmentSerializer(serializers.ModelSerializer[DepartmentAssessment]):
    department = serializers.CharField(source="department.name")
    county = serializers.CharField(source="department.county.code")

    class Meta:
        model = DepartmentAssessment
        fields = ["id", "year", "county", "department", "township_weight", "township_score", "other_score", "total"]


class DepartmentAssessmentViewSet(viewsets.ReadOnlyModelViewSet[DepartmentAssessment]):
    serializer_class = DepartmentAssessmentSerializer

    def get_queryset(self) -> Any:
        scope = Scope.for_user(self.request.user)
        qs = scope.filter(DepartmentAssessment.objects.select_related("department__county"), "department__county")
        return _by_year(self.request, qs).order_by("-year", "-total", "id")
