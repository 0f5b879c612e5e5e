"""``/api/v1/``: one router; apps register their viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from bianzhi.accounts.api import TokenLoginView
from bianzhi.allocation.api import PlanViewSet
from bianzhi.regions.api import RegionViewSet
from bianzhi.townships.api import TownshipViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("townships", TownshipViewSet, basename="township")
router.register("plans", PlanViewSet, basename="plan")

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    *router.urls,
]
