from django.urls import path

from bianzhi.grids import views

app_name = "grids"

urlpatterns = [
    path("", views.index, name="index"),
    path("county/<str:county_code>/", views.county, name="county"),
    path("township/<str:township_code>/", views.township, name="township"),
    path("township/<str:township_code>/matters.xlsx", views.matters_xlsx, name="matters-xlsx"),
    path("township/<str:township_code>/matters-template.xlsx", views.matters_template, name="matters-template"),
    path("township/<str:township_code>/grids.xlsx", views.grids_xlsx, name="grids-xlsx"),
    path("township/<str:township_code>/grids-template.xlsx", views.grids_template, name="grids-template"),
]
