"""Demo step: villages, service points, grids with their workers, the
departments' grid tasks and a service-matter catalogue for the first
townships of 大英县 (蓬莱镇 first) and 通渭县 (示例数据: plausible, not
official). One village is left without a service point and one matter
outside the hall, so the rule findings show. Idempotent: a township that
already has villages is skipped; written through the services (audited).
"""

from __future__ import annotations

from bianzhi.grids import services
from bianzhi.grids.models import GridTask, GridTaskKind, Village, VillageKind
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Level, Region

# (name, category, department, conditions, materials, days, in hall, in villages): 002 §2's examples.
MATTERS = (
    ("城乡居民基本养老保险参保登记", "就业和社会保障", "县人社局", "本县户籍、年满16周岁的城乡居民", "居民身份证、户口簿", 1, True, True),
    ("就业困难人员认定", "就业和社会保障", "县人社局", "本镇户籍失业人员", "居民身份证、失业登记证明", 5, True, False),
    ("城乡居民基本医疗保险参保缴费", "医疗保障", "县医保局", "未参加职工医保的城乡居民", "居民身份证或户口簿", 1, True, True),
    ("农村不动产登记申请受理", "不动产登记", "县自然资源和规划局", "权属清楚、无争议", "申请书、身份证明、权属来源材料", 10, True, False),
    ("最低生活保障申请", "社会救助", "县民政局", "家庭人均收入低于当地低保标准", "申请书、户口簿、收入证明", 20, True, True),
    ("临时救助申请", "社会救助", "县民政局", "因突发事件等导致基本生活暂时困难", "申请书、身份证明、相关证明材料", 10, True, True),
    ("居民户口迁移登记", "户籍管理", "县公安局", "符合户口迁移政策", "居民身份证、户口簿、迁入证明", 3, True, False),
    ("农村危房改造申请", "乡村建设", "县住建局", "农村低收入群体住房安全鉴定为危房", "申请书、身份证明、房屋鉴定材料", 15, False, False),
)
GRID_TASKS = (
    ("县委政法委", GridTaskKind.SUPERVISION, "矛盾纠纷排查化解", "每周走访，发现纠纷当日上报"),
    ("县民政局", GridTaskKind.MATTER, "特困人员、低保对象动态摸排", "每月核查一次，变化及时报镇社事办"),
    ("县应急局", GridTaskKind.SUPERVISION, "安全隐患巡查", "汛期每日巡查，发现隐患立即报告"),
    ("县人社局", GridTaskKind.MATTER, "城乡居民养老保险代办", "协助群众办理参保登记"),
)


def _townships(county: str) -> list[Region]:
    return list(Region.objects.filter(level=Level.TOWNSHIP, county_code=county).order_by("code")[:2])


def _township(township: Region) -> None:
    if Village.objects.filter(township=township).exists():
        return
    short = township.name[:2]
    villages = [
        services.village_create(actor=None, township=township, name=f"{short}社区", kind=VillageKind.COMMUNITY),
        services.village_create(actor=None, township=township, name=f"{short}一村"),
        services.village_create(actor=None, township=township, name=f"{short}二村"),
    ]
    for number, village in enumerate(villages[:2], start=1):
        services.service_point_set(
            actor=None, village=village, name=f"{village.name}便民服务站", address=f"{village.name}党群服务中心",
            phone=f"0825-48{number:05d}", online=number == 1,
        )
    for number, village in enumerate(villages, start=1):
        services.grid_create(
            actor=None, village=village, name="第一网格", households=300 + 40 * number,
            enforcement_officer="" if number == 3 else f"执法队员{number}",
            village_contact=f"{village.name}支部书记",
            worker=services.WorkerData(name=f"网格员{number}甲", post="专职网格员", duties="信息采集、矛盾排查、政策宣传"),
        )
    for name, category, department, conditions, materials, days, in_hall, at_village in MATTERS:
        services.service_matter_save(
            actor=None,
            township=township,
            data=services.MatterData(
                name=name, category=category, department=department, conditions=conditions, materials=materials,
                time_limit_days=days, location=f"{township.name}便民服务中心" if in_hall else f"{township.name}村建办",
                in_hall=in_hall, at_village=at_village,
            ),
        )


@demo_step("网格与便民服务（示例数据）", order=75)
def grids(ctx: DemoContext) -> None:
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        for department, kind, name, description in GRID_TASKS:
            if not GridTask.objects.filter(county=county, department=department, name=name).exists():
                services.grid_task_create(
                    actor=None, county=county, department=department, kind=kind, name=name, description=description
                )
        for township in _townships(code):
            _township(township)
