from django.urls import path

from bianzhi.townships import views

app_name = "townships"

urlpatterns = [
    path("", views.township_index, name="index"),
    path("county/<str:county_code>/", views.county_detail, name="county"),
    path("county/<str:county_code>/settings/", views.county_settings, name="settings"),
    path("county/<str:county_code>/ledger/", views.county_ledger, name="ledger"),
    path("county/<str:county_code>/reserve/", views.county_reserve, name="reserve"),
    path("county/<str:county_code>/control/", views.county_control, name="control"),
    path("county/<str:county_code>/indicators/template.xlsx", views.indicators_template, name="template"),
    path("county/<str:county_code>/indicators/export.xlsx", views.indicators_export, name="export"),
    path("county/<str:county_code>/indicators/import/", views.indicators_import, name="import"),
    path("<str:township_code>/", views.township_detail, name="detail"),
    path("<str:township_code>/edit/", views.township_edit, name="edit"),
    path("<str:township_code>/quota/", views.township_quota, name="quota"),
]
