"""Demo step: the enforcement office, cases in every state and a joint
meeting for the first two townships of each demo county (大英县 蓬莱镇 …,
通渭县 …). Written through the services, so it is audited; idempotent (a
county that has cases is left alone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from bianzhi.core.credit_code import check_character
from bianzhi.core.idnumber import check_digit
from bianzhi.duties.selectors.duty_list import DutyEntry
from bianzhi.enforcement import selectors, services
from bianzhi.enforcement.models import Case, PartyKind
from bianzhi.kernel import clock
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Level, Region
from bianzhi.tasks.models import Task


def _person_id(county_code: str, serial: int) -> str:
    first17 = f"{county_code}19850612{serial:03d}"
    return first17 + check_digit(first17)


def _credit_code(county_code: str, serial: int) -> str:
    first17 = f"92{county_code}MA6{serial:05d}K"[:17]
    return first17 + check_character(first17)


@dataclass(frozen=True)
class _Town:
    county: Region
    township: Region
    index: int
    matters: list[DutyEntry]
    start: dt.date

    @property
    def prefix(self) -> str:
        return f"{self.township.name[:2]}综执"

    def case(self, n: int, kind: str, name: str, major: bool = False) -> Case:
        code = self.county.code
        serial = 100 * self.index + n
        party_id = _person_id(code, serial) if kind == PartyKind.PERSON else _credit_code(code, serial)
        return services.case_create(
            actor=None,
            township=self.township,
            fields=services.CaseFields(
                number=f"{self.prefix}立〔{self.start.year}〕{n}号",
                matter_code=self.matters[n % len(self.matters)].code,
                party_kind=kind,
                party_name=name,
                party_id=party_id,
                filed_on=self.start + dt.timedelta(days=7 * n),
                summary="群众举报，经现场核实立案。",
                is_major=major,
            ),
        )


def _township_cases(town: _Town) -> int:
    county = town.county
    c1 = town.case(1, PartyKind.PERSON, "王建国")
    services.case_investigate(actor=None, case=c1, on=c1.filed_on + dt.timedelta(days=2))
    services.case_decide(actor=None, case=c1, on=c1.filed_on + dt.timedelta(days=20),
                         decision="责令限期改正，并处罚款。", penalty_amount=Decimal("500"))
    services.case_close(actor=None, case=c1, on=c1.filed_on + dt.timedelta(days=35))
    services.case_publish(actor=None, case=c1)
    c2 = town.case(2, PartyKind.ORGANISATION, f"{county.name}顺达建材经营部", major=True)
    services.case_investigate(actor=None, case=c2, on=c2.filed_on + dt.timedelta(days=3))
    services.case_legal_review(actor=None, case=c2, on=c2.filed_on + dt.timedelta(days=25),
                               reviewer="李司法", opinion="事实清楚，证据确凿，程序合法，同意。")
    services.case_decide(actor=None, case=c2, on=c2.filed_on + dt.timedelta(days=28),
                         decision="没收违法所得，并处罚款。", penalty_amount=Decimal("20000"))
    services.case_publish(actor=None, case=c2)
    c3 = town.case(3, PartyKind.ORGANISATION, f"{county.name}利民食品店")
    transfer = services.case_transfer(
        actor=None, case=c3, department="县市场监督管理局", on=c3.filed_on + dt.timedelta(days=5),
        document_number=f"{town.prefix}移〔{town.start.year}〕1号",
        reason="涉嫌食品安全违法，超出乡镇执法权限。",
    )
    services.transfer_receipt(actor=None, transfer=transfer, on=transfer.transferred_on + dt.timedelta(days=2),
                              received_by="县市场监管局法规股")
    c4 = town.case(4, PartyKind.PERSON, "赵明")
    services.case_record_add(actor=None, case=c4, stage="现场检查", text="现场检查，制作检查笔录。")
    return 4


@demo_step("综合行政执法（示例数据）", order=85)
def enforcement_demo(ctx: DemoContext) -> None:
    today = clock.today()
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        if Case.objects.filter(township__county_code=code).exists():
            ctx.echo(f"  {county.name}：执法案件已存在")
            continue
        townships = list(Region.objects.filter(level=Level.TOWNSHIP, county_code=code).order_by("code")[:2])
        made = 0
        for index, township in enumerate(townships):
            leaders = list(selectors.leadership(township=township)[:1])
            if leaders:
                services.team_set(actor=None, township=township, leader_in_charge=leaders[0], office_head=leaders[0])
            matters = selectors.matter_list(township=township, today=today)
            if matters:
                made += _township_cases(_Town(county, township, index, matters, today - dt.timedelta(days=120)))
        task = Task.objects.filter(plan__region__county_code=code).order_by("id").first()
        if townships:
            services.meeting_create(
                actor=None, region=county, held_on=today - dt.timedelta(days=30),
                title="县镇综合行政执法协调配合联席会议",
                participants="县委编办、县司法局、县市场监管局、县综合行政执法局、各乡镇综合行政执法办公室",
                decisions="建立乡镇与县直部门案件移送、联合调查、案情通报机制。",
                tasks=[task] if task is not None else [],
            )
        ctx.echo(f"  {county.name}：执法案件 {made} 件")
