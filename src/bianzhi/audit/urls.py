from django.urls import path

from bianzhi.audit import views

app_name = "audit"

# Read-only on purpose: there are no edit or delete views for audit records.
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export.xlsx", views.audit_download, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.audit_download, {"fmt": "csv"}, name="export_csv"),
    path("verify/", views.audit_verify_now, name="verify"),
    path("logins/", views.login_history, name="logins"),
]
