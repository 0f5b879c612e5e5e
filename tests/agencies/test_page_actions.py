"""The POST actions of the county and agency pages: each one writes through
its service, is audited and names what it saved; an unknown action, or a
head-change step with nothing pending, says so and writes nothing (no
"已保存" without a write)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import DAYING, PENGLAI

from bianzhi.agencies import services
from bianzhi.agencies.models import (
    AgencyAssessment,
    AgencyHandover,
    AssessmentFloor,
    DepartmentAssessment,
    DispatchedAgency,
    Evaluation,
    HeadChange,
    HeadChangeStatus,
)
from bianzhi.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

COUNTY = f"/agencies/county/{DAYING}/"
MODELS = (
    DispatchedAgency,
    Evaluation,
    DepartmentAssessment,
    AssessmentFloor,
    HeadChange,
    AgencyHandover,
    AgencyAssessment,
)


@pytest.fixture
def agency(regions: Any, department: Any) -> Any:
    return services.agency_create(
        actor=None,
        township=regions[PENGLAI],
        name="蓬莱农业服务站",
        agency_type="农技站",
        managing_department=department,
    )


def _messages(response: Any) -> list[tuple[str, str]]:
    """(level, text) of the messages the page after the redirect shows."""
    assert response.redirect_chain, "a POST answers with a redirect"
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["AuditRecord"] = AuditRecord.objects.count()
    return counts


def _saved(response: Any) -> str:
    """The one success message, after checking there is no error beside it."""
    shown = _messages(response)
    [(level, text)] = shown
    assert level == "success", shown
    return text


def _no_success(response: Any) -> list[str]:
    shown = _messages(response)
    assert shown and all(level == "error" for level, _ in shown), shown
    assert "已保存。" not in response.content.decode()
    return [text for _, text in shown]


@pytest.mark.parametrize("action", ["bogus", "", None, "head-start "])
def test_an_unknown_action_on_the_county_page_writes_nothing(
    login: Any, daying_officer: Any, agency: Any, action: str | None
) -> None:
    data = {"year": "2024", "agency_floor": "60", "department_floor": "40"}
    if action is not None:
        data["action"] = action
    before = _counts()
    response = login(daying_officer).post(f"{COUNTY}?year=2024", data, follow=True)
    assert _no_success(response) == ["未知的操作，未保存任何内容。"]
    assert response.redirect_chain[-1][0] == f"{COUNTY}?year=2024"
    assert _counts() == before


@pytest.mark.parametrize("action", ["bogus", "floors", "evaluation"])
def test_an_unknown_action_on_the_agency_page_writes_nothing(
    login: Any, daying_officer: Any, agency: Any, action: str
) -> None:
    # Actions of the county page are unknown here.
    data = {"action": action, "kind": "appoint", "person_name": "张三", "agency_floor": "60"}
    before = _counts()
    response = login(daying_officer).post(f"/agencies/{agency.pk}/", data, follow=True)
    assert _no_success(response) == ["未知的操作，未保存任何内容。"]
    assert _counts() == before


@pytest.mark.parametrize(
    "data",
    [
        {"action": "head-opinion", "agrees": "1", "text": "同意"},
        {"action": "head-complete", "document_number": "大委任〔2025〕1号"},
    ],
)
def test_a_head_change_step_with_nothing_pending_writes_nothing(
    login: Any, daying_officer: Any, agency: Any, data: dict[str, str]
) -> None:
    before = _counts()
    response = login(daying_officer).post(f"/agencies/{agency.pk}/", data, follow=True)
    assert _no_success(response) == ["没有待处理的负责人任免，未保存任何内容。"]
    assert _counts() == before


def test_completing_a_change_again_from_a_stale_page_writes_nothing(
    login: Any, daying_officer: Any, agency: Any
) -> None:
    client = login(daying_officer)
    url = f"/agencies/{agency.pk}/"
    client.post(url, {"action": "head-start", "kind": "appoint", "person_name": "张三"}, follow=True)
    client.post(url, {"action": "head-opinion", "agrees": "1", "text": "同意"}, follow=True)
    complete = {"action": "head-complete", "document_number": "大委任〔2025〕1号"}
    assert "已完成" in _saved(client.post(url, complete, follow=True))
    before = _counts()
    response = client.post(url, complete, follow=True)
    assert _no_success(response) == ["没有待处理的负责人任免，未保存任何内容。"]
    assert _counts() == before


def _audited(model: Any, action: str) -> None:
    obj = model.objects.get()
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    assert AuditRecord.objects.filter(object_type=label, object_id=str(obj.pk), action=action).exists()


def test_each_county_action_writes_audits_and_names_what_it_saved(
    login: Any, daying_officer: Any, regions: Any, department: Any
) -> None:
    client = login(daying_officer)
    saved = _saved(
        client.post(
            COUNTY,
            {"action": "agency", "township": PENGLAI, "name": "蓬莱司法所", "agency_type": "司法所",
             "department": str(department.pk)},
            follow=True,
        )
    )
    assert saved == "已登记派驻机构：蓬莱镇蓬莱司法所，实行派驻、不作调整。"
    _audited(DispatchedAgency, "create")

    response = client.post(
        f"{COUNTY}?year=2023",
        {"action": "evaluation", "year": "2024", "direction": "t2d", "township": PENGLAI,
         "department": str(department.pk), "score": "90"},
        follow=True,
    )
    assert _saved(response) == "已保存2024年双向评议（乡镇评议部门）：蓬莱镇、县农业农村局，90分。"
    # The page reopens on the year the form carried.
    assert response.redirect_chain[-1][0] == f"{COUNTY}?year=2024"
    _audited(Evaluation, "create")

    saved = _saved(
        client.post(
            COUNTY,
            {"action": "department-assessment", "year": "2024", "department": str(department.pk),
             "township_weight": "30", "township_score": "", "other_score": "80"},
            follow=True,
        )
    )
    assert saved == "已保存县农业农村局2024年绩效考核：综合得分83.00。"
    _audited(DepartmentAssessment, "create")

    saved = _saved(
        client.post(COUNTY, {"action": "floors", "agency_floor": "60", "department_floor": ""}, follow=True)
    )
    assert saved == "已保存大英县的考核权重下限。"
    _audited(AssessmentFloor, "update")


def test_each_agency_action_writes_audits_and_names_what_it_saved(
    login: Any, daying_officer: Any, agency: Any
) -> None:
    client = login(daying_officer)
    url = f"/agencies/{agency.pk}/"

    saved = _saved(client.post(url, {"action": "head-start", "kind": "appoint", "person_name": "张三"}, follow=True))
    assert saved == "已发起主要负责人任命（张三），待蓬莱镇书面反馈意见。"
    _audited(HeadChange, "create")

    saved = _saved(client.post(url, {"action": "head-opinion", "agrees": "1", "text": "同意任命"}, follow=True))
    assert saved == "已登记蓬莱镇的书面意见（同意）。"
    _audited(HeadChange, "update")

    saved = _saved(
        client.post(url, {"action": "head-complete", "document_number": "大委任〔2025〕1号"}, follow=True)
    )
    assert saved == "已完成主要负责人任命（张三，大委任〔2025〕1号）。"
    assert HeadChange.objects.get().status == HeadChangeStatus.COMPLETED
    _audited(DispatchedAgency, "approve")

    saved = _saved(
        client.post(
            url,
            {"action": "assessment", "year": "2024", "township_weight": "50", "township_score": "90",
             "department_score": "80"},
            follow=True,
        )
    )
    assert saved == "已保存2024年度考核：综合得分85.00。"
    _audited(AgencyAssessment, "create")

    saved = _saved(
        client.post(
            url, {"action": "handover", "handed_over_on": "2025-01-01", "document_number": "大委编发〔2025〕1号"},
            follow=True,
        )
    )
    assert saved == "已划转属地管理（大委编发〔2025〕1号）：划转编制0名，随编划转人员0人。"
    assert AgencyHandover.objects.get().agency == agency
    _audited(DispatchedAgency, "update")


def test_a_refused_action_shows_the_services_message_and_no_success(
    login: Any, daying_officer: Any, agency: Any
) -> None:
    data = {"action": "assessment", "year": "2024", "township_weight": "40", "township_score": "90",
            "department_score": "80"}
    before = _counts()
    response = login(daying_officer).post(f"/agencies/{agency.pk}/", data, follow=True)
    [message] = _no_success(response)
    assert "50" in message
    assert _counts() == before


def test_the_county_page_offers_the_vertical_choice_in_chinese(
    login: Any, daying_officer: Any, department: Any
) -> None:
    page = login(daying_officer).get(COUNTY).content.decode()
    assert '<label for="agency-vertical">实行派驻、不作调整（001 §(二)2）</label>' in page
    assert '<option value="1">是：实行派驻、不作调整，不能划转属地管理</option>' in page


@pytest.mark.parametrize(
    ("agency_type", "choice", "vertical"),
    [("农技站", "1", True), ("市场监管所", "", False), ("派出所", "", True), ("市场监管所", "0", False)],
)
def test_the_vertical_choice_is_stored_on_the_agency(
    login: Any, daying_officer: Any, department: Any, agency_type: str, choice: str, vertical: bool
) -> None:
    client = login(daying_officer)
    data = {"action": "agency", "township": PENGLAI, "name": f"蓬莱{agency_type}", "agency_type": agency_type,
            "department": str(department.pk), "vertical": choice}
    _saved(client.post(COUNTY, data, follow=True))
    created = DispatchedAgency.objects.get(name=f"蓬莱{agency_type}")
    assert created.vertical is vertical


def test_an_agency_marked_vertical_on_the_page_cannot_be_handed_over(
    login: Any, daying_officer: Any, department: Any
) -> None:
    client = login(daying_officer)
    data = {"action": "agency", "township": PENGLAI, "name": "蓬莱农技站", "agency_type": "农技站",
            "department": str(department.pk), "vertical": "1"}
    _saved(client.post(COUNTY, data, follow=True))
    created = DispatchedAgency.objects.get(name="蓬莱农技站")
    response = client.post(
        f"/agencies/{created.pk}/",
        {"action": "handover", "handed_over_on": "2025-01-01", "document_number": "大委编发〔2025〕1号"},
        follow=True,
    )
    [message] = _no_success(response)
    assert "不作调整" in message and "001 §(二)2" in message
    assert not AgencyHandover.objects.exists()


def test_a_police_station_cannot_be_registered_as_handed_over_later(
    login: Any, daying_officer: Any, department: Any
) -> None:
    before = _counts()
    data = {"action": "agency", "township": PENGLAI, "name": "蓬莱派出所", "agency_type": "派出所",
            "department": str(department.pk), "vertical": "0"}
    [message] = _no_success(login(daying_officer).post(COUNTY, data, follow=True))
    assert message == "派出所属党中央、省级明确规定实行派驻的机构，不作调整，不能登记为可划转属地管理（001 §(二)2）"
    assert _counts() == before
