"""Charts for the evaluation report, drawn on the server with matplotlib.

ECharts only runs in a browser; Word and PDF need pictures. The charts use
the same CJK font the PDF embeds (resolved through fontconfig), so the
Chinese labels render instead of empty boxes.
"""

from __future__ import annotations

import io
from functools import cache

from bianzhi.core.document import Image

DPI = 200


@cache
def _setup() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams

    from bianzhi.adapters.pdf_official import resolve_font

    font = resolve_font("黑体")
    font_manager.fontManager.addfont(font.file)
    family = font_manager.FontProperties(fname=font.file).get_name()
    rcParams["font.family"] = family
    rcParams["axes.unicode_minus"] = False  # CJK fonts lack U+2212


def grouped_bars(
    *,
    categories: list[str],
    series: list[tuple[str, list[float]]],
    title: str,
    unit: str,
    percent: bool = False,
    width_mm: float = 150,
) -> Image:
    """A grouped bar chart (one group per category, one bar per series) as a PNG block."""
    _setup()
    import matplotlib.pyplot as plt

    height_in = 3.2 if len(categories) <= 12 else 4.2
    fig, ax = plt.subplots(figsize=(7.5, height_in), dpi=DPI)
    n = max(len(series), 1)
    width = 0.8 / n
    positions = range(len(categories))
    for k, (label, values) in enumerate(series):
        shown = [v * 100 for v in values] if percent else values
        ax.bar([p + (k - (n - 1) / 2) * width for p in positions], shown, width, label=label)
    ax.set_xticks(list(positions))
    ax.set_xticklabels(
        categories,
        rotation=45 if len(categories) > 8 else 0,
        ha="right" if len(categories) > 8 else "center",
        fontsize=8,
    )
    ax.set_ylabel(unit)
    ax.set_title(title, fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if n > 1:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    width_px, height_px = fig.canvas.get_width_height(physical=True)
    plt.close(fig)
    return Image(
        png=buffer.getvalue(),
        width_px=width_px,
        height_px=height_px,
        width_mm=width_mm,
        caption=title,
    )
