"""The public-asset registers of towns and villages (004《盘活用好镇村公有资产工作方案》).

* ``Asset``: one asset of a township (镇本级) or of one of its villages
  (``village``), with its class, owner, origin, area, book value, title and
  不动产登记 status and use status; ``AssetFile`` its photos and the
  evidence of its close-out (checked attachments).
* ``AssetTransfer``: "资产随职能和人员走" — dated, with its 文号.
* ``RevitalisationPlan``: the plan for an idle asset (a 四个一批 / 五个一批
  category, responsible unit, deadline), its progress (``PlanReport``) and
  its close-out (盘活一宗销号一宗), the work-plan pattern of ``core.tasks``.
* ``InventoryRound`` / ``InventoryReturn``: a 清查 round with its deadline
  (3月20日前) and each township's return.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.core.assets import (
    CATEGORIES,
    CLASSES,
    ORIGINS,
    OWNERS,
    RECEIVER_KINDS,
    REGISTRATION,
    USE_STATUSES,
)
from bianzhi.core.tasks import STATUS_LABELS, TaskStatus


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Asset(models.Model):
    township = models.ForeignKey("regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    village = models.CharField("村（社区）", max_length=50, blank=True, help_text="空为镇本级")
    owner = models.CharField("权属", max_length=10, choices=_choices(OWNERS))
    asset_class = models.CharField("资产类别", max_length=20, choices=_choices(CLASSES))
    name = models.CharField("资产名称", max_length=200)
    origin = models.CharField("来源", max_length=20, choices=_choices(ORIGINS))
    location = models.CharField("坐落位置", max_length=200, blank=True)
    area = models.DecimalField("面积（平方米）", max_digits=12, decimal_places=2, null=True, blank=True)
    book_value = models.DecimalField("账面价值（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    title_document = models.CharField("权属证明", max_length=100, blank=True)
    registration = models.CharField("不动产登记", max_length=10, choices=_choices(REGISTRATION))
    use_status = models.CharField("使用状态", max_length=10, choices=_choices(USE_STATUSES), db_index=True)
    note = models.CharField("备注", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公有资产"
        verbose_name_plural = "公有资产"
        ordering = ["township__code", "village", "asset_class", "id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "village", "name"], name="asset_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.village or self.township.name}·{self.name}"


def _file_path(instance: AssetFile, filename: str) -> str:
    return f"assets/{instance.asset_id}/{filename}"


class AssetFile(models.Model):
    """A photo of the asset or a piece of close-out evidence; checked by
    content, stored under a generated name."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="files")
    report = models.ForeignKey("PlanReport", null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    is_evidence = models.BooleanField("佐证材料", default=False)
    file = models.FileField(upload_to=_file_path, max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "资产附件"
        verbose_name_plural = "资产附件"

    def __str__(self) -> str:
        return self.original_name


class AssetTransfer(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="transfers")
    from_party = models.CharField("划出方", max_length=100)
    receiver_kind = models.CharField("接收方类型", max_length=10, choices=_choices(RECEIVER_KINDS))
    to_party = models.CharField("接收方", max_length=100)
    document_number = models.CharField("文号", max_length=100)
    transferred_on = models.DateField("移交日期")
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "资产移交"
        verbose_name_plural = "资产移交"
        ordering = ["-transferred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.asset.name}：{self.from_party} → {self.to_party}"


class RevitalisationPlan(models.Model):
    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, related_name="plan")
    category = models.CharField("盘活方式", max_length=20, choices=_choices(CATEGORIES))
    measures = models.TextField("盘活措施")
    responsible_unit = models.CharField("责任单位", max_length=100)
    deadline = models.DateField("盘活时限")
    status = models.CharField(
        "状态", max_length=20, choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
        default=TaskStatus.NOT_STARTED.value, db_index=True,
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = "盘活方案"
        verbose_name_plural = "盘活方案"

    def __str__(self) -> str:
        return f"{self.asset.name}（{self.category}）"

    @property
    def task_status(self) -> TaskStatus:
        return TaskStatus(self.status)


class PlanReport(models.Model):
    class Kind(models.TextChoices):
        PROGRESS = "progress", "进展报送"
        CLOSEOUT_REQUEST = "closeout_request", "申请销号"
        CLOSEOUT_REJECTED = "closeout_rejected", "销号退回"
        CLOSEOUT_APPROVED = "closeout_approved", "准予销号"

    plan = models.ForeignKey(RevitalisationPlan, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    text = models.TextField("内容")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "盘活进展"
        verbose_name_plural = "盘活进展"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:20]}"


class InventoryRound(models.Model):
    county = models.ForeignKey("regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    deadline = models.DateField("报送时限")

    class Meta:
        verbose_name = "资产清查"
        verbose_name_plural = "资产清查"
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="inventory_round_unique")]

    def __str__(self) -> str:
        return self.title


class InventoryReturn(models.Model):
    round = models.ForeignKey(InventoryRound, on_delete=models.CASCADE, related_name="returns")
    township = models.ForeignKey("regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间")
    assets = models.PositiveIntegerField("资产数")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "清查报送"
        verbose_name_plural = "清查报送"
        constraints = [models.UniqueConstraint(fields=["round", "township"], name="inventory_return_unique")]

    def __str__(self) -> str:
        return f"{self.round.title}·{self.township.name}"


class InventoryLine(models.Model):
    """One line of a township's 清理统计表 as reported in a round (004 二(一):
    分区域、分类别, 权属、分布和使用状况): the register's figures for one
    owner, region (镇本级 or a village) and class at the time of reporting,
    kept so the round's table does not change when the register does."""

    ret = models.ForeignKey(InventoryReturn, verbose_name="清查报送", on_delete=models.CASCADE, related_name="lines")
    owner = models.CharField("权属", max_length=10)
    region = models.CharField("区域", max_length=50)
    asset_class = models.CharField("资产类别", max_length=20)
    count = models.PositiveIntegerField("数量（宗）")
    area = models.DecimalField("面积（平方米）", max_digits=16, decimal_places=2)
    book_value = models.DecimalField("账面价值（万元）", max_digits=16, decimal_places=2)
    in_use = models.PositiveIntegerField("在用")
    idle = models.PositiveIntegerField("闲置")
    revitalised = models.PositiveIntegerField("已盘活")
    disposed = models.PositiveIntegerField("已处置")
    registered = models.PositiveIntegerField("已办理不动产登记")

    class Meta:
        verbose_name = "清理统计表行"
        verbose_name_plural = "清理统计表行"
        ordering = ["ret_id", "owner", "region", "asset_class"]

    def __str__(self) -> str:
        return f"{self.region} {self.asset_class} {self.count}宗"
