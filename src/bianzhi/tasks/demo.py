"""Demo step: work plans with tasks in every state, a supervision round, the
daily digest (the snapshots are in ``bianzhi.reports.demo``).

Plan 1 is the task table of 004 (蓬莱镇《盘活用好镇村公有资产工作方案》) with
its real 2021 deadlines, so its open tasks are overdue. Plan 2 takes the six
key tasks of 004's 《优化镇机构编制资源配置工作方案》 (二、重点任务), which
has no task table: its lead units and deadlines are set by the demo, relative
to the day the demo runs, so that due-soon and on-time tasks exist too. Both
plans say so in their 来源 field. Every write goes through the services.
"""

from __future__ import annotations

import datetime as dt
import io

from bianzhi.adapters.docx_official import render_docx
from bianzhi.adapters.xlsx_tasks import TaskRow
from bianzhi.core.document import Document, Paragraph
from bianzhi.inbox.services import notify_daily
from bianzhi.kernel import clock
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Region
from bianzhi.tasks import services
from bianzhi.tasks.models import Task, WorkPlan

PENGLAI = "510923100"
SOURCE_004 = (
    "004《关于印发〈优化镇机构编制资源配置〉等28个工作方案的通知》（蓬莱镇，2021年8月19日）"
)
PLAN_ASSETS = "盘活用好镇村公有资产工作方案"
PLAN_STAFFING = "优化镇机构编制资源配置工作方案（演示）"
RESPONSIBLE = "各村(社区),各总支,社事办、卫健办、城东学区督导组、市场监管所、司法所、派出所、法庭等"

# 004's task table: (序号, 工作任务, 牵头单位, 责任单位, 完成时限).
ASSET_TASKS = [
    (
        1,
        "组织开展资产清查：分区域、分类别建立资产明细台账，全面摸清镇国有资产和村集体资产底数",
        "财政办、农业综合服务中心",
        RESPONSIBLE,
        "2021年3月31日前",
    ),
    (
        2,
        "做好资产移交管理：按“资产随职能和人员走”办理划转、接收，做好村集体资产和债权债务移交",
        "财政办、农业综合服务中心",
        RESPONSIBLE,
        "2021年5月31日前",
    ),
    (
        3,
        "分类制定盘活方案：实行“清单制+责任制+销号制”，盘活一宗销号一宗",
        "财政办、农业综合服务中心",
        RESPONSIBLE,
        "2021年6月30日前",
    ),
    (
        4,
        "盘活镇国有资产：充实办公用房、改作公益用房、支持产业发展、市场化处置变现、补充国有资本",
        "财政办",
        "各村(社区),各总支,社事办、卫健办、农业综合服务中心、自然资源和规划所、村建办、经济发展办等",
        "2021年12月底前",
    ),
    (
        5,
        "盘活村级活动阵地：便民服务提升、公益事业改建、集体经济发展使用、市场运营开发各一批",
        "农业综合服务中心",
        "各村(社区),各总支,财政办、社事办、卫健办、宣传文化服务中心、自然资源和规划所、村建办、经济发展办等",
        "2021年12月底前",
    ),
]
# 004 《优化镇机构编制资源配置工作方案》二、重点任务 (一)–(六); days from today are the demo's.
STAFFING_TASKS = [
    (1, "切实厘清职能职责边界：梳理公示权责清单，厘清镇与县直部门的职责边界", "党政办公室", -10),
    (2, "协助完善派驻机构管理体制：派驻机构实行双重管理", "党政办公室", 3),
    (3, "健全完善镇机构设置：在限额内单独或挂牌设立行政审批办公室", "党政办公室", 6),
    (4, "全力提升编制使用效益：探索“3+X”模式测算、核定编制并动态调整", "党政办公室", 30),
    (5, "合力构建基层综合执法体系：镇专职执法力量不低于2名", "综合行政执法办公室", 45),
    (
        6,
        "努力强化机构编制刚性约束：党政综合办事机构行政编制数不低于2名，加强空编补员",
        "党政办公室",
        60,
    ),
]


class _Evidence(io.BytesIO):
    def __init__(self, name: str, text: str) -> None:
        data = render_docx(Document(title=name.removesuffix(".docx"), blocks=(Paragraph(text),)))
        super().__init__(data)
        self.name = name
        self.size = len(data)


def _rows(on: dt.date) -> tuple[list[TaskRow], list[TaskRow]]:
    from bianzhi.core.tasks import parse_deadline, split_units

    assets = [
        TaskRow(
            seq,
            seq,
            content,
            tuple(split_units(lead)),
            tuple(split_units(resp)),
            parse_deadline(text) or on,
            text,
        )
        for seq, content, lead, resp, text in ASSET_TASKS
    ]
    staffing = []
    for seq, content, lead, days in STAFFING_TASKS:
        deadline = on + dt.timedelta(days=days)
        staffing.append(
            TaskRow(
                seq,
                seq,
                content,
                (lead,),
                ("各办（中心）",),
                deadline,
                f"{deadline.year}年{deadline.month}月{deadline.day}日前",
            )
        )
    return assets, staffing


@demo_step("工作任务、巡回督导与消息（004 任务表）", order=80)
def demo_tasks(ctx: DemoContext) -> None:
    township = Region.objects.filter(code=PENGLAI).first()
    if township is None or WorkPlan.objects.filter(region=township, title=PLAN_ASSETS).exists():
        return
    on = clock.today()
    assets_rows, staffing_rows = _rows(on)
    assets = services.plan_import(
        actor=None,
        region=township,
        title=PLAN_ASSETS,
        rows=assets_rows,
        source=SOURCE_004 + "之二（任务表原文）",
        issued_on=dt.date(2021, 8, 19),
    )
    staffing = services.plan_import(
        actor=None,
        region=township,
        title=PLAN_STAFFING,
        rows=staffing_rows,
        source=SOURCE_004 + "之一“二、重点任务”；牵头单位与完成时限为演示设置，非原文",
        issued_on=dt.date(2021, 8, 19),
    )
    tasks = {t.seq: t for t in assets.tasks.all()}
    # Task 1: closed out with evidence after its finding was rectified and verified.
    services.task_report_progress(
        actor=None,
        task=tasks[1],
        unit="财政办",
        text="已完成镇国有资产清查，形成镇村公有资产清理统计表并报送县财政局。",
    )
    rnd = services.round_create(
        actor=None,
        region=township,
        plan=assets,
        held_on=dt.date(2021, 9, 1),
        title="2021年9月上半月巡回督导",
        inspector="镇纪委",
        summary="依 004“每半月镇纪委至少开展一轮巡回督导”，督任务、督进度，查问题、看成效。",
    )
    finding = services.finding_create(
        actor=None,
        round=rnd,
        task=tasks[1],
        unit="财政办",
        description="资产明细台账未按区域、类别分类建立。",
        rectify_by=dt.date(2021, 9, 15),
    )
    services.finding_rectify(
        actor=None, finding=finding, text="已按区域、类别重新建立资产明细台账。"
    )
    services.finding_verify(actor=None, finding=finding)
    services.task_request_closeout(
        actor=None,
        task=tasks[1],
        unit="财政办",
        text="清查完成，账实相符。",
        files=[_Evidence("资产清查统计表.docx", "镇村公有资产清理统计表（演示）")],
    )
    services.task_approve_closeout(actor=None, task=tasks[1], text="经核实，准予销号。")
    # Task 2: waiting for close-out approval.
    services.task_report_progress(
        actor=None, task=tasks[2], unit="农业综合服务中心", text="村集体资产移交清册已编制完成。"
    )
    services.task_request_closeout(
        actor=None,
        task=tasks[2],
        unit="农业综合服务中心",
        text="移交手续已办结。",
        files=[_Evidence("资产移交清册.docx", "资产移交清册（演示）")],
    )
    # Task 3: in progress, overdue, with an open finding.
    services.task_report_progress(
        actor=None,
        task=tasks[3],
        unit="财政办",
        text="闲置国有资产盘活方案已起草，待镇党委会审议。",
    )
    services.finding_create(
        actor=None,
        round=rnd,
        task=tasks[3],
        unit="财政办",
        description="盘活方案未明确盘活时限和责任人。",
        rectify_by=dt.date(2021, 9, 30),
    )
    # Task 4: in progress; task 5 not started.
    services.task_report_progress(
        actor=None, task=tasks[4], unit="财政办", text="已梳理可改作公益用房的闲置资产 6 处。"
    )
    staffing_tasks = {t.seq: t for t in staffing.tasks.all()}
    services.task_report_progress(
        actor=None, task=staffing_tasks[1], unit="党政办公室", text="权责清单初稿已完成。"
    )
    services.task_report_progress(
        actor=None, task=staffing_tasks[2], unit="党政办公室", text="已与派驻机构对接双重管理办法。"
    )
    result = notify_daily(today=on, force=True)
    ctx.echo(
        f"  工作方案 2 个、任务 {Task.objects.filter(plan__region=township).count()} 项、督导 1 轮；消息 {result.notifications} 条"
    )
