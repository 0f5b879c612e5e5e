"""REST API of the agencies app (read-only, scoped): ``/api/v1/agencies/``,
``/api/v1/agency-assessments/`` and ``/api/v1/department-assessments/``
(``?year=`` filters the assessments)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from bianzhi.accounts.api_base import ScopedReadOnlyViewSet
from bianzhi.agencies.models import AgencyAssessment, DepartmentAssessment, DispatchedAgency
from bianzhi.kernel.fields import YEAR_MAX, YEAR_MIN


class YearParams(serializers.Serializer[Any]):
    """``?year=``: a malformed year is a 400 with a Chinese message ("²" passes
    str.isdigit() and crashed the query)."""

    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)


def _by_year(request: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
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


class AgencyViewSet(ScopedReadOnlyViewSet[DispatchedAgency]):
    queryset = DispatchedAgency.objects.select_related("township", "managing_department")
    scope_path = "township"
    serializer_class = AgencySerializer


class AgencyAssessmentSerializer(serializers.ModelSerializer[AgencyAssessment]):
    agency = serializers.CharField(source="agency.name")
    township = serializers.CharField(source="agency.township.code")

    class Meta:
        model = AgencyAssessment
        fields = ["id", "year", "agency", "township", "township_weight", "township_score", "department_score", "total"]


class AgencyAssessmentViewSet(ScopedReadOnlyViewSet[AgencyAssessment]):
    queryset = AgencyAssessment.objects.select_related("agency__township")
    scope_path = "agency__township"
    ordering = ("-year", "-total", "id")
    serializer_class = AgencyAssessmentSerializer

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return _by_year(self.request, queryset)


class DepartmentAssessmentSerializer(serializers.ModelSerializer[DepartmentAssessment]):
    department = serializers.CharField(source="department.name")
    county = serializers.CharField(source="department.county.code")

    class Meta:
        model = DepartmentAssessment
        fields = ["id", "year", "county", "department", "township_weight", "township_score", "other_score", "total"]


class DepartmentAssessmentViewSet(ScopedReadOnlyViewSet[DepartmentAssessment]):
    queryset = DepartmentAssessment.objects.select_related("department__county")
    scope_path = "department__county"
    ordering = ("-year", "-total", "id")
    serializer_class = DepartmentAssessmentSerializer

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return _by_year(self.request, queryset)
