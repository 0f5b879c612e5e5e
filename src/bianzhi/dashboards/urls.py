from django.urls import path

from bianzhi.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.region, name="region"),
]
