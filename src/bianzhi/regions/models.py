"""The official region tree: province > city > county > township.

Each row carries the codes of its ancestors (and its own code in the column
of its level), so "everything under region X, X included" is one indexed
equality filter: ``Region.objects.filter(**{X.level_field: X.code})``.
Models of other apps that hang off a region use ``region__county_code=...``
the same way (see ``bianzhi.accounts.scope.Scope``).
"""

from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡镇（街道）"


# The column holding "the code of my ancestor at this level" (own code for
# the row's own level). Townships are leaves, so their own code is enough.
LEVEL_FIELD: dict[str, str] = {
    Level.PROVINCE: "province_code",
    Level.CITY: "city_code",
    Level.COUNTY: "county_code",
    Level.TOWNSHIP: "code",
}
LEVEL_ORDER: list[str] = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
# Official statistical codes have a fixed length per level and every code
# starts with its parent's code.
CODE_LENGTH: dict[str, int] = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
}


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100, db_index=True)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.CharField(max_length=12, db_index=True)
    city_code = models.CharField(max_length=12, blank=True, db_index=True)
    county_code = models.CharField(max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def level_field(self) -> str:
        """Column that equals ``self.code`` on this region and all its descendants."""
        return LEVEL_FIELD[self.level]

    def ancestor_codes(self) -> list[str]:
        """Codes of the ancestors, root first, without this region."""
        codes = [self.province_code, self.city_code, self.county_code]
        depth = LEVEL_ORDER.index(self.level)
        return [c for c in codes[:depth] if c]

    def contains(self, other: Region) -> bool:
        """True if ``other`` is this region or lies under it."""
        return bool(getattr(other, self.level_field) == self.code)

    @staticmethod
    def codes_for(*, code: str, level: str, parent: Region | None) -> dict[str, str]:
        """Ancestor-code columns for a region with this code, level and parent."""
        codes = {"province_code": "", "city_code": "", "county_code": ""}
        if parent is not None:
            codes.update(
                province_code=parent.province_code,
                city_code=parent.city_code,
                county_code=parent.county_code,
            )
        if level != Level.TOWNSHIP:
            codes[LEVEL_FIELD[level]] = code
        return codes
