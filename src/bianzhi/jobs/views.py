from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.accounts.scope import scope_of
from bianzhi.jobs import selectors


def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list(scope=scope_of(request))[:200]
    return render(request, "jobs/list.html", {"jobs": jobs})


def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(scope=scope_of(request), job_id=job_id)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = selectors.job_get(scope=scope_of(request), job_id=job_id)
    if not job.result_file or not default_storage.exists(job.result_file):
        raise Http404("该任务没有结果文件")
    return FileResponse(
        default_storage.open(job.result_file, "rb"),
        as_attachment=True,
        filename=job.result_filename or "result.bin",
    )
