"""`bianzhi allocate`: the "3+X" model on a county table.

A thin shell: read the table and the settings (adapters), allocate (core),
write the result (adapters). Every input problem is collected before
anything is computed and printed one per line, in Chinese, with exit code 2
and no output file; the output is written atomically only on success.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from bianzhi.adapters.allocation_config import (
    CLI_ORIGIN,
    PlanSettings,
    SettingsError,
    load_config,
    resolve_plan,
    settings_from_options,
)
from bianzhi.adapters.allocation_export import (
    FORMATS,
    output_format,
    render,
    summary_text,
    write_atomic,
)
from bianzhi.adapters.allocation_report import AllocationReport
from bianzhi.adapters.problems import InputError, InputProblem
from bianzhi.adapters.textwidth import display_width, wrap
from bianzhi.adapters.xlsx_county_table import CountyTable, TableError, read_county_table
from bianzhi.core.allocation import AllocationError, Method, allocate, compare_methods

USAGE = "INPUT [选项] --out OUTPUT"

HELP = """\
按“3+X”模型测算各乡镇编制：读取乡镇基本情况表 INPUT，从编制总量中留出机动编制，\
其余的基本编制按各乡镇指标得分、用所选方法分配（满足类别和乡镇的上下限），结果写入 OUTPUT。

INPUT 为 .xlsx（第一个工作表）或 .csv（UTF-8 或 GBK），每行一个乡镇。\
必需的列：代码、名称、类别、人口、面积、经济；\
可选的列：现有编制、下限、上限（该乡镇的个别下限、上限）；\
其余数值列为附加指标（X），以表头为指标名。表头可带单位，如“人口（人）”。

输入有误时列出全部问题（文件、行、列和原因），不写出任何文件，退出码为 2。

示例：
  bianzhi allocate examples/daying.csv --total 160 --reserve 5% --floor 一般乡镇=15 --out out/大英县测算结果.xlsx
  bianzhi allocate examples/daying.xlsx -c examples/daying.toml --compare -o out/大英县测算结果.json
"""

_METHODS = "；".join(f"{m.value} {m.label}" for m in Method)


class _ChineseUsageError(click.UsageError):
    """A usage error shown in Chinese (click's own messages are English)."""

    def show(self, file: Any = None) -> None:
        command = self.ctx.command_path if self.ctx else "bianzhi allocate"
        click.echo(f"用法：{command} {USAGE}", err=True)
        click.echo(f"运行 {command} --help 查看全部选项。\n", err=True)
        click.echo(f"错误：{self.format_message()}", err=True)


class _ChineseCommand(click.Command):
    """A command whose help and usage errors are in Chinese and whose help
    text wraps by display width (Chinese characters are two columns)."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write(f"用法：{ctx.command_path} {USAGE}\n")

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = max(formatter.width or 78, 60)
        self.format_usage(ctx, formatter)
        formatter.write("\n")
        for paragraph in (self.help or "").strip().split("\n\n"):
            for line in paragraph.split("\n"):
                # Indented lines (examples) are kept as they are.
                lines = [line] if line.startswith(" ") else wrap(line, width)
                formatter.write("".join(f"{part}\n" for part in lines))
            formatter.write("\n")
        formatter.write("选项：\n")
        indent = 26
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or isinstance(param, click.Argument):
                continue
            names, text = record
            if param is self.get_help_option(ctx):
                text = "显示本帮助并退出。"
            first = f"  {names}"
            lines = wrap(text, width - indent)
            if display_width(first) + 2 <= indent:
                formatter.write(first + " " * (indent - display_width(first)) + lines[0] + "\n")
                rest = lines[1:]
            else:
                formatter.write(first + "\n")
                rest = lines
            formatter.write("".join(" " * indent + part + "\n" for part in rest))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            message = f"没有选项 {exc.option_name}"
            if exc.possibilities:
                # click lists the closest first.
                message += f"；是否指 {exc.possibilities[0]}？"
            raise _ChineseUsageError(message, ctx) from None
        except click.BadOptionUsage as exc:
            if "does not take a value" in exc.message:
                message = f"选项 {exc.option_name} 不带取值"
            else:
                message = f"选项 {exc.option_name} 缺少取值"
            raise _ChineseUsageError(message, ctx) from None
        except click.UsageError as exc:
            if "unexpected extra argument" in exc.message:
                extra = exc.message.split("(", 1)[-1].rstrip(")")
                message = f"多余的参数：{extra}（INPUT 只能有一个；选项取值含空格时请加引号）"
            else:
                message = f"命令行有误（{exc.message}）"
            raise _ChineseUsageError(message, ctx) from None


@click.command("allocate", cls=_ChineseCommand, help=HELP, no_args_is_help=False)
@click.argument("input_path", metavar="INPUT", required=False)
@click.option(
    "--out",
    "-o",
    metavar="OUTPUT",
    help="输出文件，格式由扩展名决定：.xlsx（可打印的 Excel 表，含测算参数、测算说明）、"
    ".csv（带 BOM 的 UTF-8，Excel 可直接打开）、.json。目录不存在时自动创建。",
)
@click.option(
    "--total",
    metavar="N",
    help="编制总量（总量控制数，含机动编制）。必填，除非配置文件中已设置 total。",
)
@click.option(
    "--reserve",
    metavar="N|P%",
    help="机动编制：个数（如 8）或编制总量的百分比（如 5%，四舍五入取整）。默认 0。",
)
@click.option("--method", "-m", metavar="METHOD", help=f"分配方法：{_METHODS}。默认 webster。")
@click.option(
    "--weight",
    "-w",
    "weights",
    metavar="NAME=W",
    multiple=True,
    help="指标权重，可重复，如 -w 人口=0.4 -w 面积=0.3 -w 经济=0.3 -w 村（社区）数=0.1。"
    "指标名即表头。不设任何权重时，人口、面积、经济三项等权（各为 1）；"
    "设了权重时只有设了权重的指标参与测算。权重按比例折算，0.4 与 40 等效。",
)
@click.option(
    "--floor",
    "floors",
    metavar="CLASS=N",
    multiple=True,
    help="类别下限（保底编制），可重复，如 --floor 一般乡镇=15（一般乡镇行政编制不低于 15 名）。",
)
@click.option(
    "--cap",
    "caps",
    metavar="CLASS=N",
    multiple=True,
    help="类别上限，可重复，如 --cap 县政府驻地镇=40。",
)
@click.option(
    "--coef",
    "coefficients",
    metavar="CLASS=C",
    multiple=True,
    help="类别系数，乘在该类乡镇的得分上，可重复，如 --coef 中心镇=1.1。默认 1。",
)
@click.option(
    "--no-decrease/--allow-decrease",
    "no_decrease",
    default=None,
    help="--no-decrease：各乡镇测算编制不少于“现有编制”列（不减少）；"
    "--allow-decrease：取消配置文件中的该项。默认允许减少。",
)
@click.option(
    "--max-step",
    metavar="N",
    help="与“现有编制”相比，每个乡镇最多增减 N 名。默认不限。",
)
@click.option(
    "--compare",
    is_flag=True,
    default=False,
    help="同时用全部五种方法测算并对照：终端打印对照表，xlsx 增加“方法比较”工作表，"
    "json 增加 compare 键，csv 每种方法增加一列。",
)
@click.option(
    "--config",
    "-c",
    metavar="FILE.toml",
    help="TOML 配置文件，键为 total、reserve、method、weights、floors、caps、coefficients、"
    "no_decrease、max_step、quota_type、title。命令行选项优先；"
    "权重、下限、上限、系数按项覆盖。",
)
@click.option("--quota-type", metavar="NAME", help="编制类型名称，仅作标注。默认“行政编制”。")
@click.option("--title", metavar="TEXT", help="结果标题（xlsx 首行、终端首行）。默认为输出文件名。")
def allocate_command(
    input_path: str | None,
    out: str | None,
    total: str | None,
    reserve: str | None,
    method: str | None,
    weights: tuple[str, ...],
    floors: tuple[str, ...],
    caps: tuple[str, ...],
    coefficients: tuple[str, ...],
    no_decrease: bool | None,
    max_step: str | None,
    compare: bool,
    config: str | None,
    quota_type: str | None,
    title: str | None,
) -> None:
    """Run the model; see HELP. Exit 0 on success, 2 on any input problem,
    1 when the output cannot be written."""
    # A one-shot process that makes a few million small objects (a national
    # table: cells, townships, JSON documents) and no reference cycles: the
    # cyclic collector would walk them again and again for nothing (about a
    # fifth of the run's CPU time). Back on when the command ends, however it
    # ends, for callers that run it in-process (tests, CliRunner).
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)
    problems: list[InputProblem] = []
    fmt = _check_paths(input_path, out, problems)

    layers: list[PlanSettings] = []
    if config is not None:
        layers.append(_collect(lambda: load_config(config), problems))
    layers.append(
        _collect(
            lambda: settings_from_options(
                title=title,
                quota_type=quota_type,
                total=total,
                reserve=reserve,
                method=method,
                weights=weights,
                floors=floors,
                caps=caps,
                coefficients=coefficients,
                no_decrease=no_decrease,
                max_step=max_step,
            ),
            problems,
        )
    )

    table: CountyTable | None = None
    if input_path is not None:
        try:
            table = read_county_table(input_path)
        except TableError as exc:
            problems.extend(exc.problems)
            table = exc.partial

    plan = None
    if table is not None:
        default_title = Path(out).stem if out else Path(input_path or "").stem
        try:
            plan = resolve_plan(table, layers, default_title=default_title)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems or plan is None or table is None or fmt is None or out is None:
        _fail(problems)

    try:
        result = allocate(table.townships, plan.params)
        comparison = compare_methods(table.townships, plan.params) if compare else None
    except AllocationError as exc:
        _fail([InputProblem(table.file, None, None, message) for message in exc.problems])

    # This command runs without Django (it starts in a fraction of a second),
    # so it reads the wall clock itself rather than through kernel.clock.
    generated_at = datetime.now().astimezone()
    report = AllocationReport(
        result, plan.title, source=table.file, comparison=comparison, generated_at=generated_at
    )
    try:
        write_atomic(out, render(report, fmt))
    except OSError as exc:
        # Not an input problem: exit 1, like click's own errors.
        reason = exc.strerror or str(exc)
        click.echo(
            f"错误：无法写出 {out}（{reason}）；若该文件正在 Excel 中打开，请关闭后重试", err=True
        )
        click.get_current_context().exit(1)

    click.echo(summary_text(report))
    current = sum(table.current.values())
    if len(table.current) == len(table.townships) and result.total < current:
        click.echo(
            f"提示：编制总量 {result.total} 少于现有编制合计 {current}"
            "（乡镇编制总量原则上“不减少”）。",
            err=True,
        )
    click.echo(f"\n已写出 {out}")


def _check_paths(
    input_path: str | None, out: str | None, problems: list[InputProblem]
) -> str | None:
    """Problems with INPUT and --out; the output format when it is known."""
    if input_path is None:
        problems.append(InputProblem(CLI_ORIGIN, None, "INPUT", "缺少输入文件（乡镇基本情况表）"))
    if out is None:
        problems.append(
            InputProblem(
                CLI_ORIGIN, None, "--out", "缺少输出文件：请用 --out 指定 .xlsx、.csv 或 .json 文件"
            )
        )
        return None
    fmt = output_format(out)
    if fmt is None:
        suffix = Path(out).suffix or "（无扩展名）"
        problems.append(
            InputProblem(
                CLI_ORIGIN,
                None,
                "--out",
                f"不支持的输出格式“{suffix}”（{out}）：文件名须以 "
                + "、".join(f".{f}" for f in FORMATS)
                + " 结尾",
            )
        )
    if Path(out).is_dir():
        problems.append(InputProblem(CLI_ORIGIN, None, "--out", f"{out} 是目录，请给出文件名"))
    elif input_path is not None and Path(out).resolve() == Path(input_path).resolve():
        problems.append(InputProblem(CLI_ORIGIN, None, "--out", "输出文件不能与输入文件相同"))
    return fmt


def _collect(read: Callable[[], PlanSettings], problems: list[InputProblem]) -> PlanSettings:
    """Call a settings reader; on error keep its problems and partial settings."""
    try:
        return read()
    except SettingsError as exc:
        problems.extend(exc.problems)
        return exc.partial


def _fail(problems: Sequence[InputProblem]) -> NoReturn:
    count = len(problems)
    click.echo(f"错误：发现 {count} 个问题，未写出任何文件：", err=True)
    width = len(str(count))
    for number, problem in enumerate(problems, 1):
        click.echo(f"  {number:>{width}}. {problem}", err=True)
    click.get_current_context().exit(2)
