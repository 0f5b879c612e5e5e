"""The policy basis links to the cited passage, shown in context from the
texts shipped in the package (issue 13 §3)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_the_catalogue_shows_titles_linked_to_the_passage(login: Any, daying_officer: Any) -> None:
    client = login(daying_officer)
    html = client.get(reverse("policy_rules:catalogue")).content.decode()
    assert "_d6ec4a3fabdfb8f1.txt" not in html
    assert "《关于优化乡镇机构编制资源配置的工作方案》§(三)1" in html
    link = reverse("policy_rules:policy", args=["001"]) + "?clause=%28%E4%B8%89%291#passage"
    assert link in html


def test_the_policy_page_highlights_the_cited_passage(login: Any, penglai_user: Any) -> None:
    client = login(penglai_user)
    html = client.get(reverse("policy_rules:policy", args=["001"]), {"clause": "(三)1"}).content
    page = html.decode()
    passage = page.split('<mark id="passage" class="passage">', 1)[1].split("</mark>", 1)[0]
    assert passage.startswith("1.强化编制资源保障") and "不低于15名" in passage
    assert "<body" in page and "data-printable" in page
    assert client.get(reverse("policy_rules:policy", args=["999"])).status_code == 404


def test_a_plan_inside_a_collection_is_found_before_its_clause(login: Any, penglai_user: Any) -> None:
    page = login(penglai_user).get(
        reverse("policy_rules:policy", args=["004"]),
        {"clause": "二(五)", "part": "《优化机构编制资源配置工作方案》"},
    ).content.decode()
    passage = page.split('<mark id="passage" class="passage">', 1)[1].split("</mark>", 1)[0]
    assert "镇专职执法力量不低于2名" in passage


def test_the_catalogue_names_parameters_in_chinese_and_the_writes_block_rules_refuse(
    login: Any, daying_officer: Any
) -> None:
    import re

    html = login(daying_officer).get(reverse("policy_rules:catalogue")).content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    for name in ("per_township", "certified_only", "pooled=", "*_as", "ordinary-admin-floor"):
        assert name not in text, name
    assert "“逐个乡镇比较（1=是，0=只比较总量）”取1 时" in text
    assert "阻止时拒绝的写入：修改核定编制（乡镇页面、API）；批准测算方案" in text


def test_the_refused_writes_match_docs_rules_md() -> None:
    from pathlib import Path

    from bianzhi.rules.selectors import REFUSED_WRITES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    section = doc.split("## 阻止级规则在哪些写入时检查", 1)[1].split("\n## ", 1)[0]
    table = {
        cells[0].strip("` "): cells[2].strip()
        for line in section.splitlines() if line.startswith("| `")
        for cells in [line.strip("|").split("|")]
    }
    assert table == REFUSED_WRITES
