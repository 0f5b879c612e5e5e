"""Demo step: a generated roster (示例数据) for the demo counties, imported
through the real import (so it is validated and audited like a user's file).

Identity numbers are valid GB 11643 numbers with the county's region prefix
and generated birth dates; names are generated. Most townships sit at about
96% usage with two certified enforcement staff; a few deliberate faults give
every finding and dashboard panel something to show: one township over its
admin quota, one at low usage, one with too many seconded-out persons (one
of them inside the service period), one with a single enforcement officer
(and an expired certificate elsewhere), one above 20% 优秀, one with more
leaders than approved posts.
"""

from __future__ import annotations

import io
import math
import random
from datetime import date
from typing import Any

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.core.idnumber import check_digit
from bianzhi.institutions.models import Institution, Kind
from bianzhi.kernel import clock
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.kernel.hooks import rule_guard
from bianzhi.regions.models import Level, Region
from bianzhi.roster.importing import HEADERS, roster_import
from bianzhi.roster.models import Person

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志文玉红云飞鹏辉俊峰琳婷晨宇浩然欣怡思雨"


def _id_number(rng: random.Random, prefix: str, used: set[str]) -> str:
    while True:
        born = date(rng.randint(1965, 1999), rng.randint(1, 12), rng.randint(1, 28))
        first17 = f"{prefix}{born:%Y%m%d}{rng.randint(1, 999):03d}"
        number = first17 + check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def demo_roster_rows(county: Region, *, today: date | None = None) -> list[list[Any]]:
    """The demo roster of one county as import rows (HEADERS order)."""
    today = today or clock.today()
    rng = random.Random(int(county.code))
    states = {t.code: t for t in rule_guard().county_facts(county).townships}
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code"))
    institutions: dict[int, dict[str, list[str]]] = {}
    for region_id, name, kind in Institution.objects.filter(
        region__county_code=county.code, abolished_on__isnull=True
    ).exclude(kind=Kind.DISPATCHED_AGENCY).values_list("region_id", "name", "kind"):
        institutions.setdefault(region_id, {}).setdefault(kind, []).append(name)
    used: set[str] = set()
    rows: list[dict[str, Any]] = []
    for index, township in enumerate(townships):
        state = states.get(township.code)
        admin = state.approved("行政编制") if state else 15
        inst = state.approved("事业编制") if state else 12
        fill = 0.80 if index == 2 else 0.96
        counts = {"行政编制": max(1, math.ceil(admin * fill)), "事业编制": max(1, math.ceil(inst * fill))}
        if index == 1:
            counts["行政编制"] = admin + 1  # over-quota
        offices = institutions.get(township.pk, {}).get(Kind.OFFICE, [""])
        centres = institutions.get(township.pk, {}).get(Kind.PUBLIC_INSTITUTION, [""])
        leaders = 8 if index == 6 else 6
        excellent_share = 0.25 if index == 5 else 0.15
        seconded = 3 if index == 3 else (1 if index % 4 == 0 else 0)
        enforcement = 1 if index == 4 else 2 + (index % 2)
        serial = 0
        for quota_type, count in counts.items():
            for _ in range(count):
                serial += 1
                is_admin = quota_type == "行政编制"
                entry = date(rng.randint(2008, 2020), rng.randint(1, 12), 1)
                values: dict[str, Any] = {h: None for h in HEADERS}
                values.update({
                    "身份证号": _id_number(rng, county.code, used),
                    "姓名": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
                    "乡镇代码": township.code,
                    "机构": rng.choice(offices if is_admin else centres),
                    "编制类型": quota_type,
                    # At most 4 中层 (serials 7…28): within the 4 or 6 中层职数 the
                    # institutions demo approves (rule middle-posts).
                    "岗位类别": "领导" if is_admin and serial <= leaders else (
                        "中层" if serial % 7 == 0 and serial <= 28 else "一般"
                    ),
                    "执法人员": "否",
                    "状态": "在岗",
                    "借调单位": "",
                    "入编日期": entry,
                    "入编方式": rng.choice(["考录", "选调", "公开招聘", "转任", "军转安置"]),
                    "学历": rng.choice(["大学本科", "大学本科", "大学专科", "研究生"]),
                    "年度考核": "优秀" if rng.random() < excellent_share * 0.9 else "称职",
                })
                rows.append(values)
        township_rows = rows[-sum(counts.values()) :]
        general = [r for r in township_rows if r["岗位类别"] != "领导"]
        for k, row in enumerate(general[:enforcement]):
            row["执法人员"] = "是"
            row["执法证号"] = f"{township.code}-{k + 1:03d}"
            # One certificate lapsed in the second township: the certification rate shows it.
            row["执法证有效期至"] = date(today.year - 1, 6, 30) if (index == 2 and k == 0) else date(today.year + 2, 12, 31)
        for k, row in enumerate(general[enforcement:enforcement + seconded]):
            row["状态"] = "借调出"
            row["借调单位"] = "县委办公室" if k % 2 == 0 else "县信访局"
            row["借调开始日期"] = date(today.year - 1, 3, 1)
            if index == 3 and k == 0:  # new staff seconded inside the service period (003)
                row["入编日期"] = date(today.year - 1, 1, 1)
        excellent = sum(1 for r in township_rows if r["年度考核"] == "优秀")
        if index == 5:
            for row in township_rows:
                if excellent * 100 > 22 * len(township_rows):
                    break
                if row["年度考核"] != "优秀":
                    row["年度考核"] = "优秀"
                    excellent += 1
        else:
            for row in township_rows:
                if excellent * 100 <= 20 * len(township_rows):
                    break
                if row["年度考核"] == "优秀":
                    row["年度考核"] = "称职"
                    excellent -= 1
    return [[r[h] for h in HEADERS] for r in rows]


@demo_step("实名制名册（示例数据）", order=60)
def demo_roster(ctx: DemoContext) -> None:
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        if Person.objects.filter(region__county_code=code).exists():
            ctx.echo(f"  {county.name}：名册已存在")
            continue
        content = write_workbook("实名制名册", HEADERS, demo_roster_rows(county))
        result = roster_import(actor=None, source=io.BytesIO(content),
                               filename=f"示例数据-{county.name}实名制名册.xlsx", region=county)
        ctx.echo(f"  {county.name}：{result.summary()}")
