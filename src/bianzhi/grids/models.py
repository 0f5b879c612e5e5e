"""Grids and service matters of a township (002 §2, §6, §7; 003 §一(三)一是;
004《优化机构编制资源配置工作方案》§二(五)).

* ``Village``: a village or community (村/社区) of a township; the basic
  units grids are drawn on. The official region tree stops at townships.
* ``ServicePoint``: the village's service point (村级便民服务点), one per village.
* ``Grid``: one integrated grid (综合网格, 多网合一) of a village, with the
  "1+1+N" link: an enforcement officer, the village contact, its workers.
* ``GridWorker``: a grid worker with post and duties (定人、定岗、定责).
* ``GridTask``: one line of a county department's grid tasks and matters list
  (网格监管任务和事项清单).
* ``ServiceMatter``: one government-service matter of the township's
  catalogue with its 办事指南, whether the one-stop hall handles it and
  whether villages do.
"""

from __future__ import annotations

from django.db import models


class VillageKind(models.TextChoices):
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"


class Village(models.Model):
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类别", max_length=10, choices=VillageKind.choices, default=VillageKind.VILLAGE)

    class Meta:
        verbose_name = "村（社区）"
        verbose_name_plural = "村（社区）"
        ordering = ["township__code", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_name_unique")]

    def __str__(self) -> str:
        return self.name


class ServicePoint(models.Model):
    village = models.OneToOneField(Village, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="service_point")
    name = models.CharField("服务点名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    online = models.BooleanField("网上服务站点", default=False)

    class Meta:
        verbose_name = "村级便民服务点"
        verbose_name_plural = "村级便民服务点"

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    village = models.ForeignKey(Village, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="grids")
    name = models.CharField("网格名称", max_length=50)
    households = models.PositiveIntegerField("户数", default=0)
    # "1+1+N" (004 §二(五)): 1 enforcement officer, 1 village contact, N workers.
    enforcement_officer = models.CharField("联系执法人员", max_length=50, blank=True)
    village_contact = models.CharField("村（社区）联系人", max_length=50, blank=True)

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["village__township__code", "village__name", "name"]
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="grid_name_unique")]

    def __str__(self) -> str:
        return self.name


class GridWorker(models.Model):
    grid = models.ForeignKey(Grid, verbose_name="网格", on_delete=models.PROTECT, related_name="workers")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("电话", max_length=30, blank=True)
    post = models.CharField("岗位", max_length=50)
    duties = models.CharField("职责", max_length=255)

    class Meta:
        verbose_name = "网格员"
        verbose_name_plural = "网格员"
        ordering = ["grid_id", "id"]

    def __str__(self) -> str:
        return self.name


class GridTaskKind(models.TextChoices):
    SUPERVISION = "supervision", "监管任务"
    MATTER = "matter", "服务事项"


class GridTask(models.Model):
    county = models.ForeignKey("regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+")
    department = models.CharField("责任部门", max_length=100)
    kind = models.CharField("类别", max_length=12, choices=GridTaskKind.choices)
    name = models.CharField("任务或事项", max_length=200)
    description = models.CharField("网格内工作要求", max_length=500, blank=True)

    class Meta:
        verbose_name = "网格监管任务和事项"
        verbose_name_plural = "网格监管任务和事项"
        ordering = ["county__code", "department", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "department", "name"], name="grid_task_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceMatter(models.Model):
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("事项名称", max_length=200)
    category = models.CharField("事项类别", max_length=50, blank=True)
    department = models.CharField("主管部门", max_length=100, blank=True)
    # 办事指南 (002 §2)
    conditions = models.TextField("办理条件", blank=True)
    materials = models.TextField("申请材料", blank=True)
    time_limit_days = models.PositiveSmallIntegerField("承诺时限（工作日）", null=True, blank=True)
    location = models.CharField("办理地点", max_length=200)
    in_hall = models.BooleanField("进驻便民服务大厅", default=True)
    at_village = models.BooleanField("下沉村（社区）办理", default=False)

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        ordering = ["township__code", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="service_matter_unique")]

    def __str__(self) -> str:
        return self.name
