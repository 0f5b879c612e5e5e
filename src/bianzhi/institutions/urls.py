from django.urls import path

from bianzhi.institutions import views

app_name = "institutions"

urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template_download, name="template"),
    path("import/", views.import_view, name="import"),
    path("county/<str:county_code>/", views.county, name="county"),
    path("township/<str:township_code>/", views.township, name="township"),
    path("township/<str:township_code>/create/", views.township_create, name="create"),
    path("township/<str:township_code>/unified/", views.township_unified, name="unified"),
    path("<int:institution_id>/", views.detail, name="detail"),
    path("<int:institution_id>/ledger/", views.ledger_add, name="ledger"),
    path("<int:institution_id>/rename/", views.rename, name="rename"),
    path("<int:institution_id>/abolish/", views.abolish, name="abolish"),
    path("<int:institution_id>/nameplate/", views.nameplate, name="nameplate"),
]
