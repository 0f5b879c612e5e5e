"""The notification kinds of the enforcement app (registered on import)."""

from __future__ import annotations

from bianzhi.inbox.kinds import kind_register

CERTIFICATE = kind_register("enforcement.certificate", "执法证到期")
TRANSFER = kind_register("enforcement.transfer", "案件移送")
