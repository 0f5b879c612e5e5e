"""The .docx laid out by LibreOffice as the PDF lays it out (GB/T 9704: 28 × 22).

Offices open the .docx in WPS or Word; LibreOffice is the free stand-in and
the only one a test can run. Each document is rendered twice, as PDF by the
PDF adapter and as .docx converted by ``soffice --headless --convert-to pdf``,
and the two are compared through ``pdftotext -layout``: page count, the
characters of each line, the title's lines and where the 落款 falls.

LibreOffice is Debian's ``libreoffice-writer-nogui``. Without it the tests
are skipped on a developer's machine but fail in CI (``CI`` set, as .ci/run
exports it), so a missing package cannot turn them green unnoticed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bianzhi.adapters.docx_official import render_docx
from bianzhi.core.document import Document, Paragraph, Signature
from bianzhi.core.sanding import (
    AFFILIATED_INSTITUTION,
    PARTY_GOVERNMENT_OFFICE,
    SandingData,
    SandingInstitution,
    SandingLeadershipPost,
    sanding_document,
)

IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
SOFFICE = shutil.which("soffice")

# Skipped only outside CI; in CI the fixture below fails instead.
pytestmark = pytest.mark.skipif(
    not IN_CI and (SOFFICE is None or shutil.which("pdftotext") is None),
    reason="需要 LibreOffice（libreoffice-writer-nogui）和 poppler-utils",
)

DUTIES = tuple(
    f"{name}（{source}）"
    for name, source in [
        ("本行政区域内村民委员会成员的罢免、补选指导", "法定事项"),
        ("最低生活保障申请的受理、调查和审核", "法定事项"),
        ("乡村建设规划的组织编制", "法定事项"),
        ("对违反村庄规划建设行为的制止和报告", "法定事项"),
        ("突发事件的先期处置", "法定事项"),
        ("农村村民住宅用地审核", "赋权事项"),
        ("乡村建设规划许可证核发（农村村民住宅）", "赋权事项"),
        ("对擅自占用、挖掘城镇道路的处罚", "赋权事项"),
        ("对在禁烧区露天焚烧秸秆的处罚", "赋权事项"),
        ("特困人员认定", "赋权事项"),
        ("对农村宅基地违法行为的检查", "赋权事项"),
        ("城镇燃气经营安全检查", "赋权事项"),
        ("户外广告设施设置审批", "赋权事项"),
        ("秸秆禁烧日常巡查和劝阻", "准入事项"),
    ]
)
PENGLAI = SandingData(
    township_code="510923100",
    township_name="蓬莱镇",
    county_name="大英县",
    issuer="中共大英县委机构编制委员会",
    date=dt.date(2026, 3, 1),
    township_class="县政府驻地镇",
    duties=DUTIES,
    institutions=(
        SandingInstitution("综合办公室", PARTY_GOVERNMENT_OFFICE, 6, 0),
        SandingInstitution("党建工作办公室", PARTY_GOVERNMENT_OFFICE, 6, 0),
        SandingInstitution("综合行政执法协调办公室", PARTY_GOVERNMENT_OFFICE, 6, 0),
        SandingInstitution("社会事务办公室", PARTY_GOVERNMENT_OFFICE, 6, 0),
        SandingInstitution("经济发展和乡村振兴办公室", PARTY_GOVERNMENT_OFFICE, 6, 0),
        SandingInstitution("便民服务中心", AFFILIATED_INSTITUTION, 0, 25, ("退役军人服务站",)),
        SandingInstitution("农民工服务中心", AFFILIATED_INSTITUTION, 0, 20),
    ),
    leadership_posts=(SandingLeadershipPost("科级正职", 2), SandingLeadershipPost("科级副职", 7)),
    duty_list_size=14,
    territorial_list_size=15,
)
# A title of 22 characters: two more than a 22 pt line holds, so a plain wrap
# would leave two characters on the second line (one with a 21-character title).
LONG_TITLE = "关于大英县乡镇机构编制资源优化配置情况的报告"
# 25 characters + the 2-character indent: exactly one line each; 19 of them
# fill page 1 after the title (checked below), so the 落款 would start page 2.
ONE_LINE = "根据有关规定结合实际制定本方案现将有关情况报告如下"
FULL_PAGE = 19
SIGNATURE = Signature(lines=("中共大英县委机构编制委员会",), date="2026年11月29日")


def _closing(lines: int, *, signature: bool = True) -> Document:
    blocks: tuple[Paragraph | Signature, ...] = tuple(Paragraph(ONE_LINE) for _ in range(lines))
    return Document(title="关于测试的报告", blocks=(*blocks, SIGNATURE) if signature else blocks)


DOCUMENTS = {
    "sanding": sanding_document(PENGLAI),
    "title": Document(title=LONG_TITLE, blocks=(Paragraph(ONE_LINE), SIGNATURE)),
    "closing": _closing(FULL_PAGE),
}


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


def _pages(pdf: Path) -> list[list[str]]:
    """Non-empty lines of each page, spaces removed (pdftotext -layout pads with them)."""
    text = _run("pdftotext", "-layout", str(pdf), "-")
    return [
        [re.sub(r"\s+", "", line) for line in page.splitlines() if line.strip()]
        for page in text.split("\f")
        if page.strip()
    ]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """name → (PDF of the PDF adapter, PDF of LibreOffice from the .docx)."""
    from bianzhi.adapters.pdf_official import render_pdf

    if SOFFICE is None or shutil.which("pdftotext") is None:
        pytest.fail(
            "CI 需要 LibreOffice（soffice，Debian 软件包 libreoffice-writer-nogui）和 poppler-utils"
        )
    folder = tmp_path_factory.mktemp("lo")
    docx_files = []
    for name, doc in DOCUMENTS.items():
        (folder / f"{name}.pdf").write_bytes(render_pdf(doc))
        path = folder / f"{name}.docx"
        path.write_bytes(render_docx(doc, created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
        docx_files.append(str(path))
    out = folder / "lo"
    # A profile of its own: a user's running LibreOffice or a parallel test
    # would otherwise hold the default profile's lock. One call converts all.
    _run(
        str(SOFFICE),
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *docx_files,
    )
    return {name: (folder / f"{name}.pdf", out / f"{name}.pdf") for name in DOCUMENTS}


def _cjk(line: str) -> int:
    return sum(1 for ch in line if ord(ch) >= 0x2E80)


def test_sanding_has_the_same_pages_and_lines_in_libreoffice_as_in_the_pdf(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    pdf, lo = (_pages(p) for p in rendered["sanding"])
    assert len(lo) == len(pdf) > 1
    body_pdf = [line for page in pdf for line in page if _cjk(line) >= 20]
    body_lo = [line for page in lo for line in page if _cjk(line) >= 20]
    # Full lines of body text: 26 characters after the indent, 28 without (GB/T 9704 §5.2.3).
    assert max(_cjk(line) for line in body_lo) == 28
    assert body_lo == body_pdf
    # The same lines on each page (so the same page breaks).
    assert [len(page) for page in lo] == [len(page) for page in pdf]


def test_libreoffice_uses_a_chinese_font_for_the_text(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    fonts = _run("pdffonts", str(rendered["sanding"][1]))
    assert "CJK" in fonts
    text = "".join(line for page in _pages(rendered["sanding"][1]) for line in page)
    assert "蓬莱镇核定行政编制30名、事业编制45名。" in text


def test_a_long_title_is_balanced_and_never_leaves_one_character_alone(
    rendered: dict[str, tuple[Path, Path]],
) -> None:
    for path in rendered["title"]:
        first_page = _pages(path)[0]
        assert "".join(first_page[:2]) == LONG_TITLE, first_page[:3]
        assert [len(line) for line in first_page[:2]] == [11, 11]


def test_the_closing_never_stands_alone_on_a_page(
    rendered: dict[str, tuple[Path, Path]], tmp_path: Path
) -> None:
    from bianzhi.adapters.pdf_official import render_pdf

    # The set-up is what it claims: the body alone fills page 1 exactly.
    for lines, pages in ((FULL_PAGE, 1), (FULL_PAGE + 1, 2)):
        path = tmp_path / f"{lines}.pdf"
        path.write_bytes(render_pdf(_closing(lines, signature=False)))
        assert len(_pages(path)) == pages
    for path in rendered["closing"]:
        pages = _pages(path)
        assert len(pages) == 2
        last = pages[-1]
        assert "2026年11月29日" in last
        # The last paragraph of the body went over with the 落款.
        assert ONE_LINE in last, (path.name, last)
