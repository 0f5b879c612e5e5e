"""`bianzhi allocate`: the "3+X" model on a county table (placeholder)."""

from __future__ import annotations

import click


@click.command("allocate")
def allocate_command() -> None:
    """按“3+X”模型测算乡镇编制。"""
    raise click.ClickException("尚未实现")
