"""``/api/v1/findings/``: the stored findings in the shape of
``bianzhi rules check --json`` plus links, scoped like the findings page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient
from tests.staffing import HUILONG, PENGLAI, TONGWEI_TOWNSHIP, approve

from bianzhi.cli.main import main
from bianzhi.rules.services import findings_refresh

pytestmark = pytest.mark.django_db
CHECK_KEYS = ("rule", "severity", "object", "message", "source")


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def findings(regions: Any) -> None:
    """Block findings in 蓬莱镇 and 回龙镇 (admin quota below the floor of 15)
    and one in 通渭县 (total below the previous approval)."""
    approve(PENGLAI, admin=12, township_class="一般乡镇")
    approve(HUILONG, admin=13, township_class="一般乡镇")
    approve(TONGWEI_TOWNSHIP, admin=10, previous={"行政编制": 12})
    findings_refresh(county_code="510923")
    findings_refresh(county_code="621121")


def _results(client: APIClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/findings/", params)
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_items_have_the_shape_of_rules_check_json(findings: None, daying_officer: Any) -> None:
    api = _results(_client(daying_officer), region="510923")
    cli = json.loads(CliRunner().invoke(main, ["rules", "check", "510923", "--json"]).output)
    assert sorted(json.dumps({k: i[k] for k in CHECK_KEYS}, sort_keys=True) for i in api) == sorted(
        json.dumps(f, sort_keys=True) for f in cli
    )
    floor = next(i for i in api if i["rule"] == "ordinary-admin-floor" and i["township"] == PENGLAI)
    assert floor["object"] == {"kind": "township", "id": PENGLAI, "label": "蓬莱镇"}
    assert floor["county"] == "510923" and floor["links"]["object"] == f"/institutions/township/{PENGLAI}/"


def test_filters_by_region_severity_and_rule(findings: None, daying_officer: Any) -> None:
    client = _client(daying_officer)
    huilong = _results(client, region=HUILONG)
    assert huilong and {i["township"] for i in huilong} == {HUILONG}
    blocks = _results(client, region="510923", severity="block", rule="ordinary-admin-floor")
    assert {PENGLAI, HUILONG} <= {i["object"]["id"] for i in blocks}
    assert {(i["severity"], i["rule"]) for i in blocks} == {("block", "ordinary-admin-floor")}
    assert _results(client, rule="no-such-rule") == []


def test_scoped_like_the_findings_page(
    findings: None, tongwei_officer: Any, penglai_user: Any, daying_officer: Any
) -> None:
    tongwei = _results(_client(tongwei_officer))
    assert tongwei and {i["county"] for i in tongwei} == {"621121"}
    assert _results(_client(tongwei_officer), region="510923") == []
    assert {i["township"] for i in _results(_client(penglai_user))} == {PENGLAI}
    assert "621121" not in {i["county"] for i in _results(_client(daying_officer))}
    assert APIClient().get("/api/v1/findings/").status_code in (401, 403)
