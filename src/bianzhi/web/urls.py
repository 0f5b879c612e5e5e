"""Root URLconf. Every URL here is covered by tests/web/test_url_scoping.py,
which walks all patterns: give new path parameters a factory in
tests/url_params.py."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from bianzhi.ops import views as ops_views
from bianzhi.web import views

handler403 = "bianzhi.web.views.permission_denied"
handler404 = "bianzhi.web.views.page_not_found"
# Chinese 500 page; "database is locked" becomes the 503 "系统繁忙" page.
handler500 = "bianzhi.web.busy.server_error"

web_patterns = [path("", views.home, name="home")]

urlpatterns = [
    path("", include((web_patterns, "web"))),
    path("accounts/", include("bianzhi.accounts.urls")),
    path("regions/", include("bianzhi.regions.urls")),
    path("audit/", include("bianzhi.audit.urls")),
    path("townships/", include("bianzhi.townships.urls")),
    path("plans/", include("bianzhi.allocation.urls")),
    path("jobs/", include("bianzhi.jobs.urls")),
    path("duties/", include("bianzhi.duties.urls")),
    path("agencies/", include("bianzhi.agencies.urls")),
    # The inbox kept the address it had as a page of the work-plan app.
    path("tasks/inbox/", include("bianzhi.inbox.urls")),
    path("tasks/", include("bianzhi.tasks.urls")),
    path("reports/", include("bianzhi.reports.urls")),
    # Published without login on purpose (001 §(一)2: 向社会公开).
    path("public/", include("bianzhi.duties.public_urls")),
    path("institutions/", include("bianzhi.institutions.urls")),
    path("roster/", include("bianzhi.roster.urls")),
    path("rules/", include("bianzhi.rules.urls")),
    path("dashboards/", include("bianzhi.dashboards.urls")),
    path("api/v1/", include("bianzhi.web.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The admin site logs in through the site's own login (password policy,
    # second factor, session limit), never through its own form.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
    path("ops/", include("bianzhi.ops.urls")),
    # For load balancers: no login, nothing sensitive (bianzhi.ops.views).
    path("healthz", ops_views.healthz, name="healthz"),
]
