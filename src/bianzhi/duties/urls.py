from django.urls import path

from bianzhi.duties import views

app_name = "duties"

urlpatterns = [
    path("", views.index, name="index"),
    path("county/<str:county_code>/", views.county, name="county"),
    path("county/<str:county_code>/catalogue/", views.catalogue, name="catalogue"),
    path("county/<str:county_code>/catalogue.xlsx", views.catalogue_xlsx, name="catalogue-xlsx"),
    path("county/<str:county_code>/statutory/", views.statutory, name="statutory"),
    path("county/<str:county_code>/statutory.xlsx", views.statutory_xlsx, name="statutory-xlsx"),
    path("county/<str:county_code>/statutory-template.xlsx", views.statutory_template, name="statutory-template"),
    path("statutory/<int:item_id>/", views.statutory_item, name="statutory-item"),
    path("county/<str:county_code>/matters/", views.matters, name="matters"),
    path("county/<str:county_code>/matters.xlsx", views.matters_xlsx, name="matters-xlsx"),
    path("county/<str:county_code>/matters/request/", views.matter_request, name="matter-request"),
    path("matter-change/<int:change_id>/", views.matter_change, name="matter-change"),
    path("township/<str:township_code>/", views.township, name="township"),
    path("take-up/<int:round_id>/decide/", views.round_decide, name="round-decide"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<int:request_id>/", views.request_detail, name="request-detail"),
    path("requests/<int:request_id>/edit/", views.request_edit, name="request-edit"),
]
