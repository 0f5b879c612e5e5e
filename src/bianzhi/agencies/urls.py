from django.urls import path

from bianzhi.agencies import views

app_name = "agencies"

urlpatterns = [
    path("", views.index, name="index"),
    path("county/<str:county_code>/", views.county, name="county"),
    path("county/<str:county_code>/assessments.xlsx", views.assessments_xlsx, name="assessments-xlsx"),
    path("<int:agency_id>/", views.agency, name="agency"),
]
