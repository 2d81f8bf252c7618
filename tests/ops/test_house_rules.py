"""The house's rules that import-linter's contracts (`make lint`) do not state
(docs/architecture.md).

- No two modules import each other, however far round the loop and even through an import
  inside a function: a loop means neither module can be read without the other.
- Views only parse, ask, call and render: no query is written in a view module (`views.py`,
  `*_views.py`, a `views/` package, and the API's route modules). Queries live in selectors.

Each check names the file, line and what was found, so the fix is where the message points.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "nextsteps"

# What a query looks like in Python: the manager, a queryset's methods, the query expressions
# and the shortcuts that query.
QUERYSET_METHODS = frozenset(
    {
        "filter",
        "exclude",
        "select_related",
        "prefetch_related",
        "annotate",
        "aggregate",
        "order_by",
        "values_list",
        "only",
        "defer",
        "distinct",
        "first",
        "last",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "iterator",
        "in_bulk",
        "refresh_from_db",
    }
)
QUERY_NAMES = frozenset(
    {
        "get_object_or_404",
        "get_list_or_404",
        "Q",
        "F",
        "Exists",
        "OuterRef",
        "Subquery",
        "Count",
        "Sum",
        "Max",
        "Min",
        "Prefetch",
    }
)
API_ROUTES = (
    "api/routes.py",
    "api/evidence.py",
    "api/targets.py",
    "api/assessments.py",
    "api/progress.py",
    "api/judging.py",
)


def view_modules() -> list[Path]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        if (
            path.name == "views.py"
            or path.name.endswith("_views.py")
            or path.parent.name == "views"
            or relative in API_ROUTES
        ):
            found.append(path)
    return found


def queries_in(source: str) -> list[tuple[int, str]]:
    """Each line of the source that writes a query, with what it wrote."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((node.lineno, ".objects"))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in QUERYSET_METHODS:
                found.append((node.lineno, f".{func.attr}()"))
            elif isinstance(func, ast.Name) and func.id in QUERY_NAMES:
                found.append((node.lineno, f"{func.id}()"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.db"):
            found.append((node.lineno, f"from {node.module} import"))
    return sorted(found)


def test_views_write_no_queries() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent).as_posix()}:{line}: {what}"
        for path in view_modules()
        for line, what in queries_in(path.read_text())
    ]
    assert not found, "Views ask selectors, never the ORM:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("Pupil.objects.get(pk=1)", [(1, ".objects")]),
        ("scope.filter(year=4).first()", [(1, ".filter()"), (1, ".first()")]),
        ("from django.db.models import Q", [(1, "from django.db.models import")]),
        ("x = get_object_or_404(Pupil, pk=1)", [(1, "get_object_or_404()")]),
        ("rows = selectors.markbook(school=school)", []),
    ],
)
def test_the_query_finder_sees_a_query(source: str, expected: list[tuple[int, str]]) -> None:
    assert queries_in(source) == expected


def import_cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    imported = graph.find_modules_directly_imported_by(child) & modules
                    work.append((child, iter(sorted(imported))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return groups


def test_no_two_modules_import_each_other() -> None:
    graph = grimp.build_graph("nextsteps")
    modules = {module for module in graph.modules if ".migrations" not in module}
    cycles = import_cycles(graph, modules)
    described = []
    for group in cycles:
        ties = [
            f"  {importer} -> {imported}"
            for importer in group
            for imported in sorted(graph.find_modules_directly_imported_by(importer))
            if imported in group
        ]
        described.append("\n".join([" ⟲ " + ", ".join(group), *ties]))
    assert not cycles, "Modules that import each other:\n" + "\n".join(described)


def test_the_cycle_finder_finds_a_loop() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c", "d"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    graph.add_import(importer="c", imported="d")
    assert import_cycles(graph, {"a", "b", "c", "d"}) == [["a", "b", "c"]]
