"""``/api/v1/``: one router; apps register their viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from bianzhi.accounts.api import TokenLoginView
from bianzhi.regions.api import RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    *router.urls,
]
