"""PDF output of official documents: HTML laid out by WeasyPrint after GB/T 9704.

The same document model as ``docx_official`` and the same layout: A4,
margins 37/35/28/26 mm (top/bottom/left/right), 22 lines of 28.95 pt,
title 22 pt, body 16 pt, page numbers 14 pt "— 1 —" 7 mm under the 版心, odd
pages right and even pages left, one character in.

Fonts. A PDF must carry its fonts, so every face is resolved to a font that
is really installed: the official font (方正小标宋简体, 仿宋_GB2312, 黑体,
楷体_GB2312, 宋体) when fontconfig knows it, otherwise its Noto CJK substitute
(Debian ``fonts-noto-cjk``), looked up with ``fc-match``. WeasyPrint embeds
the subset it uses; ``pdffonts`` shows them as "emb yes". No installed CJK
font at all is an error (``FontsMissing``), never a PDF of empty boxes.
"""

from __future__ import annotations

import base64
import html
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

from bianzhi.adapters.docx_official import (
    BODY_PT,
    CHARS_PER_LINE,
    FALLBACK,
    LINES_PER_PAGE,
    OFFICIAL_FONTS,
    PAGE_NUMBER_PT,
    TABLE_PT,
    TITLE_CHARS_PER_LINE,
    TITLE_PT,
)
from bianzhi.core.document import (
    Block,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Signature,
    Table,
    title_lines,
)

PDF_MIME = "application/pdf"
LINE_PT = 225 / 25.4 * 72 / LINES_PER_PAGE  # 28.99 pt: 225 mm over 22 lines


class FontsMissing(RuntimeError):
    """No CJK font is installed (install Debian's fonts-noto-cjk)."""


@dataclass(frozen=True)
class ResolvedFont:
    wanted: str  # the official name
    family: str  # the family WeasyPrint will use
    file: str  # the file fontconfig resolves it to
    substituted: bool


def _fc(args: list[str]) -> str:
    exe = shutil.which(args[0])
    if exe is None:
        raise FontsMissing("找不到 fontconfig（fc-match）：请安装 fontconfig 与 fonts-noto-cjk。")
    return subprocess.run(
        [exe, *args[1:]], capture_output=True, text=True, check=False, timeout=20
    ).stdout.strip()


@cache
def resolve_font(official: str) -> ResolvedFont:
    """The installed font used for ``official`` (itself if installed, else its Noto substitute)."""
    installed = _fc(["fc-list", "-f", "%{family}\n", f":family={official}"])
    if installed:
        file = _fc(["fc-match", "-f", "%{file}", f"{official}:lang=zh-cn"])
        return ResolvedFont(official, official, file, substituted=False)
    substitute = FALLBACK.get(official, "Noto Serif CJK SC")
    family_file = _fc(
        ["fc-match", "-f", "%{family[0]}|%{file}|%{lang}", f"{substitute}:lang=zh-cn"]
    )
    family, _, rest = family_file.partition("|")
    file, _, langs = rest.partition("|")
    if "zh-cn" not in langs.split("|"):
        raise FontsMissing(
            f"没有可用的中文字体（需要“{official}”或“{substitute}”）：请安装 fonts-noto-cjk。"
        )
    return ResolvedFont(official, family, file, substituted=True)


def resolved_fonts() -> dict[str, ResolvedFont]:
    """Role → font actually used, for the CLI's ``--verbose`` and the tests."""
    f = OFFICIAL_FONTS
    return {
        "title": resolve_font(f.title),
        "body": resolve_font(f.body),
        "heading1": resolve_font(f.heading1),
        "heading2": resolve_font(f.heading2),
        "page_number": resolve_font(f.page_number),
    }


def _css() -> str:
    fonts = resolved_fonts()

    def family(role: str) -> str:
        # The resolved family first; the generic keyword keeps Latin text sane.
        return f'"{fonts[role].family}", serif'

    # 方正小标宋 is a heavy Song face; the Noto substitute needs bold to look like it.
    title_weight = "bold" if fonts["title"].substituted else "normal"
    return f"""
@page {{
  size: A4; margin: 37mm 26mm 35mm 28mm;
}}
@page :right {{
  @bottom-right {{
    content: "— " counter(page) " —"; font-family: {family("page_number")};
    font-size: {PAGE_NUMBER_PT}pt; vertical-align: top; padding-top: 5mm; padding-right: 1em;
  }}
}}
@page :left {{
  @bottom-left {{
    content: "— " counter(page) " —"; font-family: {family("page_number")};
    font-size: {PAGE_NUMBER_PT}pt; vertical-align: top; padding-top: 5mm; padding-left: 1em;
  }}
}}
html {{ font-family: {family("body")}; font-size: {BODY_PT}pt; line-height: {LINE_PT:.2f}pt; }}
body {{ margin: 0; text-align: justify; }}
/* 28 characters per line: 156 mm / 28 = 5.57 mm per character (GB/T 9704 §5.2.3). */
p {{ margin: 0; letter-spacing: {(156 / CHARS_PER_LINE / 25.4 * 72 - BODY_PT) - 0.05:.2f}pt; }}
p.indent {{ text-indent: 2em; }}
p.center {{ text-align: center; }} p.right {{ text-align: right; }} p.left {{ text-align: left; }}
p.bold {{ font-weight: bold; }}
h1.title {{ font-family: {family("title")}; font-size: {TITLE_PT}pt; font-weight: {title_weight};
  text-align: center; margin: 0; line-height: {LINE_PT * 1.2:.2f}pt; }}
p.subtitle {{ font-family: {family("heading2")}; text-align: center; }}
h2, h3, h4 {{ font-size: {BODY_PT}pt; margin: 0; text-indent: 2em; page-break-after: avoid;
  letter-spacing: {(156 / CHARS_PER_LINE / 25.4 * 72 - BODY_PT) - 0.05:.2f}pt; }}
/* The 落款 and the paragraph before it share a page. */
div.closing {{ break-inside: avoid; }}
h2 {{ font-family: {family("heading1")}; font-weight: normal; }}
h3 {{ font-family: {family("heading2")}; font-weight: normal; }}
h4 {{ font-family: {family("body")}; font-weight: bold; }}
p.caption {{ font-family: {family("heading1")}; font-size: 14pt; text-align: center;
  page-break-after: avoid; }}
table {{ border-collapse: collapse; width: 100%; margin: 0 0 {LINE_PT / 2:.1f}pt;
  font-size: {TABLE_PT}pt; line-height: 1.35; table-layout: fixed; }}
th, td {{ border: 0.5pt solid #000; padding: 1.5pt 3pt; text-align: center; vertical-align: middle; }}
td.num {{ text-align: right; }} td.long {{ text-align: left; }}
tr {{ page-break-inside: avoid; }}
tr.total td {{ font-weight: bold; }}
figure {{ margin: 0; text-align: center; page-break-inside: avoid; }}
figure img {{ display: block; margin: 0 auto; }}
p.signature {{ text-align: right; padding-right: 4em; text-indent: 0; }}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _table_html(table: Table) -> str:
    columns = len(table.headers)
    weights = table.widths if len(table.widths) == columns else (1.0,) * columns
    total = sum(weights)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in weights)
    head = "".join(f"<th>{_e(h)}</th>" for h in table.headers)
    rows = []
    last = len(table.rows) - 1
    for r, cells in enumerate(table.rows):
        tds = []
        for i, cell in enumerate(cells):
            cls = "num" if i in table.numeric else ("long" if len(cell) > 8 else "")
            tds.append(f'<td class="{cls}">{_e(cell)}</td>')
        cls = ' class="total"' if table.total_row and r == last else ""
        rows.append(f"<tr{cls}>{''.join(tds)}</tr>")
    caption = f'<p class="caption">{_e(table.caption)}</p>' if table.caption else ""
    return (
        f"{caption}<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        tag = f"h{min(max(block.level, 1), 3) + 1}"
        return f"<{tag}>{_e(block.text)}</{tag}>"
    if isinstance(block, Paragraph):
        classes = ["indent"] if block.indent else []
        if block.align != "justify":
            classes.append(block.align)
        if block.bold:
            classes.append("bold")
        return f'<p class="{" ".join(classes)}">{_e(block.text)}</p>'
    if isinstance(block, Table):
        return _table_html(block)
    if isinstance(block, Image):
        data = base64.b64encode(block.png).decode("ascii")
        caption = f'<p class="caption">{_e(block.caption)}</p>' if block.caption else ""
        return (
            f'<figure><img src="data:image/png;base64,{data}" '
            f'style="width:{block.width_mm:.1f}mm;height:{block.height_mm:.1f}mm" alt="">'
            f"{caption}</figure>"
        )
    if isinstance(block, PageBreak):
        return '<div style="page-break-after: always"></div>'
    if isinstance(block, Signature):
        lines = "".join(f'<p class="signature">{_e(line)}</p>' for line in block.lines)
        return f'<p>&#160;</p>{lines}<p class="signature">{_e(block.date)}</p>'
    raise TypeError(f"unknown block {block!r}")


def document_html(doc: Document) -> str:
    """The HTML of ``doc`` (with its CSS), as WeasyPrint renders it."""
    # The same balanced title lines as the .docx (GB/T 9704 §7.3.3).
    title = "<br>".join(_e(line) for line in title_lines(doc.title, TITLE_CHARS_PER_LINE))
    parts = [
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(doc.title)}</title><style>{_css()}</style></head><body>",
        f'<h1 class="title">{title}</h1>',
    ]
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{_e(doc.subtitle)}</p>')
    if doc.number:
        parts.append(f'<p class="center">{_e(doc.number)}</p>')
    parts.append("<p>&#160;</p>")
    if doc.addressee:
        parts.append(f'<p class="left">{_e(doc.addressee)}</p>')
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        if i + 1 < len(blocks) and isinstance(blocks[i + 1], Signature):
            continue  # written together with the 落款 below
        if isinstance(block, Signature) and i > 0:
            parts.append(
                f'<div class="closing">{_block_html(blocks[i - 1])}{_block_html(block)}</div>'
            )
        else:
            parts.append(_block_html(block))
    parts.append("</body></html>")
    return "".join(parts)


def render_pdf(doc: Document) -> bytes:
    """The PDF bytes of ``doc`` with its CJK fonts embedded."""
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    # The PDF's title metadata comes from <title>.
    pdf: bytes = HTML(string=document_html(doc)).write_pdf()
    return pdf
