"""REST API of work plans and tasks (read-only, scoped like the pages):

* ``/api/v1/work-plans/`` and ``/api/v1/work-plans/<id>/``: plans with their
  task counts;
* ``/api/v1/tasks/?status=&overdue=1&plan=<id>`` and ``/api/v1/tasks/<id>/``:
  tasks with their deadline warning as of today (``urgency``: ok, due_soon,
  overdue, done — ``bianzhi.core.tasks.classify``).

A plan or task outside the caller's scope is a 404 and absent from lists.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from bianzhi.accounts.scope import scope_of
from bianzhi.core.tasks import TaskStatus, Urgency, classify, days_overdue
from bianzhi.kernel import clock
from bianzhi.kernel.fields import BIGINT_MAX
from bianzhi.tasks import selectors
from bianzhi.tasks.models import WorkPlan


class TaskLinksSerializer(serializers.Serializer[Any]):
    self = serializers.CharField()
    page = serializers.CharField(help_text="网页")
    plan = serializers.CharField()


class TaskSerializer(serializers.Serializer[Any]):
    """A ``selectors.TaskView``: the task and its warning on the day asked."""

    id = serializers.IntegerField(source="task.pk")
    plan = serializers.IntegerField(source="task.plan_id")
    plan_title = serializers.CharField(source="task.plan.title")
    region = serializers.CharField(source="task.plan.region.code")
    seq = serializers.IntegerField(source="task.seq")
    content = serializers.CharField(source="task.content")
    lead_units = serializers.ListField(child=serializers.CharField(), source="task.lead_units")
    responsible_units = serializers.ListField(
        child=serializers.CharField(), source="task.responsible_units"
    )
    deadline = serializers.DateField(source="task.deadline", allow_null=True)
    deadline_text = serializers.CharField(source="task.deadline_text")
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in TaskStatus], source="task.status"
    )
    status_label = serializers.CharField()
    urgency = serializers.ChoiceField(
        choices=[(u.value, u.label) for u in Urgency], source="urgency.value"
    )
    urgency_label = serializers.CharField(source="urgency.label")
    days_overdue = serializers.IntegerField()
    closed_at = serializers.DateTimeField(source="task.closed_at", allow_null=True)
    links = serializers.SerializerMethodField()

    @extend_schema_field(TaskLinksSerializer)
    def get_links(self, obj: selectors.TaskView) -> dict[str, str]:
        return {
            "self": reverse("task-detail", args=[obj.task.pk]),
            "page": reverse("tasks:task_detail", args=[obj.task.pk]),
            "plan": reverse("work-plan-detail", args=[obj.task.plan_id]),
        }


class PlanLinksSerializer(serializers.Serializer[Any]):
    self = serializers.CharField()
    page = serializers.CharField(help_text="网页")
    tasks = serializers.CharField()


class WorkPlanSerializer(serializers.ModelSerializer[WorkPlan]):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    cadence_label = serializers.SerializerMethodField()
    tasks_total = serializers.IntegerField(source="n_tasks")
    tasks_closed = serializers.IntegerField(source="n_closed")
    links = serializers.SerializerMethodField()

    class Meta:
        model = WorkPlan
        fields = [
            "id", "region", "region_name", "title", "source", "document_number", "issued_on",
            "cadence", "cadence_label", "tasks_total", "tasks_closed", "links",
        ]

    def get_cadence_label(self, obj: WorkPlan) -> str:
        return obj.get_cadence_display()

    @extend_schema_field(PlanLinksSerializer)
    def get_links(self, obj: WorkPlan) -> dict[str, str]:
        return {
            "self": reverse("work-plan-detail", args=[obj.pk]),
            "page": reverse("tasks:plan_detail", args=[obj.pk]),
            "tasks": reverse("task-list") + f"?plan={obj.pk}",
        }


class WorkPlanViewSet(viewsets.ReadOnlyModelViewSet[WorkPlan]):
    serializer_class = WorkPlanSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        # plan_list is scoped and annotated with the task counts.
        return selectors.plan_list(scope=scope_of(self.request))


class TaskListParams(serializers.Serializer[Any]):
    """The list's query parameters: a malformed one is a 400 with a Chinese
    message (a 20-digit plan id used to crash the query)."""

    status = serializers.ChoiceField(
        choices=[s.value for s in TaskStatus], required=False, allow_blank=True
    )
    overdue = serializers.ChoiceField(choices=["0", "1"], required=False, allow_blank=True)
    plan = serializers.IntegerField(min_value=1, max_value=BIGINT_MAX, required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[s.value for s in TaskStatus], description="状态"),
            OpenApiParameter("overdue", str, enum=["0", "1"], description="1：只列已逾期的任务"),
            OpenApiParameter("plan", int, description="工作方案编号"),
        ],
        responses=TaskSerializer(many=True),
    ),
    retrieve=extend_schema(responses=TaskSerializer),
)
class TaskViewSet(viewsets.GenericViewSet[Any]):
    serializer_class = TaskSerializer
    lookup_value_regex = r"\d+"

    def list(self, request: Request, format: str | None = None) -> Response:
        params = TaskListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = selectors.TaskFilter(
            plan_id=data.get("plan"),
            status=data.get("status", ""),
            urgency=Urgency.OVERDUE.value if data.get("overdue") == "1" else "",
        )
        views = selectors.task_list(scope=scope_of(request), on=clock.today(), filters=filters)
        # A list of TaskViews (the warning is computed per task): the page
        # paginator slices lists as well as querysets.
        page = self.paginate_queryset(views)  # type: ignore[arg-type]
        if page is None:
            return Response(TaskSerializer(views, many=True).data)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    def retrieve(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        task = selectors.task_get(scope=scope_of(request), task_id=int(pk or 0))
        on = clock.today()
        view = selectors.TaskView(
            task=task,
            urgency=classify(deadline=task.deadline, status=task.task_status, today=on),
            days_overdue=days_overdue(deadline=task.deadline, today=on),
        )
        return Response(TaskSerializer(view).data)
