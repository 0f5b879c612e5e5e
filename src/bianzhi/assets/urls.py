from django.urls import path

from bianzhi.assets import views

app_name = "assets"

urlpatterns = [
    path("", views.asset_list, name="list"),
    path("template.xlsx", views.asset_template, name="template"),
    path("export.xlsx", views.asset_export, name="export"),
    path("t/<str:township_code>/import/", views.asset_import, name="import"),
    path("<int:asset_id>/", views.asset_detail, name="detail"),
    path("<int:asset_id>/photos/", views.asset_photos, name="photos"),
    path("<int:asset_id>/transfer/", views.asset_transfer, name="transfer"),
    path("<int:asset_id>/edit/", views.asset_edit, name="edit"),
    path("<int:asset_id>/plan/", views.plan_create, name="plan_create"),
    path("<int:asset_id>/plan/report/", views.plan_report, name="plan_report"),
    path("<int:asset_id>/plan/closeout/", views.plan_closeout, name="plan_closeout"),
    path("<int:asset_id>/plan/approve/", views.plan_approve, name="plan_approve"),
    path("<int:asset_id>/plan/reject/", views.plan_reject, name="plan_reject"),
    path("files/<int:asset_file_id>/", views.asset_file, name="file"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/statistics.xlsx", views.round_statistics, name="round_statistics"),
]
