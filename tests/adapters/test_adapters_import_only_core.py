"""The adapters are the edge to files and nothing else (docs/architecture.md,
"Files"): an AST walk over the sources.

- A module of ``bianzhi.adapters`` imports from the project only
  ``bianzhi.core`` and other adapters, and neither Django nor DRF: the core,
  the command line and every app use them without a database or settings.
  (``tests/test_architecture.py`` checks the project imports of every package;
  this adds the frameworks.)
- The file libraries are imported only there, so every spreadsheet and PDF
  format has one home, and a module that uses one is named after its format:
  openpyxl/calamine in ``xlsx_<what>.py``, WeasyPrint in ``pdf_<what>.py``.

Lazy imports inside functions and imports under ``if TYPE_CHECKING:`` count
too. Pure Python: the walk reads source files only.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "bianzhi"
ADAPTERS = SRC / "adapters"
FRAMEWORKS = frozenset({"django", "rest_framework", "drf_spectacular"})
# File library -> the prefix of the adapter modules that may import it.
FILE_LIBRARIES = {"openpyxl": "xlsx_", "python_calamine": "xlsx_", "weasyprint": "pdf_"}


def imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) of every absolute import in the file; for
    ``from bianzhi import x`` the module is ``bianzhi.x``."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "bianzhi":
                found.extend((f"bianzhi.{alias.name}", node.lineno) for alias in node.names)
            else:
                found.append((node.module, node.lineno))
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _allowed(name: str) -> bool:
    """A project module an adapter may import."""
    return (
        _within(name, "bianzhi.core")
        or _within(name, "bianzhi.adapters")
        # The top package holds nothing but the version string.
        or name == "bianzhi.__version__"
    )


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(SRC.parent)}:{line}"


def test_adapters_import_only_core_of_the_project_and_no_framework() -> None:
    wrong = [
        f"{_where(path, line)} {name}"
        for path in sorted(ADAPTERS.rglob("*.py"))
        for name, line in imports(path)
        if name.split(".")[0] in FRAMEWORKS or (_within(name, "bianzhi") and not _allowed(name))
    ]
    assert wrong == [], "adapters may import only bianzhi.core:\n" + "\n".join(wrong)


def test_file_libraries_are_imported_only_by_adapters_named_after_their_format() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        for name, line in imports(path):
            library = name.split(".")[0]
            prefix = FILE_LIBRARIES.get(library)
            if prefix is None:
                continue
            if path.parent != ADAPTERS or not path.name.startswith(prefix):
                wrong.append(f"{_where(path, line)} {name} (belongs in adapters/{prefix}<what>.py)")
    assert wrong == [], "\n".join(wrong)


def test_the_walk_sees_lazy_and_type_only_imports() -> None:
    # The check is only as good as the walk: xlsx_allocation imports openpyxl
    # inside functions, xlsx_cells only for type checkers.
    lazy = {name for name, _ in imports(ADAPTERS / "xlsx_allocation.py")}
    typing_only = {name for name, _ in imports(ADAPTERS / "xlsx_cells.py")}
    assert "openpyxl" in lazy and "openpyxl.cell" in typing_only
