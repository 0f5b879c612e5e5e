"""Powers and duties of townships.

* ``DelegationCatalogue`` / ``CatalogueItem``: the county's "1+4" delegation
  catalogue (赋权指导目录, 001 §(一)2), one catalogue per county, items keyed
  by code; an item dropped by a later import is withdrawn, never deleted.
* ``TakeUpRound``: one township's proposal of 承接/暂不承接 and the county's
  decision with a 文号; ``TakeUp`` the approved state per (township, item);
  ``TakeUpChange`` the history of every approved adjustment.
* ``StatutoryItem``: statutory powers every township of the county holds;
  retired (``active=False``), never deleted.
* ``TerritorialMatter`` / ``MatterChange``: the territorial-matters list
  (属地事项责任清单) and its only way of changing: request → review →
  approval (001 §(一)4).
* ``DutyAccessRequest`` / ``TownshipOpinion``: duty access (职责准入, 001 §(一)3,
  002 §13).

The powers-and-duties list of a township (权责清单) is not stored: it is read
from statutory items + approved take-ups + approved, unexpired duty-access
requests (``selectors.duty_list``), so it can never disagree with them.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from bianzhi.core.duties import (
    FORBIDDEN_DEMANDS,
    POWER_TYPES,
    AccessStatus,
    ListKind,
    TakeUpChoice,
    is_expired,
)

POWER_TYPE_CHOICES = [(p, p) for p in POWER_TYPES]
LIST_KIND_CHOICES = [(k.value, k.label) for k in ListKind]
TAKE_UP_CHOICES = [(c.value, c.label) for c in TakeUpChoice]
DEMAND_CHOICES = [(d.demand.value, d.label) for d in FORBIDDEN_DEMANDS.values()]
ACCESS_STATUS_CHOICES = [(s.value, s.label) for s in AccessStatus]


class DelegationCatalogue(models.Model):
    county = models.OneToOneField(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("目录名称", max_length=200)
    document_number = models.CharField("文号", max_length=100, blank=True)
    # ListKind value of each featured list -> township classes it serves.
    featured_classes = models.JSONField("特色清单适用乡镇类别", default=dict)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "赋权指导目录"
        verbose_name_plural = "赋权指导目录"

    def __str__(self) -> str:
        return self.title


class CatalogueItem(models.Model):
    catalogue = models.ForeignKey(
        DelegationCatalogue, verbose_name="目录", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("事项编码", max_length=50)
    name = models.CharField("事项名称", max_length=200)
    power_type = models.CharField("权力类型", max_length=10, choices=POWER_TYPE_CHOICES)
    legal_basis = models.TextField("设定依据", blank=True)
    delegating_department = models.CharField("下放部门", max_length=100)
    list_kind = models.CharField("所属清单", max_length=12, choices=LIST_KIND_CHOICES)
    # False once a later import no longer lists the item (撤销): townships
    # that took it up keep their history, the duty list drops it.
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "赋权事项"
        verbose_name_plural = "赋权事项"
        ordering = ["catalogue", "list_kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="catalogue_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RoundStatus(models.TextChoices):
    PENDING = "pending", "待县审定"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已退回"


class TakeUpRound(models.Model):
    """A township's proposed take-up (every featured item of its class) and the county's decision."""

    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    # item code -> TakeUpChoice value, featured items only (base items are mandatory).
    choices = models.JSONField("承接选择", default=dict)
    note = models.CharField("说明", max_length=255, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审定时间", null=True, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "承接申报"
        verbose_name_plural = "承接申报"
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.township.name} 承接申报（{self.get_status_display()}）"


class TakeUp(models.Model):
    """The approved take-up of one catalogue item by one township."""

    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        CatalogueItem, verbose_name="事项", on_delete=models.PROTECT, related_name="take_ups"
    )
    choice = models.CharField("承接情况", max_length=10, choices=TAKE_UP_CHOICES)
    document_number = models.CharField("文号", max_length=100)
    approved_on = models.DateField("批准日期")

    class Meta:
        verbose_name = "事项承接"
        verbose_name_plural = "事项承接"
        ordering = ["township__code", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "item"], name="take_up_unique")
        ]

    def __str__(self) -> str:
        return f"{self.township.name} {self.item} {self.get_choice_display()}"


class TakeUpChange(models.Model):
    """History: one approved change of one township's take-up of one item."""

    round = models.ForeignKey(TakeUpRound, on_delete=models.PROTECT, related_name="changes")
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(CatalogueItem, verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    before = models.CharField("调整前", max_length=10, choices=TAKE_UP_CHOICES, blank=True)
    after = models.CharField("调整后", max_length=10, choices=TAKE_UP_CHOICES)
    document_number = models.CharField("文号", max_length=100)
    changed_on = models.DateField("日期")

    class Meta:
        verbose_name = "承接调整记录"
        verbose_name_plural = "承接调整记录"
        ordering = ["-changed_on", "-id"]


class StatutoryItem(models.Model):
    """A statutory power (法定行政权力事项) every township of the county holds."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("事项编码", max_length=50)
    name = models.CharField("事项名称", max_length=200)
    power_type = models.CharField("权力类型", max_length=10, choices=POWER_TYPE_CHOICES)
    legal_basis = models.TextField("设定依据", blank=True)
    # False once retired (取消): the item has been on published lists, so it
    # is never deleted; the duty list drops it, the audit trail keeps why.
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "法定事项"
        verbose_name_plural = "法定事项"
        ordering = ["county", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="statutory_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Responsibility(models.TextChoices):
    LEAD = "lead", "主体责任"
    SUPPORTING = "supporting", "配合责任"


class TerritorialMatter(models.Model):
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("序号", max_length=50)
    domain = models.CharField("领域", max_length=50)
    name = models.CharField("事项名称", max_length=300)
    township_role = models.CharField("乡镇责任", max_length=10, choices=Responsibility.choices)
    department = models.CharField("县级部门", max_length=200)
    department_role = models.CharField(
        "县级部门责任", max_length=10, choices=Responsibility.choices
    )
    basis = models.TextField("依据", blank=True)
    document_number = models.CharField("批准文号", max_length=100)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "属地事项"
        verbose_name_plural = "属地事项"
        ordering = ["county", "domain", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="territorial_matter_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MatterChangeKind(models.TextChoices):
    ADD = "add", "新增"
    MODIFY = "modify", "修改"
    REMOVE = "remove", "取消"


class MatterChangeStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    REVIEWED = "reviewed", "已审核，待批准"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未通过"


class MatterChange(models.Model):
    """A written request to change the territorial-matters list (001 §(一)4)."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("调整类型", max_length=10, choices=MatterChangeKind.choices)
    matter = models.ForeignKey(
        TerritorialMatter,
        verbose_name="事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
    )
    # The matter's fields after the change (add, modify); empty for remove.
    proposed = models.JSONField("调整内容", default=dict, blank=True)
    reason = models.TextField("申请理由")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_name = models.CharField("申请单位", max_length=200)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=MatterChangeStatus.choices,
        default=MatterChangeStatus.SUBMITTED,
    )
    review_note = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("批准时间", null=True, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "属地事项调整申请"
        verbose_name_plural = "属地事项调整申请"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        name = self.proposed.get("name") or (self.matter.name if self.matter else "")
        return f"{self.get_kind_display()}属地事项：{name}"


class DutyAccessRequest(models.Model):
    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name="申请部门", on_delete=models.PROTECT, related_name="+"
    )
    matter = models.CharField("事项", max_length=300)
    reason = models.TextField("理由")
    legal_basis = models.TextField("法律法规依据", blank=True)
    is_temporary = models.BooleanField("临时性、阶段性事项", default=False)
    end_date = models.DateField("截止日期", null=True, blank=True)
    funding_amount = models.DecimalField(
        "随事转移经费（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_note = models.TextField("经费说明", blank=True)
    # Demand values (bianzhi.core.duties.Demand) the department asks of townships.
    demands = models.JSONField("对乡镇的要求", default=list, blank=True)
    townships = models.ManyToManyField(
        "regions.Region", verbose_name="承接乡镇", related_name="+", blank=True
    )
    status = models.CharField(
        "状态", max_length=12, choices=ACCESS_STATUS_CHOICES, default=AccessStatus.DRAFT.value
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    opinions_complete_on = models.DateField("意见齐备日期", null=True, blank=True)
    # The reasons of the last refused submission (kept so every party sees them).
    blocked_reasons = models.JSONField("最近一次被阻止的原因", default=list, blank=True)
    blocked_at = models.DateTimeField("最近一次被阻止时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("审定日期", null=True, blank=True)
    decision_note = models.TextField("审定意见", blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "职责准入申请"
        verbose_name_plural = "职责准入申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.matter

    def status_on(self, today: date) -> AccessStatus:
        """The status as of ``today``: an approved temporary duty past its end
        date is expired even before ``bianzhi duties expire`` records it."""
        status = AccessStatus(self.status)
        if status is AccessStatus.APPROVED and is_expired(
            is_temporary=self.is_temporary, end_date=self.end_date, today=today
        ):
            return AccessStatus.EXPIRED
        return status

    def demand_labels(self) -> list[str]:
        return [FORBIDDEN_DEMANDS[d].label for d in FORBIDDEN_DEMANDS if d.value in self.demands]


class TownshipOpinion(models.Model):
    """One affected township's written opinion on a duty-access request."""

    request = models.ForeignKey(
        DutyAccessRequest, on_delete=models.CASCADE, related_name="opinions"
    )
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    agrees = models.BooleanField("是否同意")
    text = models.TextField("意见")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField("反馈时间", auto_now_add=True)

    class Meta:
        verbose_name = "乡镇意见"
        verbose_name_plural = "乡镇意见"
        ordering = ["township__code"]
        constraints = [
            models.UniqueConstraint(fields=["request", "township"], name="opinion_once_per_township")
        ]

    def __str__(self) -> str:
        return f"{self.township.name}：{'同意' if self.agrees else '不同意'}"
