"""Reading the shipped policy texts (policy_texts/, see its README for
provenance) and cutting out a cited passage (bianzhi.core.policy)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bianzhi.core.policy import DOCUMENTS, PolicyDocument, locate_clause

TEXTS = Path(__file__).resolve().parent / "policy_texts"


@lru_cache(maxsize=len(DOCUMENTS))
def policy_text(number: str) -> str:
    return (TEXTS / DOCUMENTS[number].file).read_text(encoding="utf-8")


@dataclass(frozen=True)
class PolicyPage:
    document: PolicyDocument
    before: str
    passage: str
    after: str
    clause: str


def policy_page(*, number: str, clause: str = "", part: str = "") -> PolicyPage | None:
    """The document split around the cited passage (all of it in ``before``
    when there is no clause or it is not found); None for an unknown number.
    ``part`` (a plan inside a collection, e.g. 004's 《优化机构编制资源配置工作方案》)
    is looked for first and the clause after it."""
    document = DOCUMENTS.get(number)
    if document is None:
        return None
    text = policy_text(number)
    start = 0
    if part:
        found = text.find(part.strip("《》"))
        start = found if found >= 0 else 0
    span = locate_clause(text, clause, start) if clause else None
    if span is None:
        return PolicyPage(document, text, "", "", clause)
    begin, end = span
    return PolicyPage(document, text[:begin], text[begin:end], text[end:], clause)
