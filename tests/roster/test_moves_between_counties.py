"""A person who left (出编) one county and is entered in another: the new
county gets a new record, the old county keeps its record and history, and
nothing the new county sees (pages, messages, audit trail) names the old one.

The scenario is the one reported: a person exited in 通渭县 (平襄镇) is entered
by a 大英县 officer with only the identity number — through the service, the
入编 page and the roster import.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.staffing import HUILONG, PENGLAI, TONGWEI_TOWNSHIP, approve, enter, id_number

from bianzhi.accounts.scope import scope_for
from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.audit.models import AuditRecord
from bianzhi.regions.models import Region
from bianzhi.roster import selectors
from bianzhi.roster.importing import HEADERS
from bianzhi.roster.models import Person
from bianzhi.roster.services import RosterError, person_enter, person_exit

pytestmark = pytest.mark.django_db

OLD_NAME = "林桂辉"  # the name 通渭县 has on file
NEW_NAME = "林贵辉"  # the name 大英县 types (differs, so a leak of the old one shows)


@pytest.fixture
def exited_in_tongwei(penglai: Any, tongwei_officer: Any) -> Person:
    """A person of 平襄镇 (通渭县) who left on 2024-01-01."""
    approve(TONGWEI_TOWNSHIP, admin=5)
    person = enter(5, code=TONGWEI_TOWNSHIP, name=OLD_NAME)
    person_exit(actor=tongwei_officer, person=person, exited_on=date(2024, 1, 1), reason="辞职")
    return Person.objects.get(pk=person.pk)


def _assert_old_record_untouched(old: Person, tongwei_officer: Any) -> None:
    now = Person.objects.select_related("region").get(pk=old.pk)
    assert (now.region.code, now.name, now.exited_on, now.exit_reason) == (
        TONGWEI_TOWNSHIP, OLD_NAME, date(2024, 1, 1), "辞职"
    )
    # 通渭县 still finds it where it was.
    assert selectors.person_get(scope=scope_for(tongwei_officer), pk=old.pk).pk == old.pk


def _assert_new_record_in_penglai(old: Person) -> Person:
    new = Person.objects.select_related("region").get(id_number=old.id_number, exited_on__isnull=True)
    assert new.pk != old.pk
    assert new.region.code == PENGLAI and new.name == NEW_NAME
    assert new.previous_id == old.pk
    return new


def _assert_daying_audit_shows_nothing_of_tongwei(old: Person) -> None:
    records = list(AuditRecord.objects.filter(region_code__startswith="510923"))
    assert records, "the entry in 大英县 was audited"
    old_township = Region.objects.get(code=TONGWEI_TOWNSHIP)
    for record in records:
        assert record.object_id != str(old.pk)
        text = json.dumps([record.object_label, record.before, record.after, record.reason], ensure_ascii=False)
        # (The identity number's own 621121 prefix is the person's, typed by
        # 大英县; the township code is 通渭县's.)
        for secret in (OLD_NAME, old_township.name, "通渭", TONGWEI_TOWNSHIP, "辞职"):
            assert secret not in text, (secret, text)
        for data in (record.before or {}, record.after or {}):
            assert data.get("乡镇") != old_township.pk
            assert str(old.pk) not in {str(v) for v in data.values()}


def test_entering_someone_who_left_another_county_creates_a_new_record_and_leaves_the_old_one(
    exited_in_tongwei: Person, penglai: Any, daying_officer: Any, tongwei_officer: Any
) -> None:
    old = exited_in_tongwei
    result = person_enter(actor=daying_officer, id_number=old.id_number, name=NEW_NAME, township=penglai,
                          quota_type="行政编制", entry_date=date(2024, 9, 1), document_number="大组通〔2024〕5号")

    assert result.person.pk != old.pk
    _assert_old_record_untouched(old, tongwei_officer)
    _assert_new_record_in_penglai(old)
    _assert_daying_audit_shows_nothing_of_tongwei(old)
    # 通渭县's own trail of its record is still complete and its own.
    trail = AuditRecord.objects.filter(object_type="roster.person", object_id=str(old.pk))
    assert set(trail.values_list("region_code", flat=True)) == {TONGWEI_TOWNSHIP}


def test_a_system_entry_without_an_actor_does_not_take_over_another_countys_record_either(
    exited_in_tongwei: Person, penglai: Any, tongwei_officer: Any
) -> None:
    old = exited_in_tongwei
    person_enter(actor=None, id_number=old.id_number, name=NEW_NAME, township=penglai,
                 quota_type="行政编制", entry_date=date(2024, 9, 1), document_number="x")
    _assert_old_record_untouched(old, tongwei_officer)
    _assert_new_record_in_penglai(old)


def test_entering_someone_who_left_another_county_through_the_page(
    exited_in_tongwei: Person, login: Any, daying_officer: Any, tongwei_officer: Any
) -> None:
    old = exited_in_tongwei
    response = login(daying_officer).post("/roster/enter/", {
        "id_number": old.id_number, "name": NEW_NAME, "township": PENGLAI, "institution": "",
        "quota_type": "行政编制", "post_category": "general", "entry_date": "2024-09-01",
        "entry_way": "exam", "education": "", "document_number": "大组通〔2024〕5号",
    }, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{NEW_NAME}已入编" in body
    for secret in (OLD_NAME, "平襄镇", "通渭"):
        assert secret not in body
    _assert_old_record_untouched(old, tongwei_officer)
    new = _assert_new_record_in_penglai(old)
    assert response.redirect_chain[-1][0] == f"/roster/{new.pk}/"
    _assert_daying_audit_shows_nothing_of_tongwei(old)
    # 大英县 cannot open the old record.
    assert login(daying_officer).get(f"/roster/{old.pk}/").status_code == 404


def test_entering_someone_who_left_another_county_through_the_import(
    exited_in_tongwei: Person, login: Any, daying_officer: Any, tongwei_officer: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    old = exited_in_tongwei
    values: dict[str, Any] = {h: None for h in HEADERS}
    values.update({"身份证号": old.id_number, "姓名": NEW_NAME, "乡镇代码": PENGLAI,
                   "编制类型": "行政编制", "入编日期": date(2024, 9, 1)})
    upload = SimpleUploadedFile("名册.xlsx", write_workbook("实名制名册", HEADERS, [[values[h] for h in HEADERS]]))
    client = login(daying_officer)
    preview = client.post("/roster/import/", {"file": upload}).content.decode()
    assert "新增1人，变更0人，未变0人" in preview
    for secret in (OLD_NAME, "平襄镇", "通渭"):
        assert secret not in preview
    done = client.post("/roster/import/", {"commit": "1"}, follow=True).content.decode()
    assert "导入完成：新增1人，变更0人" in done

    _assert_old_record_untouched(old, tongwei_officer)
    _assert_new_record_in_penglai(old)
    _assert_daying_audit_shows_nothing_of_tongwei(old)


def test_the_old_countys_page_says_the_person_was_entered_elsewhere_without_saying_where(
    exited_in_tongwei: Person, penglai: Any, daying_officer: Any, tongwei_officer: Any, login: Any
) -> None:
    old = exited_in_tongwei
    person_enter(actor=daying_officer, id_number=old.id_number, name=NEW_NAME, township=penglai,
                 quota_type="行政编制", entry_date=date(2024, 9, 1), document_number="x")
    body = login(tongwei_officer).get(f"/roster/{old.pk}/").content.decode()
    assert OLD_NAME in body and "已在其他地区重新入编" in body
    for secret in (NEW_NAME, "蓬莱镇", "大英", PENGLAI):
        assert secret not in body


def test_re_entering_someone_who_left_the_same_county_reuses_the_record(penglai: Any, daying_officer: Any) -> None:
    approve(HUILONG, admin=5)
    person = enter(1)
    person_exit(actor=daying_officer, person=person, exited_on=date(2024, 1, 1), reason="辞职")
    huilong = Region.objects.get(code=HUILONG)
    result = person_enter(actor=daying_officer, id_number=person.id_number, name="人员1", township=huilong,
                          quota_type="行政编制", entry_date=date(2024, 9, 1), document_number="x")
    assert result.person.pk == person.pk
    assert Person.objects.filter(id_number=person.id_number).count() == 1
    assert result.person.region == huilong and result.person.exited_on is None


def test_a_person_on_post_stays_unique_across_records(exited_in_tongwei: Person, penglai: Any) -> None:
    """Historic exited rows may share the number; persons in post may not."""
    old = exited_in_tongwei
    person_enter(actor=None, id_number=old.id_number, name=NEW_NAME, township=penglai,
                 quota_type="行政编制", entry_date=date(2024, 9, 1), document_number="x")
    with pytest.raises(RosterError, match="同一人不能占用两个编制"):
        person_enter(actor=None, id_number=old.id_number, name=NEW_NAME, township=penglai,
                     quota_type="事业编制", entry_date=date(2024, 9, 1), document_number="x")
    # The database says so too, whatever path writes.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(id_number=old.id_number, name="重复", gender="男", birth_date=date(1990, 1, 1),
                              region=penglai, quota_type="行政编制")


def test_counts_do_not_double_a_person_who_moved(exited_in_tongwei: Person, penglai: Any, superuser: Any) -> None:
    old = exited_in_tongwei
    person_enter(actor=None, id_number=old.id_number, name=NEW_NAME, township=penglai,
                 quota_type="行政编制", entry_date=date(2024, 9, 1), document_number="x")
    counts = selectors.roster_counts(scope=scope_for(superuser))
    assert counts["persons"] == 1
    listed = selectors.person_list(scope=scope_for(superuser), filters=selectors.RosterFilter())
    assert [p.name for p in listed] == [NEW_NAME]


def test_an_identity_number_registered_on_post_elsewhere_is_refused_without_saying_where(
    penglai: Any, login: Any, daying_officer: Any
) -> None:
    approve(TONGWEI_TOWNSHIP, admin=5)
    other = enter(5, code=TONGWEI_TOWNSHIP, name=OLD_NAME)
    response = login(daying_officer).post("/roster/enter/", {
        "id_number": other.id_number, "name": NEW_NAME, "township": PENGLAI, "institution": "",
        "quota_type": "行政编制", "post_category": "general", "entry_date": "2024-09-01",
        "entry_way": "exam", "education": "", "document_number": "x",
    })
    body = response.content.decode()
    assert "该身份证号已在其他地区在册" in body
    for secret in (OLD_NAME, "平襄镇", "通渭"):
        assert secret not in body
    assert Person.objects.get(pk=other.pk).name == OLD_NAME
    assert Person.objects.filter(id_number=other.id_number).count() == 1


def test_the_entry_page_and_the_import_refuse_a_number_on_post_elsewhere_with_the_same_words(
    penglai: Any, login: Any, daying_officer: Any, settings: Any, tmp_path: Any
) -> None:
    from bianzhi.roster.services import REGISTERED_ELSEWHERE

    settings.MEDIA_ROOT = str(tmp_path)
    approve(TONGWEI_TOWNSHIP, admin=5)
    other = enter(5, code=TONGWEI_TOWNSHIP, name=OLD_NAME)
    client = login(daying_officer)
    page = client.post("/roster/enter/", {
        "id_number": other.id_number, "name": NEW_NAME, "township": PENGLAI, "institution": "",
        "quota_type": "行政编制", "post_category": "general", "entry_date": "2024-09-01",
        "entry_way": "exam", "education": "", "document_number": "x",
    }).content.decode()
    values: dict[str, Any] = {h: None for h in HEADERS}
    values.update({"身份证号": other.id_number, "姓名": NEW_NAME, "乡镇代码": PENGLAI, "编制类型": "行政编制"})
    upload = SimpleUploadedFile("名册.xlsx", write_workbook("实名制名册", HEADERS, [[values[h] for h in HEADERS]]))
    imported = client.post("/roster/import/", {"file": upload}).content.decode()
    assert REGISTERED_ELSEWHERE in page and REGISTERED_ELSEWHERE in imported


def test_a_number_on_post_in_the_users_own_county_is_refused_with_the_details(
    penglai: Any, login: Any, daying_officer: Any
) -> None:
    person = enter(1, name="王在册")
    body = login(daying_officer).post("/roster/enter/", {
        "id_number": person.id_number, "name": "别人", "township": PENGLAI, "institution": "",
        "quota_type": "行政编制", "post_category": "general", "entry_date": "2024-09-01",
        "entry_way": "exam", "education": "", "document_number": "x",
    }).content.decode()
    assert "已在蓬莱镇在册（王在册）" in body



def test_the_command_line_import_does_not_take_over_another_countys_record_either(
    exited_in_tongwei: Person, tongwei_officer: Any, tmp_path: Any
) -> None:
    from click.testing import CliRunner

    from bianzhi.cli.main import main

    old = exited_in_tongwei
    values: dict[str, Any] = {h: None for h in HEADERS}
    values.update({"身份证号": old.id_number, "姓名": NEW_NAME, "乡镇代码": PENGLAI,
                   "编制类型": "行政编制", "入编日期": date(2024, 9, 1)})
    path = tmp_path / "名册.xlsx"
    path.write_bytes(write_workbook("实名制名册", HEADERS, [[values[h] for h in HEADERS]]))
    result = CliRunner().invoke(main, ["import", "roster", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增1人，变更0人" in result.output
    _assert_old_record_untouched(old, tongwei_officer)
    _assert_new_record_in_penglai(old)
    _assert_daying_audit_shows_nothing_of_tongwei(old)


def test_an_import_is_refused_whole_when_someone_entered_a_person_of_the_file_meanwhile(
    penglai: Any, daying_officer: Any
) -> None:
    import io

    from bianzhi.roster.importing import ImportRefused, roster_import_commit, roster_import_parse

    number = id_number(2)
    values: dict[str, Any] = {h: None for h in HEADERS}
    values.update({"身份证号": number, "姓名": "新人", "乡镇代码": PENGLAI, "编制类型": "行政编制"})
    source = io.BytesIO(write_workbook("实名制名册", HEADERS, [[values[h] for h in HEADERS]]))
    plan = roster_import_parse(source=source, filename="名册.xlsx", region=penglai)
    assert plan.ok and len(plan.new) == 1
    # Between the preview and the confirmation, the same person is entered by hand.
    person_enter(actor=daying_officer, id_number=number, name="新人", township=penglai,
                 quota_type="行政编制", entry_date=date(2024, 9, 1), document_number="x")
    with pytest.raises(ImportRefused) as refused:
        roster_import_commit(actor=daying_officer, plan=plan)
    assert "校验后名册已有变动" in str(refused.value.errors[0])
    assert Person.objects.filter(id_number=number).count() == 1
