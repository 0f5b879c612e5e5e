"""The notification kinds of the work-plan app, registered with the inbox when
this module is imported (``TasksConfig.ready()`` does; see
``bianzhi.inbox.kinds``). Pending close-outs use the inbox's own 待审核
(``NotificationKind.APPROVAL``)."""

from __future__ import annotations

from bianzhi.inbox.kinds import kind_register

DEADLINE = kind_register("deadline", "任务时限")
FINDING = kind_register("finding", "督导问题")
