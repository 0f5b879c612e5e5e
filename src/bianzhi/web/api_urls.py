"""``/api/v1/``: one router; apps register their viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from bianzhi.accounts.api import TokenLoginView, TokenRevokeView
from bianzhi.agencies.api import AgencyAssessmentViewSet, AgencyViewSet, DepartmentAssessmentViewSet
from bianzhi.allocation.api import PlanViewSet
from bianzhi.assets.api import AssetViewSet
from bianzhi.duties.api import (
    CatalogueItemViewSet,
    DutyListViewSet,
    DutyRequestViewSet,
    MatterViewSet,
)
from bianzhi.enforcement.api import CaseViewSet as EnforcementCaseViewSet
from bianzhi.grids.api import GridViewSet, ServiceMatterViewSet
from bianzhi.institutions.api import InstitutionViewSet
from bianzhi.regions.api import RegionViewSet
from bianzhi.roster.api import PersonViewSet
from bianzhi.rules.api import FindingViewSet
from bianzhi.staffing_plans.api import QuotaTransferViewSet, RecruitmentPlanViewSet
from bianzhi.tasks.api import TaskViewSet, WorkPlanViewSet
from bianzhi.townships.api import TownshipViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("townships", TownshipViewSet, basename="township")
router.register("plans", PlanViewSet, basename="plan")
router.register("duty-lists", DutyListViewSet, basename="duty-list")
router.register("catalogue-items", CatalogueItemViewSet, basename="catalogue-item")
router.register("territorial-matters", MatterViewSet, basename="territorial-matter")
router.register("duty-requests", DutyRequestViewSet, basename="duty-request")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("agency-assessments", AgencyAssessmentViewSet, basename="agency-assessment")
router.register(
    "department-assessments", DepartmentAssessmentViewSet, basename="department-assessment"
)
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("persons", PersonViewSet, basename="person")
router.register("findings", FindingViewSet, basename="finding")
router.register("work-plans", WorkPlanViewSet, basename="work-plan")
router.register("tasks", TaskViewSet, basename="task")
router.register("grids", GridViewSet, basename="grid")
router.register("service-matters", ServiceMatterViewSet, basename="service-matter")
router.register("recruitment-plans", RecruitmentPlanViewSet, basename="recruitment-plan")
router.register("quota-transfers", QuotaTransferViewSet, basename="quota-transfer")
router.register("enforcement-cases", EnforcementCaseViewSet, basename="enforcement-case")
router.register("assets", AssetViewSet, basename="asset")

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    *router.urls,
]
