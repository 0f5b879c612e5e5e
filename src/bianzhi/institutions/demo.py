"""Demo step: institutions and their ledgers for the demo counties (示例数据).

Every township gets the unified offices of 001 §(二)1 (the county-seat and
central towns all eight; the others four offices and the two centres, to
stay within 002's class-3 limit), a 派出所 and a 司法所 (派驻机构) and a
nameplate. The approved admin quota is spread over the offices, the
institution quota over the centres, and the township's leadership and
middle-management posts go on the 综合办公室. Deliberate faults, so the
findings and dashboards have something to show: the first ordinary township
gets a fifth office (institution limits) and one office with a single admin
quota (office-admin-min).
"""

from __future__ import annotations

from datetime import date

from bianzhi.institutions.models import UNIFIED_OFFICES, Institution, Kind, LedgerItem
from bianzhi.institutions.services import institution_create, nameplate_add
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.kernel.hooks import rule_guard
from bianzhi.regions.models import Level, Region

DEMO_DATE = date(2021, 6, 30)
DOCUMENTS = {"510923": "大委编发〔2021〕15号", "621121": "通委编发〔2021〕9号"}
SMALL_SET = ("综合办公室", "党建工作办公室", "综合行政执法协调办公室", "经济发展和乡村振兴办公室",
             "便民服务中心", "农民工服务中心")
FULL_CLASSES = {"县政府驻地镇", "中心镇", "一类"}


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def demo_county_institutions(county: Region) -> int:
    """Set up the demo institutions of one county; idempotent (skips a county
    that has institutions). Returns the number created."""
    guard = rule_guard()
    if Institution.objects.filter(region__county_code=county.code).exists():
        return 0
    states = {t.code: t for t in guard.county_facts(county).townships}
    document = DOCUMENTS.get(county.code, "示例文号")
    created = 0
    ordinary_fault_done = False
    for township in Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code"):
        state = states.get(township.code)
        cls = state.township_class if state else ""
        admin = state.approved("行政编制") if state else 15
        inst = state.approved("事业编制") if state else 12
        # 002 §1 allows class-1 towns 5 offices: the sixth unified office
        # (财政工作办公室) is left out so the demo breaks the limit only on purpose.
        names = [n for n, _ in UNIFIED_OFFICES if n != "财政工作办公室"] if cls in FULL_CLASSES else list(SMALL_SET)
        fault = not ordinary_fault_done and cls in ("一般乡镇", "三类")
        if fault:
            names.insert(4, "平安建设办公室")
            ordinary_fault_done = True
        kinds = dict(UNIFIED_OFFICES) | {"平安建设办公室": Kind.OFFICE}
        offices = [n for n in names if kinds[n] == Kind.OFFICE]
        centres = [n for n in names if kinds[n] == Kind.PUBLIC_INSTITUTION]
        office_admin = _split(admin, len(offices))
        if fault:  # one office below the floor of 2 (office-admin-min)
            office_admin[-1], office_admin[0] = 1, office_admin[0] + office_admin[-1] - 1
        centre_inst = _split(inst, len(centres))
        for name in names:
            quotas: dict[str, int] = {}
            if name in offices:
                quotas[LedgerItem.ADMIN] = office_admin[offices.index(name)]
            else:
                quotas[LedgerItem.INSTITUTION] = centre_inst[centres.index(name)]
            if name == "综合办公室":
                quotas[LedgerItem.LEADER_CHIEF] = 2
                quotas[LedgerItem.LEADER_DEPUTY] = 5 if cls in FULL_CLASSES else 4
                quotas[LedgerItem.MIDDLE] = 6 if cls in FULL_CLASSES else 4
            institution = institution_create(
                actor=None, township=township, name=name, kind=kinds[name], established_on=DEMO_DATE,
                document_number=document, reason="示例数据", quotas=quotas, refresh=False,
            )
            if name == "便民服务中心":
                nameplate_add(actor=None, institution=institution, name="退役军人服务站",
                              added_on=DEMO_DATE, document_number=document)
            created += 1
        for name in ("派出所", "司法所"):
            institution_create(actor=None, township=township, name=f"{township.name}{name}",
                               kind=Kind.DISPATCHED_AGENCY, established_on=DEMO_DATE,
                               document_number=document, reason="示例数据（派驻机构）", refresh=False)
            created += 1
    guard.refresh(county_code=county.code)
    return created


@demo_step("机构与编制台账（示例数据）", order=50)
def demo_institutions(ctx: DemoContext) -> None:
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        created = demo_county_institutions(county)
        ctx.echo(f"  {county.name}：新设机构 {created} 个" if created else f"  {county.name}：机构已存在")
