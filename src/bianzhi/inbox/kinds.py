"""The registry of notification kinds: code → Chinese label.

A kind is not a ``choices=`` list on the ``Notification.kind`` column: that
would put every app's kinds in the inbox's migrations, so a new kind in
``allocation`` would need a migration here. Instead each app registers its
own kinds at start-up (from its ``AppConfig.ready()``, or as module-level
constants of a module ``ready()`` imports)::

    from bianzhi.inbox.kinds import kind_register

    PLAN_APPROVED = kind_register("plan.approved", "方案已批准")

``notify_*`` refuses a kind nobody registered (``UnknownKind``), and the inbox
shows the registered label. A row whose kind is no longer registered (its
app was removed) still shows, under its code.

The inbox itself provides the kinds events of any app share
(``NotificationKind``: 待审核, 办理结果, 其他); the codes of the kinds that
existed before this registry are kept, so stored messages keep their labels.
"""

from __future__ import annotations

# The width of the column; a kind code longer than this cannot be stored.
KIND_MAX_LENGTH = 64


class UnknownKind(ValueError):
    """``notify_*`` was given a kind no app registered (a programming error:
    register it from the app's ``ready()``)."""


_labels: dict[str, str] = {}


def kind_register(code: str, label: str) -> str:
    """Register the kind ``code`` with its Chinese ``label``; returns ``code``.

    Registering the same code with the same label again does nothing (an
    app's ``ready()`` may run more than once in tests); with another label it
    raises ``ValueError``: two apps would be sharing one code by accident.
    """
    if not code or code != code.strip() or len(code) > KIND_MAX_LENGTH:
        raise ValueError(f"消息类型代码须为 1–{KIND_MAX_LENGTH} 个字符且无首尾空格：{code!r}")
    if not label.strip():
        raise ValueError(f"消息类型“{code}”须有中文名称。")
    known = _labels.get(code)
    if known is not None and known != label:
        raise ValueError(f"消息类型“{code}”已登记为“{known}”，不能再登记为“{label}”。")
    _labels[code] = label
    return code


def kind_require(code: str) -> str:
    """``code`` if it is registered, else ``UnknownKind``."""
    if code not in _labels:
        raise UnknownKind(f"未登记的消息类型：{code!r}（请在应用的 ready() 中用 kind_register 登记）")
    return code


def kind_label(code: str) -> str:
    """The label of ``code``; the code itself if no app registers it (any more)."""
    return _labels.get(code, code)


def kinds() -> dict[str, str]:
    """Every registered kind, code → label (a copy)."""
    return dict(_labels)


class NotificationKind:
    """The kinds the inbox provides for events of any app: "someone must
    review this" and "here is the outcome". An app's own kinds (e.g. 任务时限
    of ``tasks``) are registered by that app."""

    APPROVAL = kind_register("approval", "待审核")
    RESULT = kind_register("result", "办理结果")
    OTHER = kind_register("other", "其他")
