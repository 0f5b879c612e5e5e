"""Reading jobs, scoped: a user sees the jobs they started, and an officer
also sees the jobs of the regions they may edit."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.jobs.models import Job


def job_list(*, scope: Scope) -> QuerySet[Job]:
    if scope.is_superuser:
        return Job.objects.all()
    if not scope.sees_anything:
        return Job.objects.none()
    own = Q(created_by_id=scope.user_id)
    if "officer" in scope.roles:
        return Job.objects.filter(own | scope.q("region"))
    return Job.objects.filter(own)


def job_get(*, scope: Scope, job_id: int) -> Job:
    job = job_list(scope=scope).filter(pk=job_id).first()
    if job is None:
        raise Http404("任务不存在或无权访问")
    return job
