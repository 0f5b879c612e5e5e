"""Published without login (002 §2): a township's service matters and where
to do them (the URL-walk test lists them in PUBLIC_URL_NAMES through
bianzhi.grids.testing)."""

from django.urls import path

from bianzhi.grids import views

app_name = "grids-public"

urlpatterns = [
    path("<str:township_code>/services/", views.public_services, name="township-services"),
]
