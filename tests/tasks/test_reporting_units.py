"""Who may report progress and ask for close-out (销号) in whose name: only
the units of the task (牵头单位, 责任单位); a 部门用户 only in their own
department's name. Enforced by the service (every caller) and offered by the
task page as a drop-down of those units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from tests.conftest import DAYING, PASSWORD
from tests.tasks.conftest import PDF, FakeUpload

from bianzhi.adapters.xlsx_tasks import TaskRow
from bianzhi.tasks import services
from bianzhi.tasks.models import ProgressReport

pytestmark = pytest.mark.django_db

AGRICULTURE, FINANCE, JUSTICE = "县农业农村局", "县财政局", "县司法局"


@pytest.fixture
def task(regions: Any) -> Any:
    """A county task led by 县农业农村局, with 县财政局 and 县司法局 responsible."""
    plan = services.plan_import(
        actor=None,
        region=regions[DAYING],
        title="农村集体产权制度改革工作方案",
        rows=[
            TaskRow(
                row=3,
                seq=1,
                content="推进农村集体产权制度改革",
                lead_units=(AGRICULTURE,),
                responsible_units=(FINANCE, JUSTICE),
                deadline=dt.date(2021, 12, 31),
                deadline_text="2021年12月底前",
            )
        ],
    )
    return plan.tasks.get()


def _department_user(regions: Any, department: str, username: str) -> Any:
    from bianzhi.accounts.services import department_create, user_create

    return user_create(
        username=username,
        password=PASSWORD,
        region=regions[DAYING],
        roles=["department"],
        department=department_create(county=regions[DAYING], name=department),
        validate=False,
    )


@pytest.fixture
def agriculture_user(regions: Any) -> Any:
    return _department_user(regions, AGRICULTURE, "nongye")


@pytest.fixture
def education_user(regions: Any) -> Any:
    """A department that is not among the task's units."""
    return _department_user(regions, "县教育局", "jiaoyu")


def test_a_department_user_reports_in_their_own_departments_name(
    task: Any, agriculture_user: Any
) -> None:
    report = services.task_report_progress(
        actor=agriculture_user, task=task, unit=AGRICULTURE, text="已完成清产核资"
    )
    assert report.unit == AGRICULTURE


@pytest.mark.parametrize("unit", [FINANCE, JUSTICE])
def test_a_department_user_cannot_report_for_another_unit_of_the_task(
    task: Any, agriculture_user: Any, unit: str
) -> None:
    with pytest.raises(ValidationError, match="只能以本部门（县农业农村局）的名义报送"):
        services.task_report_progress(actor=agriculture_user, task=task, unit=unit, text="代报")
    assert not ProgressReport.objects.exists()
    task.refresh_from_db()
    assert task.status == "not_started"


def test_a_department_user_cannot_ask_close_out_for_another_unit(
    task: Any, agriculture_user: Any
) -> None:
    services.task_report_progress(actor=None, task=task, unit=FINANCE, text="资金已到位")
    with pytest.raises(ValidationError, match="只能以本部门（县农业农村局）的名义报送"):
        services.task_request_closeout(
            actor=agriculture_user,
            task=task,
            unit=FINANCE,
            text="已完成",
            files=[FakeUpload("佐证.pdf", PDF)],
        )
    task.refresh_from_db()
    assert task.status == "in_progress"
    request = services.task_request_closeout(
        actor=agriculture_user,
        task=task,
        unit=AGRICULTURE,
        text="已完成",
        files=[FakeUpload("佐证.pdf", PDF)],
    )
    assert request.unit == AGRICULTURE


def test_a_department_that_is_not_a_unit_of_the_task_cannot_report(
    task: Any, education_user: Any
) -> None:
    assert services.reportable_units(actor=education_user, task=task) == []
    with pytest.raises(ValidationError, match="“县教育局”不是该任务的牵头单位或责任单位"):
        services.task_report_progress(actor=education_user, task=task, unit="县教育局", text="x")
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("unit", "message"), [("县教育局", "不是该任务的"), ("", "请选择报送单位")]
)
def test_an_officer_reports_for_any_unit_of_the_task_and_no_other(
    task: Any, daying_officer: Any, unit: str, message: str
) -> None:
    assert services.reportable_units(actor=daying_officer, task=task) == [
        AGRICULTURE,
        FINANCE,
        JUSTICE,
    ]
    with pytest.raises(ValidationError, match=message):
        services.task_report_progress(actor=daying_officer, task=task, unit=unit, text="x")
    report = services.task_report_progress(actor=daying_officer, task=task, unit=JUSTICE, text="x")
    assert report.unit == JUSTICE


def _unit_options(html: str) -> list[str]:
    select = html.split('name="unit"', 1)[1].split("</select>", 1)[0]
    return [part.split('"', 1)[0] for part in select.split('<option value="')[1:]]


def test_the_task_page_offers_only_the_units_the_user_may_report_for(
    login: Any, task: Any, agriculture_user: Any, daying_officer: Any
) -> None:
    page = login(agriculture_user).get(f"/tasks/t/{task.pk}/").content.decode()
    assert _unit_options(page) == [AGRICULTURE]
    page = login(daying_officer).get(f"/tasks/t/{task.pk}/").content.decode()
    assert _unit_options(page) == [AGRICULTURE, FINANCE, JUSTICE]


def test_a_department_not_among_the_units_sees_why_it_cannot_report(
    login: Any, task: Any, education_user: Any
) -> None:
    page = login(education_user).get(f"/tasks/t/{task.pk}/").content.decode()
    assert 'name="unit"' not in page
    assert "本部门不是该任务的牵头单位或责任单位" in page


def test_a_report_posted_for_another_unit_is_refused_and_nothing_is_stored(
    login: Any, task: Any, agriculture_user: Any
) -> None:
    client = login(agriculture_user)
    response = client.post(
        f"/tasks/t/{task.pk}/report/", {"unit": FINANCE, "text": "代报"}, follow=True
    )
    assert "请选择该任务的牵头单位或责任单位" in response.content.decode()
    assert not ProgressReport.objects.exists()
    response = client.post(
        f"/tasks/t/{task.pk}/report/", {"unit": AGRICULTURE, "text": "本部门报送"}, follow=True
    )
    assert "进展已报送" in response.content.decode()
    assert ProgressReport.objects.get().unit == AGRICULTURE
