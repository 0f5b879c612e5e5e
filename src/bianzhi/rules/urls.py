from django.urls import path

from bianzhi.rules import views

app_name = "policy_rules"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("settings/", views.setting_save, name="settings"),
    path("findings/", views.findings, name="findings"),
    path("findings/refresh/", views.findings_refresh, name="refresh"),
    path("policy/<str:number>/", views.policy_document, name="policy"),
]
