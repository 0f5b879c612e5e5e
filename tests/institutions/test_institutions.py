from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.staffing import enter

from bianzhi.institutions.models import Institution, InstitutionLedgerEntry
from bianzhi.institutions.selectors import (
    institution_list,
    ledger_balances,
    ledger_comparison,
    names_as_of,
)
from bianzhi.institutions.services import (
    InstitutionError,
    institution_abolish,
    institution_rename,
    institutions_create_unified,
    ledger_change,
    nameplate_add,
)
from bianzhi.rules.facts import county_facts

pytestmark = pytest.mark.django_db


def test_the_eight_unified_offices_are_offered_once(penglai: Any) -> None:
    # 001's six unified offices exceed 002's default office limits (at most 5):
    # a county following 001 lowers institution-limits to a warning.
    from bianzhi.rules.models import RuleSetting

    RuleSetting.objects.create(region=penglai.parent, rule="institution-limits", severity="warning")
    created = institutions_create_unified(actor=None, township=penglai, established_on=date(2021, 1, 1),
                                          document_number="大委编发〔2021〕1号")
    assert len(created) == 8
    assert {i.kind for i in created} == {"office", "public-institution"}
    again = institutions_create_unified(actor=None, township=penglai, established_on=date(2021, 1, 1),
                                        document_number="x")
    assert again == []


def test_nameplates_are_never_institutions(office: Any) -> None:
    nameplate_add(actor=None, institution=office, name="党群服务中心", added_on=date(2021, 1, 1))
    assert Institution.objects.count() == 1
    snapshot = county_facts(office.region)
    assert [i.name for i in snapshot.institutions] == ["综合办公室"]


def test_a_past_date_shows_the_old_name_and_the_old_balances(office: Any, scope_of: Any) -> None:
    ledger_change(actor=None, institution=office, item="行政编制", delta=2, effective_on=date(2022, 1, 1),
                  document_number="大委编发〔2022〕2号", reason="增加")
    institution_rename(actor=None, institution=office, new_name="党政综合办公室", effective_on=date(2023, 1, 1),
                       document_number="大委编发〔2023〕1号")
    assert names_as_of(institutions=[office], as_of=date(2022, 6, 1)) == {office.pk: "综合办公室"}
    assert names_as_of(institutions=[office], as_of=date(2023, 6, 1)) == {office.pk: "党政综合办公室"}
    assert ledger_balances(institution_ids=[office.pk], as_of=date(2021, 6, 1))[office.pk]["行政编制"] == 3
    assert ledger_balances(institution_ids=[office.pk])[office.pk]["行政编制"] == 5
    scope = scope_of(office)
    assert list(institution_list(scope=scope, as_of=date(2019, 1, 1))) == []


def test_abolition_closes_the_ledger_and_needs_an_empty_institution(office: Any) -> None:
    person = enter(1, institution=office)
    with pytest.raises(InstitutionError, match="还有1名在册人员"):
        institution_abolish(actor=None, institution=office, effective_on=date(2024, 1, 1), document_number="x")
    from bianzhi.roster.services import person_update

    person_update(actor=None, person=person, changes={"institution": None})
    institution_abolish(actor=None, institution=office, effective_on=date(2024, 1, 1), document_number="x")
    assert ledger_balances(institution_ids=[office.pk])[office.pk]["行政编制"] == 0
    assert ledger_balances(institution_ids=[office.pk], as_of=date(2023, 12, 31))[office.pk]["行政编制"] == 3


def test_the_ledger_never_goes_below_zero_and_needs_a_document_number(office: Any) -> None:
    with pytest.raises(InstitutionError, match="少于0"):
        ledger_change(actor=None, institution=office, item="行政编制", delta=-4, effective_on=date(2024, 1, 1),
                      document_number="x", reason="减少")
    with pytest.raises(InstitutionError, match="文号"):
        ledger_change(actor=None, institution=office, item="行政编制", delta=1, effective_on=date(2024, 1, 1),
                      document_number=" ", reason="增加")
    assert InstitutionLedgerEntry.objects.count() == 1


def test_ledger_totals_are_compared_with_the_approved_quota(office: Any, scope_of: Any) -> None:
    rows = {r.region.code: r for r in ledger_comparison(scope=scope_of(office), county=_county(office))}
    row = rows[office.region.code]
    assert row.ledger["行政编制"] == 3 and row.approved["行政编制"] == 10
    assert row.difference("行政编制") == -7 and row.differs


def _county(institution: Institution) -> Any:
    from bianzhi.regions.models import Region

    return Region.objects.get(code=institution.region.county_code)


def test_the_township_page_shows_a_past_date(login: Any, daying_officer: Any, office: Any) -> None:
    institution_rename(actor=None, institution=office, new_name="党政综合办公室", effective_on=date(2023, 1, 1),
                       document_number="x")
    client = login(daying_officer)
    now = client.get(f"/institutions/township/{office.region.code}/").content.decode()
    before = client.get(f"/institutions/township/{office.region.code}/?as_of=2022-01-01").content.decode()
    assert "党政综合办公室" in now and "党政综合办公室" not in before and "综合办公室" in before
    county = client.get(f"/institutions/county/{office.region.county_code}/").content.decode()
    assert "蓬莱镇" in county


def test_writes_through_the_pages_need_the_officer(login: Any, penglai_user: Any, daying_officer: Any, office: Any) -> None:
    data = {"item": "行政编制", "delta": "1", "effective_on": "2024-01-01", "document_number": "x", "reason": "增加"}
    assert login(penglai_user).post(f"/institutions/{office.pk}/ledger/", data).status_code == 403
    login(daying_officer).post(f"/institutions/{office.pk}/ledger/", data)
    assert ledger_balances(institution_ids=[office.pk])[office.pk]["行政编制"] == 4


def test_the_county_summary_agrees_with_each_township_page_today_and_on_a_past_date(
    login: Any, daying_officer: Any, office: Any
) -> None:
    """The county row of a township (institutions by kind, ledger sums, 核定)
    is what the township's own page shows, for today and for a date before
    later changes: 核定 then is the ledger's value then, not today's."""
    from bianzhi.institutions.services import institution_create
    from bianzhi.townships.services import approved_quota_set

    township = office.region
    doc = "大委编发〔2021〕9号"
    second = institution_create(actor=None, township=township, name="党建工作办公室", kind="office",
                                established_on=date(2021, 1, 1), document_number=doc, quotas={"行政编制": 2})
    institution_create(actor=None, township=township, name="便民服务中心", kind="public-institution",
                       established_on=date(2021, 1, 1), document_number=doc, quotas={"事业编制": 4})
    # After 2024-12-31: a new institution, an abolition, more quota on the ledger, a new 核定.
    later = date(2025, 6, 1)
    institution_create(actor=None, township=township, name="农民工服务中心", kind="public-institution",
                       established_on=later, document_number="x", quotas={"事业编制": 3})
    institution_abolish(actor=None, institution=second, effective_on=later, document_number="x")
    ledger_change(actor=None, institution=office, item="行政编制", delta=2, effective_on=later,
                  document_number="x", reason="增加")
    approved_quota_set(township=township, quota_type="行政编制", count=12, document_number="x", date=later)

    client = login(daying_officer)
    expected = {  # as_of -> (offices, public institutions, admin ledger, admin 核定, institution ledger)
        "": (1, 2, 5, 12, 7),
        "2024-12-31": (2, 1, 5, 10, 4),
    }
    for as_of, (offices, publics, admin, admin_approved, inst) in expected.items():
        county = client.get(f"/institutions/county/{township.county_code}/?as_of={as_of}").context
        row = next(t for t in county["table"] if t["row"].region == township)
        kinds = dict(zip(county["kinds"], row["counts"], strict=True))
        page = client.get(f"/institutions/township/{township.code}/?as_of={as_of}").context
        page_kinds: dict[str, int] = {}
        for r in page["rows"]:
            label = r["institution"].get_kind_display()
            page_kinds[label] = page_kinds.get(label, 0) + 1
        assert kinds["党政综合办事机构"] == page_kinds.get("党政综合办事机构", 0) == offices
        assert kinds["直属事业单位"] == page_kinds.get("直属事业单位", 0) == publics
        (_, admin_ledger, approved, _), (_, inst_ledger, _, _) = row["quotas"]
        assert admin_ledger == page["totals"][0] == admin
        assert inst_ledger == page["totals"][1] == inst
        assert approved == page["approved"][0] == admin_approved
