from django.urls import path

from bianzhi.allocation import views

app_name = "allocation"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("compare/", views.plan_compare, name="compare"),
    path("township/<str:code>/", views.township_plans, name="township"),
    path("new/<str:county_code>/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/run/", views.plan_run, name="run"),
    path("<int:plan_id>/approve/", views.plan_approve, name="approve"),
    path("<int:plan_id>/delete/", views.plan_delete, name="delete"),
    path("<int:plan_id>/whatif/", views.plan_whatif, name="whatif"),
    path("<int:plan_id>/explain/<str:township_code>/", views.plan_explain, name="explain"),
    path("<int:plan_id>/export.xlsx", views.plan_export_xlsx, name="export-xlsx"),
    path("<int:plan_id>/export.pdf", views.plan_export_pdf, name="export-pdf"),
]
