"""bianzhi.kernel.errors: one refusal type for every service, the 文号 check,
and the two places that show a refusal (views, the `bianzhi` command)."""

from __future__ import annotations

from typing import Any

import click
import pytest
from click.testing import CliRunner
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from bianzhi.kernel.errors import (
    DOCUMENT_NUMBER_REQUIRED,
    ServiceError,
    require_document_number,
    service_errors,
    show_error,
)


def _request() -> Any:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _shown(request: Any) -> list[str]:
    return [m.message for m in get_messages(request)]


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_a_refusal_reads_as_its_sentence_and_is_caught_as_before() -> None:
    error = ServiceError("请填写出编原因")
    assert str(error) == "请填写出编原因" and error.messages == ["请填写出编原因"]
    # Callers written for the old types still catch it.
    assert isinstance(error, ValidationError) and isinstance(error, ValueError)
    several = ServiceError(["方案名称不能为空", "年度 1 不正确"])
    assert several.messages == ["方案名称不能为空", "年度 1 不正确"]
    assert str(several) == "方案名称不能为空；年度 1 不正确"


def test_every_app_refusal_is_a_service_error() -> None:
    from bianzhi.agencies.services import AgencyError
    from bianzhi.allocation.services import PlanLocked
    from bianzhi.duties.services.access import DutyAccessBlocked
    from bianzhi.duties.services.common import DutyError
    from bianzhi.institutions.importing import InstitutionImportRefused
    from bianzhi.institutions.services import InstitutionError
    from bianzhi.jobs.services import JobError
    from bianzhi.roster.importing import ImportRefused
    from bianzhi.roster.services import RosterError, RuleViolation
    from bianzhi.townships.services import IndicatorImportError

    for kind in (AgencyError, PlanLocked, DutyAccessBlocked, DutyError, InstitutionImportRefused,
                 InstitutionError, JobError, ImportRefused, RosterError, RuleViolation, IndicatorImportError):
        assert issubclass(kind, ServiceError), kind


def test_a_rule_violation_keeps_its_findings_and_message() -> None:
    from bianzhi.core.rules import Finding, ObjectKind, ObjectRef, Severity
    from bianzhi.kernel.hooks import RuleRefusal
    from bianzhi.roster.services import RosterError, RuleViolation

    finding = Finding(rule="r", severity=Severity.BLOCK, object=ObjectRef(ObjectKind.TOWNSHIP, "1", "甲镇"),
                      message="超编", source="001 §一")
    error = RuleViolation([finding])
    assert error.findings == [finding]
    assert isinstance(error, RosterError) and isinstance(error, RuleRefusal)
    # The hook's message, whatever its wording: one message naming the finding.
    assert str(error) == str(RuleRefusal([finding])) and "超编" in str(error)
    assert error.messages == [str(error)]


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000"])
def test_a_blank_document_number_is_refused_with_one_message(blank: Any) -> None:
    with pytest.raises(ServiceError) as refused:
        require_document_number(blank)
    assert str(refused.value) == DOCUMENT_NUMBER_REQUIRED == "请填写文号（如 大委编发〔2021〕12号）。"


def test_a_document_number_comes_back_stripped_and_refusals_take_the_callers_type() -> None:
    class AppError(ServiceError):
        pass

    assert require_document_number("  大委编发〔2021〕12号 ") == "大委编发〔2021〕12号"
    with pytest.raises(AppError, match="文号"):
        require_document_number(" ", AppError)


def test_show_error_puts_each_message_on_the_form_or_in_the_messages() -> None:
    request = _request()
    show_error(request, ServiceError(["甲", "乙"]))
    assert _shown(request) == ["甲", "乙"]

    request = _request()
    form = _Form({"name": "x"})
    assert form.is_valid()
    show_error(request, ServiceError("丙"), form=form)
    assert form.non_field_errors() == ["丙"] and _shown(request) == []


def test_service_errors_shows_and_swallows_a_refusal_only() -> None:
    request = _request()
    with service_errors(request) as outcome:
        pass
    assert outcome.ok and outcome.error is None

    with service_errors(request) as outcome:
        raise ServiceError("已出编，不能调动")
    assert not outcome.ok and str(outcome.error) == "已出编，不能调动"
    assert _shown(request) == ["已出编，不能调动"]

    with pytest.raises(KeyError), service_errors(request):
        raise KeyError("a bug is no refusal")


def test_the_bianzhi_command_ends_a_refusal_in_chinese_with_exit_code_1() -> None:
    from bianzhi.cli.main import _MainGroup

    @click.group(cls=_MainGroup)
    def group() -> None:
        pass

    @group.command()
    def refuse() -> None:
        raise ServiceError("方案尚未测算，不能批准")

    @group.command()
    def crash() -> None:
        raise KeyError("x")

    result = CliRunner().invoke(group, ["refuse"])
    assert result.exit_code == 1
    assert result.output.strip() == "错误：方案尚未测算，不能批准"
    assert "Traceback" not in result.output
    crashed = CliRunner().invoke(group, ["crash"])
    assert isinstance(crashed.exception, KeyError)


def test_the_real_bianzhi_group_maps_refusals() -> None:
    from bianzhi.cli.main import _MainGroup, main

    assert isinstance(main, _MainGroup)
