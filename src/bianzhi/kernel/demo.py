"""`bianzhi demo`: an extensible, idempotent list of demo steps.

Any installed app may ship a ``demo.py`` module; it is imported on
``demo_run`` (Django's ``autodiscover_modules``) and registers its steps::

    from bianzhi.kernel.demo import DemoContext, demo_step

    @demo_step("乡镇指标（示例数据）", order=30)
    def townships(ctx: DemoContext) -> None:
        for code in ctx.county_codes: ...

Steps run in ``order`` (regions 10, users 20; later apps 30+) inside one
transaction each, and must be idempotent: running the demo twice changes
nothing the second time. Steps write through services, so the demo is audited
like any other write (actor None = "系统").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

DEFAULT_PASSWORD = "demo-2026"
DAYING = "510923"  # 四川省 遂宁市 大英县
TONGWEI = "621121"  # 甘肃省 定西市 通渭县


@dataclass
class DemoContext:
    password: str = DEFAULT_PASSWORD
    # The demo counties; steps of later apps iterate over these.
    county_codes: tuple[str, ...] = (DAYING, TONGWEI)
    # True: import the whole country (about 5 s on SQLite); False: the demo counties only.
    full_country: bool = True
    echo: Callable[[str], None] = print
    # Free-form results steps hand to later steps (e.g. users by name).
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: Callable[[DemoContext], None]


DEMO_STEPS: list[DemoStep] = []


def demo_step(
    name: str, order: int = 100
) -> Callable[[Callable[[DemoContext], None]], Callable[[DemoContext], None]]:
    """Register ``func`` as a demo step (re-registering the same name replaces it)."""

    def register(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        DEMO_STEPS[:] = [s for s in DEMO_STEPS if s.name != name]
        DEMO_STEPS.append(DemoStep(name=name, order=order, run=func))
        return func

    return register


class DemoRefused(Exception):
    pass


def demo_run(*, context: DemoContext | None = None) -> DemoContext:
    """Run every registered step in order; refuses under production settings."""
    if getattr(settings, "PRODUCTION", False) or os.environ.get("BIANZHI_PRODUCTION", "") not in (
        "",
        "0",
    ):
        raise DemoRefused("生产环境（BIANZHI_PRODUCTION）下不能生成示例数据。")
    ctx = context or DemoContext(
        password=os.environ.get("BIANZHI_DEMO_PASSWORD") or DEFAULT_PASSWORD
    )
    autodiscover_modules("demo")
    for step in sorted(DEMO_STEPS, key=lambda s: (s.order, s.name)):
        ctx.echo(f"示例数据：{step.name}")
        with transaction.atomic():
            step.run(ctx)
    return ctx
