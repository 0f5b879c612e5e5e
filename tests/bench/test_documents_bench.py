"""The documents benchmark's data and runs (timings are measured by `make bench`)."""

import io
import zipfile

import docx
import pytest

from bench import bench_documents as bench


def test_generated_data_covers_every_sichuan_township() -> None:
    townships = bench.generate()
    assert len(townships) == 3_111 == bench.SICHUAN_TOWNSHIPS  # the baseline's scale
    assert len({t.township_code for t in townships}) == 3_111
    assert all(t.township_code.startswith("51") for t in townships)


def test_render_all_writes_one_readable_docx_per_township() -> None:
    townships = bench.generate()[:20]
    archive = zipfile.ZipFile(io.BytesIO(bench.render_all(townships)))
    assert len(archive.namelist()) == 20
    first = docx.Document(io.BytesIO(archive.read(archive.namelist()[0])))
    # A long title is split into balanced lines (core.document.title_lines).
    title = first.paragraphs[0].text.replace("\n", "")
    assert title == f"{townships[0].township_name}主要职责、机构设置和人员编制方案"
    bench._check_all(townships, bench.render_all(townships), None)


def test_check_accepts_the_python_docx_baseline_with_the_same_text() -> None:
    townships = bench.generate()[:2]
    bench._check_all(townships, bench.render_all(townships), bench.python_docx_sample(townships))


def test_check_refuses_documents_whose_text_differs_from_the_baseline() -> None:
    townships = bench.generate()[:2]
    baseline = bench.python_docx_sample(townships[1:])  # the second township's text
    with pytest.raises(AssertionError, match="text differs"):
        bench._check_all(townships, bench.render_all(townships), baseline)
