from django.urls import path

from bianzhi.tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("template.xlsx", views.task_template, name="template"),
    path("all/", views.task_list, name="task_list"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("plans/<int:work_plan_id>/", views.plan_detail, name="plan_detail"),
    path("t/<int:task_id>/", views.task_detail, name="task_detail"),
    path("t/<int:task_id>/report/", views.task_report, name="task_report"),
    path("t/<int:task_id>/closeout/", views.task_closeout, name="task_closeout"),
    path("t/<int:task_id>/approve/", views.task_approve, name="task_approve"),
    path("t/<int:task_id>/reject/", views.task_reject, name="task_reject"),
    path("files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:supervision_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:supervision_id>/findings/", views.finding_create, name="finding_create"),
    path("findings/<int:finding_id>/rectify/", views.finding_rectify, name="finding_rectify"),
    path("findings/<int:finding_id>/verify/", views.finding_verify, name="finding_verify"),
]
