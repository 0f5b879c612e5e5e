from django.urls import path

from bianzhi.duties.views import access, catalogue, duty_list, matters, overview, statutory

app_name = "duties"

urlpatterns = [
    path("", overview.index, name="index"),
    path("county/<str:county_code>/", overview.county, name="county"),
    path("county/<str:county_code>/catalogue/", catalogue.catalogue, name="catalogue"),
    path("county/<str:county_code>/catalogue.xlsx", catalogue.catalogue_xlsx, name="catalogue-xlsx"),
    path("county/<str:county_code>/statutory/", statutory.statutory, name="statutory"),
    path("county/<str:county_code>/statutory.xlsx", statutory.statutory_xlsx, name="statutory-xlsx"),
    path("county/<str:county_code>/statutory-template.xlsx", statutory.statutory_template, name="statutory-template"),
    path("statutory/<int:item_id>/", statutory.statutory_item, name="statutory-item"),
    path("county/<str:county_code>/matters/", matters.matters, name="matters"),
    path("county/<str:county_code>/matters.xlsx", matters.matters_xlsx, name="matters-xlsx"),
    path("county/<str:county_code>/matters/request/", matters.matter_request, name="matter-request"),
    path("matter-change/<int:change_id>/", matters.matter_change, name="matter-change"),
    path("township/<str:township_code>/", duty_list.township, name="township"),
    path("take-up/<int:round_id>/decide/", catalogue.round_decide, name="round-decide"),
    path("requests/", access.request_list, name="request-list"),
    path("requests/new/", access.request_new, name="request-new"),
    path("requests/<int:request_id>/", access.request_detail, name="request-detail"),
    path("requests/<int:request_id>/edit/", access.request_edit, name="request-edit"),
]
