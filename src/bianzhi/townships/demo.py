"""Demo step: classes, indicators (示例数据) and approved quotas of 大英县 and 通渭县.

大英县 takes the figures of ``examples/daying.csv`` (the example county of
``bianzhi allocate``); 通渭县's are generated from each township's code with
a seeded generator, so every run gives the same numbers. All values carry
the source 示例数据, which the pages show. Writes go through the services
(audited); a second run changes nothing.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from bianzhi.kernel.demo import DAYING, TONGWEI, DemoContext, demo_step
from bianzhi.regions.models import Level, Region
from bianzhi.townships import services
from bianzhi.townships.models import ApprovedQuota, ClassScheme, IndicatorDefinition, QuotaType

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

DEMO_SOURCE = "示例数据"
DEMO_YEAR = 2026
VILLAGES = "村（社区）数"

# code: class, 人口, 面积, 经济, 村（社区）数, 现有行政编制 (examples/daying.csv)
DAYING_DATA: dict[str, tuple[str, int, str, int, int, int]] = {
    "510923001": ("重点镇", 62400, "38.6", 356200, 12, 17),
    "510923100": ("县政府驻地镇", 118300, "96.2", 682500, 26, 28),
    "510923101": ("中心镇", 52100, "88.5", 178400, 20, 16),
    "510923102": ("一般乡镇", 31200, "71.3", 96300, 14, 13),
    "510923103": ("中心镇", 48600, "82.7", 152800, 19, 15),
    "510923104": ("重点镇", 39500, "69.4", 121700, 16, 14),
    "510923105": ("特色镇", 41200, "77.8", 134600, 17, 14),
    "510923106": ("一般乡镇", 27300, "63.1", 78200, 12, 12),
    "510923107": ("一般乡镇", 23900, "58.9", 69400, 11, 11),
    "510923108": ("一般乡镇", 21800, "56.5", 64100, 10, 11),
}
# 通渭县 (002 scheme): the county seat is 一类, the larger towns 二类, the rest 三类.
TONGWEI_FIRST = {"621121100"}  # 平襄镇
TONGWEI_SECOND = {"621121101", "621121102", "621121103", "621121104", "621121105"}

INITIAL_DOCUMENTS = {DAYING: "大委编发〔2021〕12号", TONGWEI: "通委编发〔2021〕8号"}
INITIAL_DATE = date(2021, 6, 30)


def _tongwei_row(region: Region) -> tuple[str, int, str, int, int, int]:
    """Deterministic figures for one 通渭县 township, seeded by its code."""
    rng = random.Random(int(region.code))
    if region.code in TONGWEI_FIRST:
        cls, people, area, economy = "一类", rng.randint(68000, 76000), rng.uniform(120, 150), rng.randint(260000, 320000)
    elif region.code in TONGWEI_SECOND:
        cls, people, area, economy = "二类", rng.randint(24000, 34000), rng.uniform(110, 170), rng.randint(60000, 95000)
    else:
        cls, people, area, economy = "三类", rng.randint(9000, 20000), rng.uniform(70, 140), rng.randint(18000, 45000)
    villages = max(6, people // 1800)
    admin = 12 + people // 9000
    return cls, people, f"{area:.1f}", economy, villages, admin


def demo_county_data(county: Region, *, actor: User | None = None) -> int:
    """Load the demo classes, indicators and initial quotas of one demo county.

    Idempotent; returns the number of townships. Used by the demo and by the
    tests (URL walk, browser tests) that need a county with data.
    """
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code"))
    if county.code == TONGWEI:
        services.county_settings_set(county=county, class_scheme=ClassScheme.THREE_CLASSES, actor=actor)
    if not IndicatorDefinition.objects.filter(county=county, name=VILLAGES).exists():
        services.indicator_definition_create(county=county, name=VILLAGES, unit="个", actor=actor)
    # The initial quotas are written only once: after a plan's approval they
    # differ from these, and the demo must not undo the approval.
    first_run = not ApprovedQuota.objects.filter(township__county_code=county.code).exists()
    changes = []
    classes = []
    for township in townships:
        row = DAYING_DATA.get(township.code) if county.code == DAYING else _tongwei_row(township)
        if row is None:
            continue
        cls, people, area, economy, villages, admin = row
        classes.append((township, cls))
        services.indicator_values_set(
            township=township,
            year=DEMO_YEAR,
            values={
                "人口": Decimal(people),
                "面积": Decimal(area),
                "经济": Decimal(economy),
                VILLAGES: Decimal(villages),
            },
            source=DEMO_SOURCE,
            actor=actor,
        )
        changes.append(services.QuotaChange(township, QuotaType.ADMIN, admin))
        changes.append(services.QuotaChange(township, QuotaType.INSTITUTION, admin + admin // 2))
    if first_run and changes:
        services.approved_quotas_apply(
            changes=changes,
            document_number=INITIAL_DOCUMENTS.get(county.code, "示例文号"),
            date=INITIAL_DATE,
            reason="示例数据：初始核定编制",
            actor=actor,
        )
    # Classes after the quotas: a 一般乡镇 without its 15 行政编制 yet would
    # break the floor, and the rule guard refuses a class that does.
    if classes:
        services.township_classes_set(county=county, classes=dict(classes), actor=actor)
    return len(townships)


@demo_step("乡镇类别、指标和核定编制（示例数据）", order=30)
def demo_townships(ctx: DemoContext) -> None:
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        count = demo_county_data(county)
        ctx.echo(f"  {county.name}：{count} 个乡镇（街道），{DEMO_YEAR} 年指标")
