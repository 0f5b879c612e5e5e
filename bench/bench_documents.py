"""Official-document benchmarks (issue 7 §5, issue 16 §2): the 三定方案 of
every township of Sichuan (3,111, the official division list) in at most 3 s.

The data is generated, deterministically, on the real township names and
codes: the eight unified offices of 001 with quotas, nameplates, leadership
posts and 30 duty lines each, so every document has the size of a real one
(about 4 pages). The timed run renders each to .docx and stores them in one
zip, as the county batch does. Its baseline, in the same run: the same
documents built with python-docx (one Document object per township) for the
first 100 townships, scaled by the township count; the check reads the text
of both sets back out of the files and requires it to be the same. One
more row times one PDF through WeasyPrint.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import random
import re
import zipfile
from pathlib import Path

from bench.runner import Benchmark
from bianzhi.adapters.docx_official import render_docx
from bianzhi.core.sanding import (
    AFFILIATED_INSTITUTION,
    PARTY_GOVERNMENT_OFFICE,
    SandingData,
    SandingInstitution,
    SandingLeadershipPost,
    sanding_document,
)

DIVISIONS = Path(__file__).resolve().parent.parent / "src/bianzhi/regions/data/divisions"
SICHUAN = "51"
SAMPLE = 100
# Townships of Sichuan in the official division list (tests/bench confirms it).
SICHUAN_TOWNSHIPS = 3111
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

OFFICES = (
    ("综合办公室", PARTY_GOVERNMENT_OFFICE, ("党建工作办公室",)),
    ("综合行政执法协调办公室", PARTY_GOVERNMENT_OFFICE, ()),
    ("社会事务办公室", PARTY_GOVERNMENT_OFFICE, ("退役军人服务站",)),
    ("经济发展和乡村振兴办公室", PARTY_GOVERNMENT_OFFICE, ()),
    ("财政工作办公室", PARTY_GOVERNMENT_OFFICE, ()),
    ("平安建设办公室", PARTY_GOVERNMENT_OFFICE, ("应急管理办公室",)),
    ("便民服务中心", AFFILIATED_INSTITUTION, ()),
    ("农民工服务中心", AFFILIATED_INSTITUTION, ()),
)
CLASSES = ("县政府驻地镇", "中心镇", "重点镇", "特色镇", "一般乡镇")


def generate(province: str = SICHUAN) -> list[SandingData]:
    """One ``SandingData`` per official township of ``province`` (seeded)."""
    counties = {}
    with (DIVISIONS / "areas.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            counties[row["code"]] = row["name"]
    rng = random.Random(7)
    result = []
    with (DIVISIONS / "streets.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["provinceCode"] != province:
                continue
            county = counties.get(row["areaCode"], "某县")
            institutions = tuple(
                SandingInstitution(
                    name=name,
                    kind=kind,
                    admin_quota=rng.randint(2, 8) if kind == PARTY_GOVERNMENT_OFFICE else 0,
                    institution_quota=rng.randint(3, 12) if kind == AFFILIATED_INSTITUTION else 0,
                    nameplates=plates,
                    leadership_posts=1,
                )
                for name, kind, plates in OFFICES
            )
            result.append(
                SandingData(
                    township_code=row["code"],
                    township_name=row["name"],
                    county_name=county,
                    issuer=f"中共{county}委机构编制委员会",
                    date=dt.date(2026, 1, 1),
                    township_class=rng.choice(CLASSES),
                    duties=tuple(
                        f"负责本{row['name'][-1]}第{i}类事务，依法履行相关管理和服务职责，统筹推进相关工作"
                        for i in range(1, 31)
                    ),
                    institutions=institutions,
                    leadership_posts=(
                        SandingLeadershipPost("党委书记", 1),
                        SandingLeadershipPost("乡镇长", 1),
                        SandingLeadershipPost("副职", rng.randint(4, 7)),
                    ),
                    duty_list_size=rng.randint(120, 200),
                    territorial_list_size=rng.randint(60, 90),
                )
            )
    return result


def render_all(townships: list[SandingData]) -> bytes:
    """Every township's 三定方案 as .docx, stored in one zip (the batch's work)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for data in townships:
            zf.writestr(
                f"{data.township_code}.docx", render_docx(sanding_document(data), created=STAMP)
            )
    return buffer.getvalue()


def python_docx_sample(townships: list[SandingData]) -> list[bytes]:
    """The same documents built with python-docx objects, for the first ``SAMPLE``."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from bianzhi.core.document import Heading, Paragraph, Signature, Table

    files = []
    for data in townships[:SAMPLE]:
        doc = sanding_document(data)
        document = docx.Document()
        style = document.styles["Normal"]
        style.font.size = Pt(16)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
        document.add_heading(doc.title, 0)
        for line in (doc.subtitle, doc.number, doc.addressee):
            if line:
                document.add_paragraph(line)
        for block in doc.blocks:
            if isinstance(block, Heading):
                document.add_heading(block.text, block.level)
            elif isinstance(block, Paragraph):
                document.add_paragraph(block.text)
            elif isinstance(block, Table):
                if block.caption:
                    document.add_paragraph(block.caption)
                table = document.add_table(rows=1, cols=len(block.headers))
                for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                    cell.text = text
                for row in block.rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
            elif isinstance(block, Signature):
                for line in (*block.lines, block.date):
                    document.add_paragraph(line)
        out = io.BytesIO()
        document.save(out)
        files.append(out.getvalue())
    return files


def one_pdf(townships: list[SandingData]) -> bytes:
    from bianzhi.adapters.pdf_official import render_pdf

    return render_pdf(sanding_document(townships[0]))


_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def _text(docx: bytes) -> str:
    """Every piece of text in document.xml, in order (runs joined)."""
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    return html.unescape("".join(_TEXT.findall(xml)))


def _check_all(state: list[SandingData], result: bytes, baseline: list[bytes] | None) -> None:
    archive = zipfile.ZipFile(io.BytesIO(result))
    names = archive.namelist()
    if len(names) != len(state):
        raise AssertionError(f"{len(names)} documents for {len(state)} townships")
    for i, expected in enumerate(baseline or []):
        ours = _text(archive.read(names[i]))
        if ours != _text(expected):
            raise AssertionError(f"{names[i]}: text differs from the python-docx document")


BENCHMARKS = [
    Benchmark(
        name="documents.sanding_sichuan_docx",
        description="四川省 3,111 个乡镇的三定方案（.docx，打包为 zip）",
        setup=generate,
        run=render_all,
        target_s=3.0,
        baseline=python_docx_sample,
        baseline_name=f"python-docx 逐份构建同样的文档（前 {SAMPLE} 个乡镇），按乡镇数折算",
        baseline_repeat=1,
        baseline_scale=SICHUAN_TOWNSHIPS / SAMPLE,
        check=_check_all,
        repeat=5,
    ),
    Benchmark(
        name="documents.sanding_one_pdf",
        description="一个乡镇的三定方案 PDF（WeasyPrint，嵌入中文字体）",
        setup=generate,
        run=one_pdf,
        repeat=3,
    ),
]
