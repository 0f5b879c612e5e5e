"""The API's error answers in Chinese.

``get_object_or_404`` raises Django's Http404 with an English text ("No Region
matches the given query."), which DRF's handler would pass on as the detail;
and the detail would name the model, telling a caller what exists. Every 404
of the API says the same "未找到。" instead.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
