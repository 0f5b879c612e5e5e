"""Official documents in Word and PDF: layout after GB/T 9704, contents from the data.

The .docx is read back with python-docx (and its XML where python-docx has no
API); the PDF through poppler: ``pdftotext`` for the text, ``pdffonts`` for the
embedded fonts, ``pdftoppm`` for a picture of page 1 that is checked for ink
where the title must be.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from bianzhi.adapters.docx_official import FontSet, render_docx
from bianzhi.core.document import Document, Heading, Image, Paragraph, Table
from bianzhi.core.sanding import (
    AFFILIATED_INSTITUTION,
    PARTY_GOVERNMENT_OFFICE,
    SandingData,
    SandingInstitution,
    SandingLeadershipPost,
    sanding_document,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

PENGLAI = SandingData(
    township_code="510923100",
    township_name="蓬莱镇",
    county_name="大英县",
    issuer="中共大英县委机构编制委员会",
    date=dt.date(2021, 9, 1),
    township_class="中心镇",
    duties=("宣传和贯彻执行党的路线方针政策", "负责统筹本镇经济社会发展 & 乡村振兴<重点>工作"),
    institutions=(
        SandingInstitution("党政办公室", PARTY_GOVERNMENT_OFFICE, 6, 0, ("党建工作办公室",)),
        SandingInstitution("综合行政执法办公室", PARTY_GOVERNMENT_OFFICE, 4, 0),
        SandingInstitution("便民服务中心", AFFILIATED_INSTITUTION, 0, 7),
        SandingInstitution("农业综合服务中心", AFFILIATED_INSTITUTION, 0, 9),
    ),
    leadership_posts=(SandingLeadershipPost("党委书记", 1), SandingLeadershipPost("镇长", 1)),
    duty_list_size=163,
)


def _docx(data: SandingData = PENGLAI, **kw: object) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(sanding_document(data), **kw)))  # type: ignore[arg-type]


def test_page_setup_follows_gb_t_9704() -> None:
    section = _docx().sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37
    assert round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28
    assert round(section.right_margin.mm) == 26
    grid = section._sectPr.find(f"{W}docGrid")
    # 22 lines fill the 225 mm 版心: 28.95 pt = 579 twips a line.
    assert abs(int(grid.get(f"{W}linePitch")) * 22 - 225 * 56.69) < 22


def test_title_and_body_fonts_are_the_official_east_asian_fonts() -> None:
    document = _docx()
    styles = document.styles
    title = styles["Title"]
    assert title.font.size.pt == 22
    assert title.element.rPr.rFonts.get(f"{W}eastAsia") == "方正小标宋简体"
    defaults = styles.element.find(f"{W}docDefaults").find(f".//{W}rFonts")
    assert defaults.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert styles.element.find(f"{W}docDefaults").find(f".//{W}sz").get(f"{W}val") == "32"
    assert styles["Heading 1"].element.rPr.rFonts.get(f"{W}eastAsia") == "黑体"
    assert styles["Heading 2"].element.rPr.rFonts.get(f"{W}eastAsia") == "楷体_GB2312"
    spacing = styles.element.find(f"{W}docDefaults").find(f".//{W}spacing")
    # 28.95 pt: 22 lines fit in the 225 mm 版心 (580 twips overflow it by 2 twips).
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("579", "exact")


def test_every_text_style_states_zh_cn_and_the_body_is_condensed_to_28_a_line() -> None:
    styles = _docx().styles
    normal = styles["Normal"].element.rPr
    # LibreOffice reads the default paragraph style, not only docDefaults: the
    # language (for the fallback font and simplified glyph forms), the size and
    # the 0.25 pt condensing that makes 28 characters of 16 pt fill 156 mm.
    assert normal.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    assert normal.find(f"{W}sz").get(f"{W}val") == "32"
    assert normal.find(f"{W}spacing").get(f"{W}val") == "-5"
    assert 28 * (16 - 0.25) <= 156 / 25.4 * 72 < 29 * (16 - 0.25)
    grid = _docx().sections[0]._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines"


def test_the_font_table_names_the_installed_substitutes() -> None:
    raw = render_docx(sanding_document(PENGLAI))
    fonts = zipfile.ZipFile(io.BytesIO(raw)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="Noto Serif CJK SC"/>' in fonts
    assert '<w:font w:name="黑体"><w:altName w:val="Noto Sans CJK SC"/>' in fonts


def test_installed_font_set_writes_the_noto_names() -> None:
    styles = _docx(font_set=FontSet.INSTALLED).styles
    assert styles["Title"].element.rPr.rFonts.get(f"{W}eastAsia") == "Noto Serif CJK SC"


def test_page_numbers_are_dashed_14pt_odd_right_even_left() -> None:
    document = _docx()
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    # python-docx skips the PAGE field's run; the field itself is in the XML.
    assert odd.text == "—  —" and even.text == "—  —"
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT
    assert 'w:instr=" PAGE "' in odd._p.xml
    assert document.styles["Footer"].font.size.pt == 14


def test_sanding_contents_match_the_data() -> None:
    document = _docx()
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "蓬莱镇主要职责、机构设置和人员编制方案"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、主要职责", "二、机构设置", "三、人员编制和领导职数", "四、其他事项"]
    assert "（二）负责统筹本镇经济社会发展 & 乡村振兴<重点>工作" in texts  # escaped, not lost
    assert "蓬莱镇设置党政综合办事机构2个、直属事业单位2个。" in texts
    assert "1. 党政办公室（挂党建工作办公室牌子）" in texts
    assert "蓬莱镇核定行政编制10名、事业编制16名。各机构编制分配如下表。" in texts
    assert "蓬莱镇核定领导职数2名：党委书记1名、镇长1名。" in texts
    assert "蓬莱镇承接权责清单事项163项，按清单履行职责。" in texts
    assert texts[-2:] == ["中共大英县委机构编制委员会", "2021年9月1日"]
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "机构名称", "机构类别", "行政编制", "事业编制", "挂牌"]
    assert rows[1] == ["1", "党政办公室", "党政综合办事机构", "6", "0", "党建工作办公室"]
    assert rows[3][1:5] == ["便民服务中心", "直属事业单位", "0", "7"]
    assert rows[-1][1] == "合计" and rows[-1][3:5] == ["10", "16"]
    assert len(rows) == 1 + 4 + 1


def test_empty_parts_say_so_instead_of_vanishing() -> None:
    bare = SandingData(
        "510923101",
        "天保镇",
        "大英县",
        "中共大英县委机构编制委员会",
        dt.date(2021, 9, 1),
        duties=(),
        institutions=(),
        leadership_posts=(),
    )
    texts = [p.text for p in _docx(bare).paragraphs]
    assert "（权责清单尚未录入本系统。）" in texts
    assert "（领导职数尚未录入本系统。）" in texts
    assert "天保镇核定行政编制0名、事业编制0名。各机构编制分配如下表。" in texts


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x80\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_pictures_are_embedded_with_their_size() -> None:
    doc = Document(
        title="图表",
        blocks=(Heading("一、图"), Image(_png(40, 20), 40, 20, width_mm=120, caption="图1 示例")),
    )
    document = docx.Document(io.BytesIO(render_docx(doc)))
    shapes = document.inline_shapes
    assert len(shapes) == 1
    assert round(shapes[0].width / Mm(1)) == 120 and round(shapes[0].height / Mm(1)) == 60
    assert "图1 示例" in [p.text for p in document.paragraphs]


def test_rendering_is_deterministic_for_a_fixed_time() -> None:
    doc = sanding_document(PENGLAI)
    stamp = dt.datetime(2021, 9, 1, tzinfo=dt.UTC)
    assert render_docx(doc, created=stamp) == render_docx(doc, created=stamp)


# --- PDF ----------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="需要 poppler-utils（.ci/run 会安装）"
)


@pytest.fixture(scope="module")
def sanding_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bianzhi.adapters.pdf_official import render_pdf

    path = tmp_path_factory.mktemp("pdf") / "sanding.pdf"
    path.write_bytes(render_pdf(sanding_document(PENGLAI)))
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_pdf_text_matches_the_data(sanding_pdf: Path) -> None:
    text = _run("pdftotext", str(sanding_pdf), "-")
    flat = "".join(text.split())
    assert "蓬莱镇主要职责、机构设置和人员编制方案" in flat
    assert "蓬莱镇核定行政编制10名、事业编制16名。" in flat
    assert "综合行政执法办公室" in flat
    assert "—1—" in flat  # page number
    assert "乡村振兴<重点>工作" in flat


@needs_poppler
def test_pdf_embeds_its_cjk_fonts(sanding_pdf: Path) -> None:
    lines = _run("pdffonts", str(sanding_pdf)).splitlines()[2:]
    assert lines, "no fonts in the PDF"
    for line in lines:
        # columns: name type encoding emb sub uni object ID
        assert line.split()[-5] == "yes", f"font not embedded: {line}"
    assert any("CJK" in line for line in lines)


@needs_poppler
def test_pdf_page_one_has_a_title_where_the_title_belongs(
    sanding_pdf: Path, tmp_path: Path
) -> None:
    from PIL import Image as PILImage

    _run(
        "pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(sanding_pdf), str(tmp_path / "p")
    )
    page = PILImage.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = page.size
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait

    def ink(box: tuple[float, float, float, float]) -> float:
        left, top, right, bottom = (round(v) for v in box)
        region = page.crop((left, top, right, bottom))
        pixels = list(region.get_flattened_data())
        return sum(1 for p in pixels if p < 128) / len(pixels)

    mm = width / 210
    assert ink((0, 0, width, height)) > 0.005, "page is blank"
    assert ink((0, 0, width, 30 * mm)) == 0, "ink inside the 37 mm top margin"
    assert ink((0, 0, 24 * mm, height)) == 0, "ink inside the 28 mm left margin"
    # The title: centred, on the first lines of the 版心.
    assert ink((40 * mm, 37 * mm, 170 * mm, 52 * mm)) > 0.03
    # The page number under the 版心 on the right (page 1 is odd).
    assert ink((140 * mm, 262 * mm, 184 * mm, 280 * mm)) > 0
    assert ink((28 * mm, 262 * mm, 70 * mm, 280 * mm)) == 0


def test_paragraph_and_table_blocks_render_in_pdf_html() -> None:
    from bianzhi.adapters.pdf_official import document_html

    html = document_html(
        Document(
            title="标题<1>",
            blocks=(Paragraph("正文"), Table(("甲", "乙"), (("1", "2"),), numeric=frozenset({1}))),
        )
    )
    assert "标题&lt;1&gt;" in html
    assert '<td class="num">2</td>' in html
    assert "size: A4; margin: 37mm 26mm 35mm 28mm" in html
