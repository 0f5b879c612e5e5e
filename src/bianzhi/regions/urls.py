from django.urls import path

from bianzhi.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.region_browse, name="browse"),
    path("search/", views.region_search, name="search"),
    path("<str:code>/", views.region_detail, name="detail"),
]
