"""The 审计管理员's page: filter, export (xlsx/csv, itself audited), verify
the chain and see the last verification; the login history of the region."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from bianzhi.audit.models import AuditRecord, AuditVerification
from bianzhi.audit.services import audit_record


def _some_records() -> None:
    audit_record(actor=None, action="create", object_type="x.y", object_id="1",
                 object_label="=HYPERLINK(\"x\")", region_code="510923100", reason="甲")
    audit_record(actor=None, action="update", object_type="x.y", object_id="2",
                 region_code="621121", reason="通渭的")


def test_the_export_is_filtered_scoped_formula_safe_and_audited(client: Any, auditor: Any) -> None:
    _some_records()
    client.force_login(auditor)
    response = client.get(reverse("audit:export_xlsx"), {"object_type": "x.y"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2  # 通渭县's record is not in 大英县's scope
    assert rows[1][6] == "=HYPERLINK(\"x\")" and sheet.cell(2, 7).data_type == "s"
    export = AuditRecord.objects.get(object_type="audit.export")
    assert export.actor == auditor and export.after["rows"] == 1
    assert export.after["criteria"] == {"object_type": "x.y"}
    csv = client.get(reverse("audit:export_csv"), {"action": "create"})
    text = csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "通渭的" not in text
    assert AuditRecord.objects.filter(object_type="audit.export").count() == 2


def test_the_page_runs_and_shows_the_verification(client: Any, auditor: Any) -> None:
    _some_records()
    client.force_login(auditor)
    assert "尚未进行完整性校验" in client.get(reverse("audit:list")).content.decode()
    response = client.post(reverse("audit:verify"), follow=True)
    text = response.content.decode()
    assert "变更记录完整" in text and "最近一次完整性校验" in text
    assert AuditVerification.objects.get().by == "auditor"


def test_only_the_auditor_exports_or_verifies(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    assert client.get(reverse("audit:list")).status_code == 200  # business roles still read
    assert client.get(reverse("audit:export_csv")).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403
    assert client.get(reverse("audit:logins")).status_code == 403


def test_the_auditor_sees_the_login_history_of_its_region_only(
    client: Any, auditor: Any, daying_officer: Any, tongwei_officer: Any
) -> None:
    from bianzhi.audit.services import login_event_record

    login_event_record(request=None, username="daying", user=daying_officer, reason="wrong_password")
    login_event_record(request=None, username="tongwei", user=tongwei_officer, reason="wrong_password")
    client.force_login(auditor)
    text = client.get(reverse("audit:logins")).content.decode()
    assert "daying" in text and "tongwei" not in text


def test_bad_filter_values_are_ignored_not_errors(client: Any, auditor: Any) -> None:
    client.force_login(auditor)
    assert client.get(reverse("audit:list"), {"since": "2026-13-40"}).status_code == 200
