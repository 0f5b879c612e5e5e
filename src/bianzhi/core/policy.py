"""The policy documents the rules cite, and their citations as people read them.

Rules and guards cite their source as ``<file> §<clause>`` (the file names of
the specification set, e.g. ``001_d6ec4a3fabdfb8f1.txt §(三)1``) or the short
``001 §(一)3``. ``citations`` parses such a text; ``citation_text`` gives
《title》§(三)1; ``locate_clause`` finds the cited passage in the document's
text so a page can show it in context. Pure Python: the texts themselves are
read by ``bianzhi.rules.policy`` (they ship inside the package).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyDocument:
    number: str
    file: str
    title: str
    issuer: str


DOCUMENTS: dict[str, PolicyDocument] = {
    d.number: d
    for d in (
        PolicyDocument("000", "000_a14086b89449fcd2.txt",
                       "优化乡镇机构编制资源配置工作方案（征求意见稿）", "四川省（省级工作方案）"),
        PolicyDocument("001", "001_d6ec4a3fabdfb8f1.txt",
                       "关于优化乡镇机构编制资源配置的工作方案", "县级工作方案范本"),
        PolicyDocument("002", "002_3a9e3071a16f65c8.txt",
                       "通渭县推进乡镇管理体制改革整合基层审批服务执法力量实施方案",
                       "中共通渭县委办公室 通渭县人民政府办公室（通办发〔2020〕6号）"),
        PolicyDocument("003", "003_9e6110b5b282007e.txt",
                       "乡镇管理体制改革的实践、问题与建议", "市级调研报告"),
        PolicyDocument("004", "004_650ebb92df68bbb8.txt",
                       "关于印发《优化镇机构编制资源配置》等28个工作方案的通知",
                       "中共大英县蓬莱镇委员会 蓬莱镇人民政府"),
    )
}

# "001_d6ec4a3fabdfb8f1.txt《plan》 §(三)1（note）" or "001 §(三)1".
_CITATION = re.compile(
    r"(?P<number>\d{3})(?:_[0-9a-f]{16}\.txt)?\s*(?P<part>《[^》]+》)?\s*§\s*(?P<clause>[^；;，,（\s]+)"
)


@dataclass(frozen=True)
class Citation:
    document: PolicyDocument
    part: str  # a plan inside a collection (004 holds 28), with its 《》
    clause: str

    @property
    def text(self) -> str:
        return f"《{self.document.title}》{self.part}§{self.clause}"


def citations(source: str) -> list[tuple[str, Citation | None]]:
    """``source`` cut into pieces: (text, None) for plain text between
    citations, (original, Citation) for each citation of a known document."""
    pieces: list[tuple[str, Citation | None]] = []
    at = 0
    for m in _CITATION.finditer(source):
        document = DOCUMENTS.get(m.group("number"))
        if document is None:
            continue
        if m.start() > at:
            pieces.append((source[at:m.start()], None))
        pieces.append((m.group(0), Citation(document, m.group("part") or "", m.group("clause"))))
        at = m.end()
    if at < len(source):
        pieces.append((source[at:], None))
    return pieces


def citation_text(source: str) -> str:
    """The source with every citation as 《title》§clause instead of file names."""
    return "".join(c.text if c is not None else text for text, c in citations(source))


_NUMERALS = "一二三四五六七八九十"
_TOKEN = re.compile(r"\(([一二三四五六七八九十]+)\)|([一二三四五六七八九十]+)是|([一二三四五六七八九十]+)|(\d+)")


def _markers(clause: str) -> list[list[str]]:
    """Each step of a clause as the ways a heading of that step is written."""
    steps: list[list[str]] = []
    for m in _TOKEN.finditer(clause):
        paren, shi, chinese, digit = m.groups()
        if paren:
            steps.append([f"（{paren}）", f"({paren})"])
        elif shi:
            steps.append([f"{shi}是"])
        elif chinese:
            steps.append([f"{chinese}、", f"{chinese}．", f"{chinese}."])
        elif digit:
            steps.append([f"{digit}.", f"{digit}、", f"{digit}．", f"（{digit}）", f"({digit})"])
    return steps


def locate_clause(text: str, clause: str, start: int = 0) -> tuple[int, int] | None:
    """(start, end) of the cited passage in ``text``: each step of the clause
    is looked for after the previous one; the passage is the paragraph of the
    last step. None when a step is not found."""
    pos = start
    found = -1
    for ways in _markers(clause):
        hits = [i for i in (text.find(w, pos) for w in ways) if i >= 0]
        if not hits:
            return None
        found = min(hits)
        pos = found + 1
    if found < 0:
        return None
    begin = text.rfind("\n", 0, found) + 1
    end = text.find("\n", found)
    return begin, len(text) if end < 0 else end
