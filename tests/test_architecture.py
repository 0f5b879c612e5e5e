"""Which app may import which (docs/architecture.md, "Which app may import
which"): an AST walk over every module under src/bianzhi.

Every import counts: at module level, inside functions (a lazy import is
still a dependency) and under ``if TYPE_CHECKING:`` (a type names the layer it
comes from). Pure Python, no Django: the walk reads source files only.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "bianzhi"

PLATFORM = frozenset({"accounts", "audit", "regions", "jobs", "inbox"})
# What every domain app may import besides the domain apps its row names.
BASE = PLATFORM | {"kernel", "core", "adapters"}
DOMAIN = frozenset(
    {"townships", "allocation", "institutions", "roster", "rules", "duties", "agencies", "tasks",
     "dashboards"}
)
EVERYTHING = BASE | DOMAIN | {"reports", "cli", "web", "ops"}

# The table of docs/architecture.md: package -> the packages it may import.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "adapters": frozenset({"core"}),
    "kernel": frozenset(),
    **{p: frozenset({"kernel", "core"} | (PLATFORM - {p})) for p in PLATFORM},
    # The audit trail's xlsx/csv export (审计管理员) writes through the adapters.
    "audit": frozenset({"kernel", "core", "adapters"} | (PLATFORM - {"audit"})),
    "townships": BASE,
    "allocation": BASE | {"townships"},
    "institutions": BASE | {"townships"},
    "roster": BASE | {"institutions", "townships"},
    "rules": BASE | {"institutions", "roster", "townships"},
    "duties": BASE | {"townships"},
    "agencies": BASE | {"duties", "institutions", "roster", "townships"},
    "tasks": BASE | {"townships"},
    "dashboards": BASE | {"institutions", "roster", "rules", "townships"},
    "reports": BASE | DOMAIN,
    # Running the system (backup, restore, migrate-db, health): sees every
    # table through Django's registry, imports no domain app.
    "ops": BASE,
    "cli": EVERYTHING,
    "web": EVERYTHING,
}

# Imports against the table that other work still has to remove, as
# (importing package, imported package). This set may only shrink: an entry
# that no longer occurs fails the test below, so delete it when it is gone.
PENDING: frozenset[tuple[str, str]] = frozenset({
    # townships/services.py reads allocation.models (allocation sits above townships).
    ("townships", "allocation"),
})


def _package_of(path: Path) -> str | None:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else None


def _imported(tree: ast.AST) -> list[tuple[str, int]]:
    """(module, line) of every absolute import of the project in `tree`."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "bianzhi":  # from bianzhi import roster
                found.extend((f"bianzhi.{alias.name}", node.lineno) for alias in node.names)
            else:
                found.append((node.module, node.lineno))
    return [(name, line) for name, line in found if name.startswith("bianzhi.")]


def cross_imports() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) -> 'file:line' of each import
    between two different packages under src/bianzhi."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(SRC.rglob("*.py")):
        source = _package_of(path)
        if source is None:
            continue
        for module, line in _imported(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            target = module.split(".")[1]
            # `from bianzhi import __version__` names the top package, no app.
            if target != source and (SRC / target).is_dir():
                edges[(source, target)].append(f"{path.relative_to(SRC.parent)}:{line}")
    return edges


def test_every_package_has_a_row_in_the_table() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - MAY_IMPORT.keys() == set(), "add the new package to MAY_IMPORT and the docs"


def test_no_app_imports_one_it_may_not() -> None:
    violations = {
        edge: where for edge, where in cross_imports().items()
        if edge[1] not in MAY_IMPORT.get(edge[0], frozenset()) and edge not in PENDING
    }
    assert violations == {}, "\n".join(
        f"{source} may not import {target}: {', '.join(where)}"
        for (source, target), where in sorted(violations.items())
    )


def test_the_pending_violations_only_shrink() -> None:
    edges = cross_imports()
    allowed_now = {edge for edge in PENDING if edge[1] in MAY_IMPORT[edge[0]]}
    assert allowed_now == set(), "these are allowed by the table: not pending"
    gone = {edge for edge in PENDING if edge not in edges}
    assert gone == set(), f"no longer imported, delete from PENDING: {sorted(gone)}"


def test_the_layers_below_rules_do_not_import_it() -> None:
    # The cycle issue 11 removed: institutions -> roster -> rules, one way only.
    edges = cross_imports()
    for edge in [("institutions", "roster"), ("institutions", "rules"), ("roster", "rules")]:
        assert edge not in edges, edges.get(edge)


# The one clock (kernel.clock) is what tests freeze; a direct call to the wall
# clock anywhere else would escape the freeze. The allocation command runs
# without Django and says so where it reads the time.
_WALL_CLOCK = {("timezone", "now"), ("timezone", "localdate"), ("date", "today"), ("datetime", "now")}
_MAY_READ_THE_WALL_CLOCK = {"kernel/clock.py", "cli/allocate.py"}


def test_only_the_kernel_clock_reads_the_wall_clock() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative in _MAY_READ_THE_WALL_CLOCK:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            # timezone.localtime(x) converts a given moment; only the bare
            # forms read the clock.
            if (name, node.func.attr) in _WALL_CLOCK and not node.args:
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == [], "use bianzhi.kernel.clock instead: " + ", ".join(offenders)
