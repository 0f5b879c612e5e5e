"""URL-walk registry entries of the enforcement app (see bianzhi.kernel.testing).

Every object is created in 大英县's 蓬莱镇, so 通渭县's officer must get 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from bianzhi.kernel.testing import PUBLIC_URL_NAMES, ForeignWorld, url_param

# The disclosure page is public on purpose (002 §5: 谁执法谁公示).
PUBLIC_URL_NAMES.add("enforcement-public:township-enforcement")


def _case(world: ForeignWorld) -> Any:
    from bianzhi.enforcement.models import Case

    cached = world.extra.get("enforcement.case")
    if cached is None:
        cached = Case.objects.create(
            township=world.township,
            number="蓬综执立〔2026〕1号",
            matter_code="CF-001",
            matter_name="对违法占道经营的处罚",
            power_type="行政处罚",
            party_kind="person",
            party_name="张三",
            party_id="51092319900307123X",
            filed_on=dt.date(2026, 3, 1),
        )
        world.extra["enforcement.case"] = cached
    return cached


def _ids(factory: Any) -> Any:
    return lambda world: [str(factory(world).pk)]


url_param("case_id")(_ids(_case))


@url_param("case_file_id")
def _file(world: ForeignWorld) -> list[str]:
    from bianzhi.enforcement.models import CaseFile, CaseRecord

    record = CaseRecord.objects.create(case=_case(world), stage="现场检查", text="检查记录")
    item = CaseFile(record=record, original_name="笔录.pdf", size=9, content_type="application/pdf")
    item.file.save("test.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    item.save()
    return [str(item.pk)]


@url_param("meeting_id")
def _meeting(world: ForeignWorld) -> list[str]:
    from bianzhi.enforcement.models import JointMeeting

    meeting = JointMeeting.objects.create(
        region=world.township, held_on=dt.date(2026, 3, 5), title="县镇执法协调联席会议",
        participants="镇综合执法办、县市场监管局", decisions="建立案件移送机制",
    )
    return [str(meeting.pk)]


@url_param("pk", url_name="enforcement-case-detail")
def _api_case(world: ForeignWorld) -> list[str]:
    return [str(_case(world).pk)]
