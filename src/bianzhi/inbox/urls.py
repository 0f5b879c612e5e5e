"""Mounted at ``tasks/inbox/`` by the root URLconf: the inbox began as a page of
the work-plan app, and users have that address bookmarked."""

from django.urls import path

from bianzhi.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="list"),
    path("<int:notification_id>/read/", views.inbox_read, name="read"),
]
