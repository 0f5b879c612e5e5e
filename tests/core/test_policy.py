"""Citations read as 《title》§clause and point at their passage (issue 13 §3)."""

from __future__ import annotations

from pathlib import Path

from bianzhi.core.policy import DOCUMENTS, citation_text, citations, locate_clause
from bianzhi.core.rules import RULES

TEXTS = Path(__file__).resolve().parents[2] / "src" / "bianzhi" / "rules" / "policy_texts"


def test_a_file_name_citation_reads_as_title_and_clause() -> None:
    assert citation_text("001_d6ec4a3fabdfb8f1.txt §(三)1（总量控制）") == (
        "《关于优化乡镇机构编制资源配置的工作方案》§(三)1（总量控制）"
    )
    assert citation_text("县级职能部门不得……（001 §(一)3）") == (
        "县级职能部门不得……（《关于优化乡镇机构编制资源配置的工作方案》§(一)3）"
    )


def test_every_rule_source_names_documents_not_files() -> None:
    for rule in RULES:
        shown = citation_text(rule.source)
        assert ".txt" not in shown and "《" in shown, rule.id
        assert all(c is not None for t, c in citations(rule.source) if ".txt" in t)


def test_every_cited_clause_is_found_in_the_shipped_text() -> None:
    for rule in RULES:
        for _, c in citations(rule.source):
            if c is None:
                continue
            text = (TEXTS / c.document.file).read_text(encoding="utf-8")
            start = text.find(c.part.strip("《》")) if c.part else 0
            assert locate_clause(text, c.clause, max(start, 0)) is not None, (rule.id, c.clause)


def test_the_clause_points_at_the_right_paragraph() -> None:
    text = (TEXTS / DOCUMENTS["001"].file).read_text(encoding="utf-8")
    begin, end = locate_clause(text, "(三)1") or (0, 0)
    assert text[begin:end].startswith("1.强化编制资源保障") and "不低于15名" in text[begin:end]
    assert text.rfind("(三)统筹编制资源", 0, begin) >= 0
