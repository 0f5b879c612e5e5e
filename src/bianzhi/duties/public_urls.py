"""Pages published without login (the URL-walk test lists them in
PUBLIC_URL_NAMES through bianzhi.duties.testing)."""

from django.urls import path

from bianzhi.duties.views import duty_list

app_name = "duties-public"

urlpatterns = [
    path("<str:township_code>/duties/", duty_list.public_duties, name="township-duties"),
    path("<str:township_code>/duties.xlsx", duty_list.public_duties_xlsx, name="township-duties-xlsx"),
    path("<str:township_code>/duties.pdf", duty_list.public_duties_pdf, name="township-duties-pdf"),
]
