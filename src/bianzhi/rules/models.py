"""A region's rule settings and the findings last evaluated for a county.

The rules themselves (ids, defaults, sources) are data in
bianzhi.core.rules.RULES; this app stores only what a region overrides and
what the engine found. Findings are derived data: they are replaced wholesale
on every refresh and are not audited (the writes that caused them are).
"""

from __future__ import annotations

from django.db import models

from bianzhi.core.rules import RULES, ObjectKind, Severity

RULE_CHOICES = [(r.id, r.title) for r in RULES]
SEVERITY_CHOICES = [(s.value, s.label) for s in Severity]
OBJECT_KIND_CHOICES = [(k.value, k.label) for k in ObjectKind]


class RuleSetting(models.Model):
    """One region's override of one rule; empty fields keep the level above's
    value (province, then city, then county: see bianzhi.core.rules.layer_settings)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="rule_settings"
    )
    rule = models.CharField("规则", max_length=40, choices=RULE_CHOICES)
    enabled = models.BooleanField("启用", null=True, blank=True)
    severity = models.CharField("级别", max_length=10, choices=SEVERITY_CHOICES, blank=True)
    parameters = models.JSONField("参数", default=dict, blank=True)
    # None: keep the scope; a list of township classes ([] = every township).
    scope = models.JSONField("适用乡镇类别", null=True, blank=True)

    class Meta:
        verbose_name = "规则设置"
        verbose_name_plural = "规则设置"
        constraints = [
            models.UniqueConstraint(fields=["region", "rule"], name="rule_setting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.get_rule_display()}"


class StoredFinding(models.Model):
    """One finding of the last evaluation of a county (see findings_refresh)."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.CASCADE, related_name="+"
    )
    # The township concerned (for township, institution and person findings);
    # lets the township user see their own findings and dashboards group them.
    township = models.ForeignKey(
        "regions.Region",
        verbose_name="乡镇",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    rule = models.CharField("规则", max_length=40, choices=RULE_CHOICES)
    severity = models.CharField("级别", max_length=10, choices=SEVERITY_CHOICES)
    object_kind = models.CharField("对象类型", max_length=20, choices=OBJECT_KIND_CHOICES)
    object_id = models.CharField("对象编号", max_length=64)
    object_label = models.CharField("对象", max_length=255)
    message = models.CharField("问题", max_length=500)
    source = models.CharField("政策依据", max_length=255)
    evaluated_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = "规则检查结果"
        verbose_name_plural = "规则检查结果"
        ordering = ["id"]
        indexes = [models.Index(fields=["county", "rule"], name="finding_county_rule_idx")]

    def __str__(self) -> str:
        return f"{self.object_label}：{self.message}"
