"""Reading the audit trail, always within the reader's scope."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from bianzhi.accounts.scope import Scope
from bianzhi.audit.models import AuditRecord
from bianzhi.audit.services import object_type_of


def audit_record_list(
    *,
    scope: Scope,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    action: str = "",
) -> QuerySet[AuditRecord]:
    """Records the user may read (region code under theirs), newest first, filtered."""
    qs = AuditRecord.objects.filter(scope.code_q("region_code")).select_related("actor")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    if action:
        qs = qs.filter(action=action)
    return qs


def audit_history(*, scope: Scope, obj: models.Model) -> QuerySet[AuditRecord]:
    """The 变更记录 of one object, for the ``audit/_history.html`` partial."""
    return audit_record_list(scope=scope, object_type=object_type_of(obj), object_id=str(obj.pk))
