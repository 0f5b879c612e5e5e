"""Demo step: powers and duties and duty access for 大英县 and 通渭县
(示例数据: plausible, not official).

Idempotent: each part is skipped when the county already has it. Everything
is written through the services (actor None = 系统), so it is audited.
Creates the county departments (``demo_departments``; the agencies demo step
uses them next) and the demo user ``daying-dept`` (大英县 县农业农村局, 部门用户).
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from decimal import Decimal

from bianzhi.accounts.models import Department, Role, User
from bianzhi.accounts.services import department_create, user_create
from bianzhi.adapters.xlsx_duties import CatalogueFile, CatalogueRow, MatterRow
from bianzhi.core.duties import Demand, ListKind, TakeUpChoice
from bianzhi.duties.models import (
    DelegationCatalogue,
    DutyAccessRequest,
    MatterChange,
    StatutoryItem,
    TakeUpRound,
    TerritorialMatter,
)
from bianzhi.duties.selectors.catalogue import catalogue_list_model, township_class_of
from bianzhi.duties.selectors.common import townships_of
from bianzhi.duties.services.access import (
    DutyAccessBlocked,
    RequestFields,
    duty_opinion_give,
    duty_request_create,
    duty_request_decide,
    duty_request_submit,
    duty_requests_expire,
)
from bianzhi.duties.services.catalogue import catalogue_import, take_up_decide, take_up_propose
from bianzhi.duties.services.matters import (
    matter_change_request,
    matter_change_review,
    matters_import,
)
from bianzhi.duties.services.statutory import statutory_item_set
from bianzhi.kernel import clock
from bianzhi.kernel.demo import DAYING, DemoContext, demo_step
from bianzhi.regions.models import Region

# Key of ``DemoContext.shared``: county code -> ``demo_departments`` of the county.
DEPARTMENTS_SHARED = "duties.departments"

DEPARTMENTS = (
    "县农业农村局",
    "县自然资源和规划局",
    "县市场监管局",
    "县生态环境局",
    "县应急管理局",
    "县住房城乡建设局",
    "县司法局",
    "县公安局",
    "县综合行政执法局",
)

# (code, name, power type, legal basis, delegating department, list)
CATALOGUE: tuple[tuple[str, str, str, str, str, ListKind], ...] = (
    ("JC-001", "农村村民住宅用地审核", "行政许可", "《中华人民共和国土地管理法》第六十二条", "县自然资源和规划局", ListKind.BASE),
    ("JC-002", "乡村建设规划许可证核发（农村村民住宅）", "行政许可", "《中华人民共和国城乡规划法》第四十一条", "县自然资源和规划局", ListKind.BASE),
    ("JC-003", "对擅自占用、挖掘城镇道路的处罚", "行政处罚", "《城市道路管理条例》第四十二条", "县综合行政执法局", ListKind.BASE),
    ("JC-004", "对在禁烧区露天焚烧秸秆的处罚", "行政处罚", "《中华人民共和国大气污染防治法》第一百一十九条", "县生态环境局", ListKind.BASE),
    ("JC-005", "特困人员认定", "行政确认", "《社会救助暂行办法》第十四条", "县民政局", ListKind.BASE),
    ("JC-006", "对农村宅基地违法行为的检查", "行政检查", "《中华人民共和国土地管理法》第六十七条", "县农业农村局", ListKind.BASE),
    ("TS1-001", "城镇燃气经营安全检查", "行政检查", "《城镇燃气管理条例》第四十二条", "县住房城乡建设局", ListKind.FEATURED_1),
    ("TS1-002", "户外广告设施设置审批", "行政许可", "《城市市容和环境卫生管理条例》第十一条", "县综合行政执法局", ListKind.FEATURED_1),
    ("TS2-001", "集贸市场食品安全监督检查", "行政检查", "《中华人民共和国食品安全法》第一百一十条", "县市场监管局", ListKind.FEATURED_2),
    ("TS2-002", "对占道经营的处罚", "行政处罚", "《城市市容和环境卫生管理条例》第三十六条", "县综合行政执法局", ListKind.FEATURED_2),
    ("TS3-001", "规模养殖场畜禽粪污处理检查", "行政检查", "《畜禽规模养殖污染防治条例》第二十四条", "县农业农村局", ListKind.FEATURED_3),
    ("TS3-002", "对违法占用耕地建窑、建坟的处罚", "行政处罚", "《中华人民共和国土地管理法》第七十五条", "县自然资源和规划局", ListKind.FEATURED_3),
    ("TS4-001", "A级旅游景区安全检查", "行政检查", "《旅游安全管理办法》第二十九条", "县文化广播电视和旅游局", ListKind.FEATURED_4),
    ("TS4-002", "文物保护单位保护范围内建设活动的检查", "行政检查", "《中华人民共和国文物保护法》第十八条", "县文化广播电视和旅游局", ListKind.FEATURED_4),
)

STATUTORY = (
    ("FD-001", "本行政区域内村民委员会成员的罢免、补选指导", "其他行政权力", "《中华人民共和国村民委员会组织法》"),
    ("FD-002", "最低生活保障申请的受理、调查和审核", "行政给付", "《社会救助暂行办法》第十一条"),
    ("FD-003", "乡村建设规划的组织编制", "其他行政权力", "《中华人民共和国城乡规划法》第二十二条"),
    ("FD-004", "对违反村庄规划建设行为的制止和报告", "行政检查", "《中华人民共和国城乡规划法》第六十五条"),
    ("FD-005", "突发事件的先期处置", "行政强制", "《中华人民共和国突发事件应对法》"),
)

# Six domains as in 003 (its list has 81 items; this is a shorter sample).
MATTERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("自然资源", "违法占地、违法建设的日常巡查、发现和报告", "lead", "县自然资源和规划局", "supporting"),
    ("自然资源", "耕地保护执法查处", "supporting", "县自然资源和规划局", "lead"),
    ("自然资源", "地质灾害隐患点巡查和群测群防", "lead", "县自然资源和规划局", "supporting"),
    ("生态环境", "秸秆禁烧巡查和劝阻", "lead", "县生态环境局", "supporting"),
    ("生态环境", "企业排污监督检查", "supporting", "县生态环境局", "lead"),
    ("城乡建设", "农村危房改造对象的初审", "supporting", "县住房城乡建设局", "lead"),
    ("城乡建设", "建筑施工安全监管", "supporting", "县住房城乡建设局", "lead"),
    ("应急安全", "森林防火巡护和宣传", "lead", "县应急管理局", "supporting"),
    ("应急安全", "危险化学品企业安全监管", "supporting", "县应急管理局", "lead"),
    ("应急安全", "防汛避险人员转移", "lead", "县应急管理局", "supporting"),
    ("市场监管", "食品生产经营许可后的监督检查", "supporting", "县市场监管局", "lead"),
    ("市场监管", "农村集体聚餐的备案和指导", "lead", "县市场监管局", "supporting"),
    ("农业农村", "非洲猪瘟等动物疫病的排查和报告", "supporting", "县农业农村局", "lead"),
    ("农业农村", "农村宅基地使用的日常巡查", "lead", "县农业农村局", "supporting"),
    ("农业农村", "农药经营使用监督检查", "supporting", "县农业农村局", "lead"),
)

def demo_departments(county: Region) -> dict[str, Department]:
    """The county's departments by name, the demo's missing ones created (in
    ``DEPARTMENTS`` order, after those already there)."""
    found = {d.name: d for d in Department.objects.filter(county=county)}
    for name in DEPARTMENTS:
        if name not in found:
            found[name] = department_create(county=county, name=name)
    return found


def _catalogue(ctx: DemoContext, county: Region, short: str) -> None:
    if DelegationCatalogue.objects.filter(county=county).exists():
        return
    rows = [CatalogueRow(n, *item) for n, item in enumerate(CATALOGUE, start=2)]
    catalogue_import(
        actor=None,
        county=county,
        data=CatalogueFile(rows=rows),
        title=f"{county.name}下放乡镇行政权力事项“1+4”清单（示例数据）",
        document_number=f"{short}府发〔2021〕18号",
    )
    for code, name, power_type, basis in STATUTORY:
        if not StatutoryItem.objects.filter(county=county, code=code).exists():
            statutory_item_set(
                actor=None, county=county, code=code, name=name, power_type=power_type, legal_basis=basis
            )
    ctx.echo(f"  {county.name}：赋权指导目录{len(CATALOGUE)}项、法定事项{len(STATUTORY)}项")


def _take_up(county: Region, short: str) -> None:
    catalogue = DelegationCatalogue.objects.get(county=county)
    model = catalogue_list_model(catalogue)
    townships = list(townships_of(county=county))
    for index, township in enumerate(townships):
        if TakeUpRound.objects.filter(township=township).exists():
            continue
        lists = set(model.lists_for(township_class_of(township)))
        choices = {
            item.code: (TakeUpChoice.DEFER if (index + n) % 3 == 0 else TakeUpChoice.TAKE_UP)
            for n, item in enumerate(catalogue.items.filter(active=True))
            if ListKind(item.list_kind).is_featured and ListKind(item.list_kind) in lists
        }
        round_ = take_up_propose(actor=None, township=township, choices=choices, note="示例数据")
        if index != len(townships) - 1:  # the last township's proposal stays pending
            take_up_decide(
                actor=None, round=round_, approve=True, document_number=f"{short}委编发〔2021〕{30 + index}号"
            )


def _matters(county: Region, short: str) -> None:
    if TerritorialMatter.objects.filter(county=county).exists():
        return
    rows = [
        MatterRow(n, str(n - 1), domain, name, t_role, dept, d_role, "示例数据")
        for n, (domain, name, t_role, dept, d_role) in enumerate(MATTERS, start=2)
    ]
    matters_import(
        actor=None, county=county, rows=rows, document_number=f"{short}委办发〔2024〕8号"
    )
    change = matter_change_request(
        actor=None,
        county=county,
        kind="add",
        proposed={
            "domain": "应急安全",
            "name": "城镇燃气用户安全宣传和隐患报告",
            "township_role": "lead",
            "department": "县住房城乡建设局",
            "department_role": "supporting",
            "basis": "示例数据",
        },
        reason="燃气安全专项整治需要乡镇配合排查（示例数据）",
    )
    matter_change_review(actor=None, change=change, passes=True, note="符合调整条件，报县批准")
    if not MatterChange.objects.filter(county=county, status="submitted").exists():
        matter_change_request(
            actor=None,
            county=county,
            kind="remove",
            matter=TerritorialMatter.objects.filter(county=county).order_by("id").last(),
            reason="该事项已由县级部门统一实施（示例数据）",
        )


def _requests(county: Region, short: str, departments: dict[str, Department]) -> None:
    if DutyAccessRequest.objects.filter(county=county).exists():
        return
    townships = list(townships_of(county=county))
    today = clock.today()
    codes = tuple(t.code for t in townships[:3])

    def new(department: str, matter: str, **kwargs: object) -> DutyAccessRequest:
        fields = RequestFields(
            matter=matter,
            reason=str(kwargs.pop("reason", "点多面广，需乡镇就近开展（示例数据）")),
            legal_basis=str(kwargs.pop("legal_basis", "")),
            funding_amount=kwargs.pop("funding_amount", Decimal("10")),  # type: ignore[arg-type]
            township_codes=kwargs.pop("township_codes", codes),  # type: ignore[arg-type]
            **kwargs,  # type: ignore[arg-type]
        )
        return duty_request_create(actor=None, department=departments[department], fields=fields)

    def opinions(request: DutyAccessRequest, on: date, skip: int = 0) -> None:
        for n, township in enumerate(request.townships.order_by("code")):
            if n < skip:
                continue
            duty_opinion_give(
                actor=None, request=request, township=township, agrees=n % 4 != 3, text="经镇党委会研究，同意承接（示例数据）", today=on
            )

    # 草稿
    new("县住房城乡建设局", "农村自建房安全排查信息录入")
    # 已提交、尚无意见，且已逾期（提交于30天前）
    submitted = new("县应急管理局", "汛期地质灾害隐患点巡查", legal_basis="《地质灾害防治条例》第十八条")
    duty_request_submit(actor=None, request=submitted, today=today - timedelta(days=30))
    # 征求意见中：部分乡镇已反馈
    pending = new("县农业农村局", "高标准农田建后管护巡查", funding_amount=Decimal("36"))
    duty_request_submit(actor=None, request=pending, today=today - timedelta(days=3))
    opinions(pending, today, skip=1)
    # 已准入（长期）
    approved = new("县生态环境局", "秸秆禁烧日常巡查和劝阻", legal_basis="《中华人民共和国大气污染防治法》第七十七条")
    duty_request_submit(actor=None, request=approved, today=today - timedelta(days=60))
    opinions(approved, today - timedelta(days=50))
    duty_request_decide(
        actor=None, request=approved, approve=True, document_number=f"{short}委编发〔{today.year}〕5号", today=today - timedelta(days=40)
    )
    # 不予准入
    rejected = new("县市场监管局", "食品经营许可证现场核查", funding_amount=None, funding_note="不需要经费（示例数据）")
    duty_request_submit(actor=None, request=rejected, today=today - timedelta(days=45))
    opinions(rejected, today - timedelta(days=40))
    duty_request_decide(
        actor=None, request=rejected, approve=False, note="属于部门法定职责，应由部门自行实施", today=today - timedelta(days=35)
    )
    # 临时性事项，已到期
    last_year = date(today.year - 1, 3, 1)
    temporary = new(
        "县农业农村局",
        "第三次全国土壤普查外业调查配合",
        is_temporary=True,
        end_date=date(today.year - 1, 10, 31),
        funding_amount=Decimal("8"),
    )
    duty_request_submit(actor=None, request=temporary, today=last_year)
    opinions(temporary, last_year + timedelta(days=5))
    duty_request_decide(
        actor=None, request=temporary, approve=True, document_number=f"{short}委编发〔{today.year - 1}〕9号", today=last_year + timedelta(days=10)
    )
    duty_requests_expire(today=today)
    # 被阻止的提交：要求签订责任状、设置一票否决、配备专职人员
    blocked = new(
        "县市场监管局",
        "食品安全“两个责任”包保督导",
        demands=frozenset({Demand.PLEDGE, Demand.VETO, Demand.STAFF}),
    )
    with contextlib.suppress(DutyAccessBlocked):
        duty_request_submit(actor=None, request=blocked, today=today)


# The agencies app's demo step has the same order and runs next:
# steps of one order run by name, and "派…" sorts after "权…".
@demo_step("权责清单与职责准入（示例数据）", order=70)
def duties_demo(ctx: DemoContext) -> None:
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        short = county.name[0]
        departments = demo_departments(county)
        # Handed on as created: the agencies step picks "the first six" of them.
        ctx.shared.setdefault(DEPARTMENTS_SHARED, {})[county.code] = departments
        _catalogue(ctx, county, short)
        _take_up(county, short)
        _matters(county, short)
        _requests(county, short, departments)
    if DAYING in ctx.county_codes and not User.objects.filter(username="daying-dept").exists():
        county = Region.objects.get(code=DAYING)
        user_create(
            username="daying-dept",
            password=ctx.password,
            region=county,
            roles=[Role.DEPARTMENT],
            department=Department.objects.get(county=county, name="县农业农村局"),
            full_name="大英县农业农村局",
            validate=False,
        )
        ctx.echo("  用户 daying-dept（大英县农业农村局，部门用户）已创建")
