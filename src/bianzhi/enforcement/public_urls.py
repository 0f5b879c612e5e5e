"""Pages published without login (谁执法谁公示, 002 §5); listed in
PUBLIC_URL_NAMES by ``bianzhi.enforcement.testing``."""

from django.urls import path

from bianzhi.enforcement import views

app_name = "enforcement-public"

urlpatterns = [
    path("<str:township_code>/enforcement/", views.public_disclosure, name="township-enforcement"),
]
