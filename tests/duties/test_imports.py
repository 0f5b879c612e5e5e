"""The duties app does not import the agencies app (agencies builds on
duties: its demo step, views and exports use duties, never the other way)."""

from __future__ import annotations

import ast
from pathlib import Path

import bianzhi.duties

DUTIES = Path(bianzhi.duties.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_duties_module_imports_agencies() -> None:
    offenders = {
        str(path.relative_to(DUTIES)): sorted(n for n in _imports(path) if n.startswith("bianzhi.agencies"))
        for path in DUTIES.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
