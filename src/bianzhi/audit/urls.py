from django.urls import path

from bianzhi.audit import views

app_name = "audit"

# Read-only on purpose: there are no edit or delete views for audit records.
urlpatterns = [
    path("", views.audit_list, name="list"),
]
