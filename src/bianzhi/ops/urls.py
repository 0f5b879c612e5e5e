from django.urls import path

from bianzhi.ops import views

app_name = "ops"

urlpatterns = [
    path("backups/", views.backup_list, name="backups"),
]
