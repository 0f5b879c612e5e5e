"""Malformed numbers and dates on the agencies pages and API: a Chinese
message (or a 400), never a crash, and nothing recorded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient
from tests.conftest import DAYING, PENGLAI

from bianzhi.agencies import services
from bianzhi.agencies.models import (
    AgencyAssessment,
    AgencyHandover,
    AssessmentFloor,
    DepartmentAssessment,
    Evaluation,
)
from bianzhi.agencies.services import AgencyError

pytestmark = pytest.mark.django_db

COUNTY = f"/agencies/county/{DAYING}/"


@pytest.fixture
def agency(regions: Any, department: Any) -> Any:
    return services.agency_create(
        actor=None,
        township=regions[PENGLAI],
        name="蓬莱农业服务站",
        agency_type="农技站",
        managing_department=department,
    )


def _messages(response: Any) -> str:
    page: str = response.content.decode()
    return page


@pytest.mark.parametrize("weight", ["NaN", "Infinity", "abc", "1e309", "99999999999999999999"])
def test_a_malformed_department_weight_is_refused_and_nothing_recorded(
    login: Any, daying_officer: Any, department: Any, weight: str
) -> None:
    data = {
        "action": "department-assessment",
        "year": "2024",
        "department": str(department.pk),
        "township_weight": weight,
        "township_score": "90",
        "other_score": "80",
    }
    response = login(daying_officer).post(COUNTY, data, follow=True)
    assert response.status_code == 200
    assert "乡镇评价权重：" in _messages(response)
    assert not DepartmentAssessment.objects.exists()


@pytest.mark.parametrize("score", ["NaN", "Infinity", "-Infinity", "abc"])
def test_a_malformed_evaluation_score_is_refused_and_nothing_recorded(
    login: Any, daying_officer: Any, department: Any, score: str
) -> None:
    data = {
        "action": "evaluation",
        "year": "2024",
        "direction": "t2d",
        "township": PENGLAI,
        "department": str(department.pk),
        "score": score,
        "comment": "",
    }
    response = login(daying_officer).post(COUNTY, data, follow=True)
    assert "得分：" in _messages(response)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": "abc"}, "年度："),
        ({"year": "99999999999999999999"}, "年度："),
        ({"department": "NaN"}, "请选择本县的部门。"),
        ({"department": "99999999999999999999"}, "请选择本县的部门。"),
        ({"township": "621121100"}, "请选择本县的乡镇。"),
    ],
)
def test_an_evaluation_of_a_malformed_year_or_unit_is_refused(
    login: Any, daying_officer: Any, department: Any, fields: dict[str, str], message: str
) -> None:
    data = {
        "action": "evaluation",
        "year": "2024",
        "direction": "t2d",
        "township": PENGLAI,
        "department": str(department.pk),
        "score": "90",
    }
    data.update(fields)
    response = login(daying_officer).post(COUNTY, data, follow=True)
    assert message in _messages(response)
    assert not Evaluation.objects.exists()


def test_a_valid_evaluation_is_still_recorded(
    login: Any, daying_officer: Any, department: Any
) -> None:
    data = {
        "action": "evaluation",
        "year": "2024",
        "direction": "t2d",
        "township": PENGLAI,
        "department": str(department.pk),
        "score": "90.5",
    }
    response = login(daying_officer).post(COUNTY, data)
    assert response["Location"] == f"{COUNTY}?year=2024"
    assert Evaluation.objects.get().score == Decimal("90.5")


@pytest.mark.parametrize("floor", ["NaN", "Infinity", "abc"])
def test_a_malformed_floor_is_refused_and_nothing_stored(
    login: Any, daying_officer: Any, regions: Any, floor: str
) -> None:
    data = {"action": "floors", "agency_floor": floor, "department_floor": ""}
    response = login(daying_officer).post(COUNTY, data, follow=True)
    assert "派驻机构考核乡镇权重下限：" in _messages(response)
    assert not AssessmentFloor.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"township_score": "NaN"}, "乡镇评价得分："),
        ({"township_weight": "Infinity"}, "乡镇评价权重："),
        ({"year": "abc"}, "年度："),
        ({"year": "99999999999999999999"}, "年度："),
    ],
)
def test_a_malformed_agency_assessment_is_refused_and_nothing_recorded(
    login: Any, daying_officer: Any, agency: Any, fields: dict[str, str], message: str
) -> None:
    data = {
        "action": "assessment",
        "year": "2024",
        "township_weight": "50",
        "township_score": "90",
        "department_score": "80",
    }
    data.update(fields)
    response = login(daying_officer).post(f"/agencies/{agency.pk}/", data, follow=True)
    assert message in _messages(response)
    assert not AgencyAssessment.objects.exists()


@pytest.mark.parametrize("day", ["2026-02-30", "9999-12-31", "0000-00-00"])
def test_a_handover_on_an_impossible_date_is_refused(
    login: Any, daying_officer: Any, agency: Any, day: str
) -> None:
    data = {"action": "handover", "handed_over_on": day, "document_number": "大委编发〔2025〕1号"}
    response = login(daying_officer).post(f"/agencies/{agency.pk}/", data, follow=True)
    assert "划转日期：" in _messages(response)
    assert not AgencyHandover.objects.exists()


def test_the_services_refuse_nan_whoever_calls_them(
    regions: Any, department: Any, agency: Any
) -> None:
    with pytest.raises(AgencyError, match="不是有效的数字"):
        services.floor_set(
            actor=None, region=regions[DAYING], agency_floor=Decimal("NaN"), department_floor=None
        )
    with pytest.raises(AgencyError, match="不是有效的数字"):
        services.evaluation_record(
            actor=None,
            year=2024,
            direction="t2d",
            township=regions[PENGLAI],
            department=department,
            score=Decimal("NaN"),
        )
    assert not AssessmentFloor.objects.exists() and not Evaluation.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/agency-assessments/", "/api/v1/department-assessments/"])
@pytest.mark.parametrize("year", ["²", "99999999999999999999"])
def test_a_malformed_assessment_year_is_a_400_in_chinese(
    daying_officer: Any, url: str, year: str
) -> None:
    client = APIClient()
    client.force_authenticate(daying_officer)
    response = client.get(url, {"year": year})
    assert response.status_code == 400
    [message] = response.json()["year"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
