"""Malformed input on the township pages and API: a Chinese message (or a
400), never a crash, and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from bianzhi.townships.models import ApprovedQuota, IndicatorDefinition, QuotaLedgerEntry
from bianzhi.townships.services import indicator_definition_create

pytestmark = pytest.mark.django_db

SETTINGS = "/townships/county/510923/settings/"
QUOTA = "/townships/510923100/quota/"


@pytest.fixture
def villages(daying: Any) -> Any:
    return indicator_definition_create(county=daying, name="农民专业合作社数", unit="个")


@pytest.mark.parametrize("definition", ["abc", "NaN", "99999999999999999999", "-1", ""])
def test_deleting_a_malformed_indicator_id_changes_nothing(
    login: Any, daying_officer: Any, villages: Any, definition: str
) -> None:
    response = login(daying_officer).post(
        SETTINGS, {"action": "delete_indicator", "definition": definition}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "该指标不存在或已删除。" in page or "请选择要删除的指标。" in page
    assert IndicatorDefinition.objects.filter(pk=villages.pk).exists()


def test_another_countys_indicator_cannot_be_deleted_from_this_page(
    login: Any, daying_officer: Any, daying: Any, tongwei: Any
) -> None:
    theirs = indicator_definition_create(county=tongwei, name="家庭农场数", unit="个")
    response = login(daying_officer).post(
        SETTINGS, {"action": "delete_indicator", "definition": str(theirs.pk)}, follow=True
    )
    assert "该指标不存在或已删除。" in response.content.decode()
    assert IndicatorDefinition.objects.filter(pk=theirs.pk).exists()


def test_an_indicator_is_still_deleted(login: Any, daying_officer: Any, villages: Any) -> None:
    response = login(daying_officer).post(
        SETTINGS, {"action": "delete_indicator", "definition": str(villages.pk)}, follow=True
    )
    assert "指标“农民专业合作社数”已删除。" in response.content.decode()
    assert not IndicatorDefinition.objects.filter(pk=villages.pk).exists()


def _quota(**fields: str) -> dict[str, str]:
    data = {
        "quota_type": "行政编制",
        "count": "30",
        "document_number": "大委编发〔2025〕3号",
        "date": "2025-03-01",
        "reason": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"count": "99999999999999999999"}, "确保该值小于或等于2147483647"),
        ({"count": "2147483648"}, "确保该值小于或等于2147483647"),
        ({"count": "NaN"}, "输入整数"),
        ({"count": "-1"}, "确保该值大于或等于0"),
        ({"date": "2026-02-30"}, "输入一个有效的日期"),
        ({"date": "9999-12-31"}, "日期须在 1900-01-01 至 2200-12-31 之间"),
    ],
)
def test_a_quota_with_a_malformed_count_or_date_is_refused_and_not_recorded(
    login: Any, daying_officer: Any, daying: Any, fields: dict[str, str], message: str
) -> None:
    before = dict(ApprovedQuota.objects.values_list("pk", "count"))
    ledger = QuotaLedgerEntry.objects.count()
    response = login(daying_officer).post(QUOTA, _quota(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert dict(ApprovedQuota.objects.values_list("pk", "count")) == before
    assert QuotaLedgerEntry.objects.count() == ledger


def test_the_largest_storable_quota_is_still_recorded(
    login: Any, daying_officer: Any, daying: Any
) -> None:
    response = login(daying_officer).post(QUOTA, _quota(count="2147483647"))
    assert response.status_code == 302
    quota = ApprovedQuota.objects.get(township__code="510923100", quota_type="行政编制")
    assert quota.count == 2147483647


@pytest.mark.parametrize("year", ["²", "99999999999999999999", "abc"])
def test_a_malformed_indicator_year_is_a_400_in_chinese(
    daying_officer: Any, daying: Any, year: str
) -> None:
    client = APIClient()
    client.force_authenticate(daying_officer)
    response = client.get("/api/v1/townships/510923100/indicators/", {"year": year})
    assert response.status_code == 400
    [message] = response.json()["year"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


@pytest.mark.parametrize(
    "url",
    [
        "/townships/county/510923/",
        "/townships/county/510923/indicators/export.xlsx",
        "/townships/510923100/edit/",
    ],
)
@pytest.mark.parametrize("year", ["²", "99999999999999999999", "abc"])
def test_a_malformed_year_shows_the_latest_year_with_data(
    login: Any, daying_officer: Any, daying: Any, url: str, year: str
) -> None:
    # "²" passes str.isdigit() but int() refuses it.
    assert login(daying_officer).get(url, {"year": year}).status_code == 200
