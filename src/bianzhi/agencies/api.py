"""REST API of the agencies app (read-only, scoped): ``/api/v1/agencies/``,
``/api/v1/agency-assessments/`` and ``/api/v1/department-assessments/``
(``?year=`` filters the assessments)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from bianzhi.accounts.scope import Scope
from bianzhi.agencies.models import AgencyAssessment, DepartmentAssessment, DispatchedAgency


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
        year = self.request.query_params.get("year")
        return (qs.filter(year=year) if year and year.isdigit() else qs).order_by("-year", "-total", "id")


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
        year = self.request.query_params.get("year")
        return (qs.filter(year=year) if year and year.isdigit() else qs).order_by("-year", "-total", "id")
