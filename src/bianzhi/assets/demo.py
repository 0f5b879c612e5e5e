"""Demo step: the public assets of the first two townships of each demo
county (004's 清查、移交、盘活), an inventory round, one plan closed out.
Through the services (audited); idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bianzhi.assets import services
from bianzhi.assets.models import Asset
from bianzhi.assets.services import AssetFields
from bianzhi.kernel import clock
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Level, Region

ASSETS = [
    AssetFields("原撤并乡政府办公楼", "镇", "办公用房", "撤并乡镇", "已登记", "闲置", "", "原乡政府驻地",
                Decimal("1200"), Decimal("180")),
    AssetFields("原村小学校舍", "村集体", "学校校舍", "撤并学校", "未登记", "闲置", "一村", "一村三组",
                Decimal("650"), Decimal("45")),
    AssetFields("原村活动室", "村集体", "村活动阵地", "撤并村", "办理中", "闲置", "二村", "原三村村委会",
                Decimal("300"), Decimal("20")),
    AssetFields("镇政府办公楼", "镇", "办公用房", "原有", "已登记", "在用", "", "镇政府驻地",
                Decimal("2400"), Decimal("560")),
    AssetFields("原办事处院坝", "镇", "土地", "撤并办事处", "未登记", "闲置", "", "原办事处",
                Decimal("900"), Decimal("30")),
]


@demo_step("镇村公有资产（示例数据）", order=86)
def assets_demo(ctx: DemoContext) -> None:
    today = clock.today()
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        if Asset.objects.filter(township__county_code=code).exists():
            ctx.echo(f"  {county.name}：资产台账已存在")
            continue
        townships = list(Region.objects.filter(level=Level.TOWNSHIP, county_code=code).order_by("code")[:2])
        for township in townships:
            made = services.asset_import(actor=None, township=township, rows=list(enumerate(ASSETS, start=2)))
            office, school, hall = made[0], made[1], made[2]
            plan = services.plan_create(actor=None, asset=office, category="改作公益用房一批",
                                        measures="改建为便民服务中心和老年日间照料中心", responsible_unit="财政办",
                                        deadline=today + dt.timedelta(days=60))
            services.plan_report(actor=None, plan=plan, text="已完成改建方案设计。")
            services.plan_create(actor=None, asset=school, category="公益事业改建一批",
                                 measures="改建为留守儿童之家", responsible_unit="一村村委会",
                                 deadline=today - dt.timedelta(days=10))
            services.asset_transfer(actor=None, asset=hall, receiver_kind="村", to_party="合并后的二村",
                                    document_number=f"{township.name[:2]}府发〔{today.year}〕3号",
                                    on=today - dt.timedelta(days=40), note="撤并村资产移交合并村")
        services.round_create(actor=None, county=county, year=today.year)
        ctx.echo(f"  {county.name}：资产 {len(ASSETS) * len(townships)} 宗")
