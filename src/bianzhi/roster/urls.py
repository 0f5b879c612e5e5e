from django.urls import path

from bianzhi.roster import views

app_name = "roster"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("export.xlsx", views.person_export, name="export"),
    path("template.xlsx", views.roster_template_download, name="template"),
    path("enter/", views.person_enter, name="enter"),
    path("import/", views.roster_import, name="import"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/second/", views.person_second, name="second"),
    path("<int:person_id>/return/", views.person_return, name="return"),
    path("<int:person_id>/exit/", views.person_exit, name="exit"),
    path("<int:person_id>/transfer/", views.person_transfer, name="transfer"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
]
