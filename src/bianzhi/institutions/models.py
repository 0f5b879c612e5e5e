"""Institutions of a township and their quota ledger (编制台账).

An institution (机构) belongs to one township region. Its life is a list of
dated events with a document number (设立 / 更名 / 撤销); the current name and
the "as of" view are read from those events. Nameplates (挂牌) hang off an
institution and are never institutions themselves.

The ledger holds *changes*, never balances: every entry is a signed delta of
one item (a quota type or a kind of post) on one date with a 文号 and a
reason. The balance of an item on any date is the sum of the deltas up to
that date, so "as of 2021-06-30" is one GROUP BY and history cannot be
overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.core.rules import ADMIN_QUOTA, INSTITUTION_QUOTA, InstitutionKind

WORKER_QUOTA = "工勤编制"


class QuotaType(models.TextChoices):
    """Quota types. The values are the spellings bianzhi.core uses, so a value
    read from the database goes into a rules snapshot unchanged."""

    ADMIN = ADMIN_QUOTA, "行政编制"
    INSTITUTION = INSTITUTION_QUOTA, "事业编制"
    WORKER = WORKER_QUOTA, "工勤编制"


class Kind(models.TextChoices):
    OFFICE = InstitutionKind.OFFICE.value, "党政综合办事机构"
    PUBLIC_INSTITUTION = InstitutionKind.PUBLIC_INSTITUTION.value, "直属事业单位"
    DISPATCHED_AGENCY = InstitutionKind.DISPATCHED_AGENCY.value, "派驻机构"


class LedgerItem(models.TextChoices):
    """What a ledger entry counts: one of the quota types or a kind of post."""

    ADMIN = ADMIN_QUOTA, "行政编制"
    INSTITUTION = INSTITUTION_QUOTA, "事业编制"
    WORKER = WORKER_QUOTA, "工勤编制"
    LEADER_CHIEF = "leader-chief", "科级正职职数"
    LEADER_DEPUTY = "leader-deputy", "科级副职职数"
    MIDDLE = "middle", "中层职数"


QUOTA_ITEMS: tuple[str, ...] = (LedgerItem.ADMIN, LedgerItem.INSTITUTION, LedgerItem.WORKER)
LEADERSHIP_ITEMS: tuple[str, ...] = (LedgerItem.LEADER_CHIEF, LedgerItem.LEADER_DEPUTY)

# 001 §(二)1: offices and centres every township sets up the same way, set and
# changed by the county. Offered as the default set when a township is set up.
UNIFIED_OFFICES: tuple[tuple[str, str], ...] = (
    ("综合办公室", Kind.OFFICE),
    ("党建工作办公室", Kind.OFFICE),
    ("综合行政执法协调办公室", Kind.OFFICE),
    ("社会事务办公室", Kind.OFFICE),
    ("经济发展和乡村振兴办公室", Kind.OFFICE),
    ("财政工作办公室", Kind.OFFICE),
    ("便民服务中心", Kind.PUBLIC_INSTITUTION),
    ("农民工服务中心", Kind.PUBLIC_INSTITUTION),
)


class Institution(models.Model):
    region = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="institutions"
    )
    name = models.CharField("机构名称", max_length=100)
    kind = models.CharField("机构类别", max_length=20, choices=Kind.choices)
    established_on = models.DateField("设立日期")
    # Null while the institution exists; set by the 撤销 event.
    abolished_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["region__code", "kind", "id"]
        constraints = [
            # Two live institutions of one township never share a name; an
            # abolished one may be set up again under its old name.
            models.UniqueConstraint(
                fields=["region", "name"],
                condition=models.Q(abolished_on__isnull=True),
                name="institution_live_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    ESTABLISH = "establish", "设立"
    RENAME = "rename", "更名"
    ABOLISH = "abolish", "撤销"


class InstitutionEvent(models.Model):
    """A dated change of an institution, with the approving 文号."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=EventKind.choices)
    effective_on = models.DateField("日期")
    document_number = models.CharField("文号", max_length=100)
    # The name after the event (设立, 更名) or the last name (撤销).
    name = models.CharField("名称", max_length=100)
    reason = models.CharField("原因", max_length=255, blank=True)

    class Meta:
        verbose_name = "机构沿革"
        verbose_name_plural = "机构沿革"
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.effective_on} {self.get_kind_display()} {self.name}"


class Nameplate(models.Model):
    """挂牌: another name carried by an institution; never counted as one."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="nameplates"
    )
    name = models.CharField("挂牌名称", max_length=100)
    added_on = models.DateField("挂牌日期")
    document_number = models.CharField("文号", max_length=100, blank=True)
    removed_on = models.DateField("摘牌日期", null=True, blank=True)

    class Meta:
        verbose_name = "挂牌"
        verbose_name_plural = "挂牌"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class InstitutionLedgerEntry(models.Model):
    """One dated change of one ledger item of an institution (编制台账)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    # Denormalised from the institution: township totals are a GROUP BY over
    # this column without a join, and scoping goes through it.
    region = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    item = models.CharField("项目", max_length=20, choices=LedgerItem.choices)
    delta = models.IntegerField("增减")
    effective_on = models.DateField("生效日期")
    document_number = models.CharField("文号", max_length=100)
    reason = models.CharField("原因", max_length=255)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "编制台账"
        verbose_name_plural = "编制台账"
        # The table keeps its first name: the model was renamed (issue 11),
        # the data of earlier releases was not moved.
        db_table = "institutions_ledgerentry"
        ordering = ["effective_on", "id"]
        indexes = [models.Index(fields=["region", "item", "effective_on"], name="ledger_region_idx")]

    def __str__(self) -> str:
        sign = "+" if self.delta >= 0 else ""
        return f"{self.effective_on} {self.get_item_display()} {sign}{self.delta}"
