from django.urls import path

from bianzhi.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("county/<str:county_code>/", views.county, name="county"),
    path("county/<str:county_code>/snapshot/", views.snapshot_take, name="snapshot_take"),
    path("county/<str:county_code>/evaluation/", views.evaluation, name="evaluation"),
    path("county/<str:county_code>/filing/", views.filing, name="filing"),
    path("county/<str:county_code>/batch/", views.batch, name="batch"),
    path("township/<str:township_code>/sanding/", views.sanding, name="sanding"),
    path("township/<str:township_code>/main-duties/", views.main_duties, name="main_duties"),
    path("institution/<int:institution_id>/main-duties/", views.institution_main_duties, name="institution_main_duties"),
]
