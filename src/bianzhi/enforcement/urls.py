from django.urls import path

from bianzhi.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("", views.index, name="index"),
    path("t/<str:township_code>/", views.township, name="township"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export.xlsx", views.case_export, name="case_export"),
    path("cases/t/<str:township_code>/template.xlsx", views.case_template, name="case_template"),
    path("cases/t/<str:township_code>/import/", views.case_import, name="case_import"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    *(
        path(f"cases/<int:case_id>/{action}/", view, name=f"case_{action}")
        for action, view in views.case_action_views.items()
    ),
    path("files/<int:case_file_id>/", views.case_file, name="case_file"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
]
