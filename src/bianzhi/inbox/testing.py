"""URL-walk parameters for the inbox (see bianzhi.kernel.testing): a message
of 大英县's officer, which 通渭县's officer must not reach (404)."""

from __future__ import annotations

from bianzhi.inbox.models import Notification
from bianzhi.kernel.testing import ForeignWorld, url_param


@url_param("notification_id")
def _notification(world: ForeignWorld) -> list[str]:
    item = Notification.objects.create(
        user=world.officer, kind="deadline", title="已逾期：大英县任务", key="walk"
    )
    return [str(item.pk)]
