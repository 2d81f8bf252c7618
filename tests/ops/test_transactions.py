"""An entry service's outermost transaction is durable (docs/architecture.md).

A service that a page, an API route, a command, a task or the demo calls opens
`transaction.atomic(durable=True)`: if anything ever wraps it in a transaction, Django raises
at once instead of quietly turning its commit into a savepoint that a caller may roll back. A
service that other services call opens a plain `transaction.atomic()` (a savepoint), as their
transaction holds it.

The check reads the source: for each function in a services module that opens a plain
`atomic()`, it looks for a caller in a module that is not a way in (views, API routes,
commands, tasks, command-line tools, the demo), following imports and re-exports. A function
that only ways in call should be durable.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "nextsteps"
API_ROUTES = frozenset(
    {
        "nextsteps.api.routes",
        "nextsteps.api.evidence",
        "nextsteps.api.targets",
        "nextsteps.api.assessments",
        "nextsteps.api.progress",
        "nextsteps.api.judging",
    }
)


def is_services(module: str) -> bool:
    parts = module.split(".")
    return parts[-1] == "services" or parts[-1].endswith("_services") or "services" in parts[:-1]


def is_way_in(module: str) -> bool:
    """Views, API routes, commands, tasks, command-line tools and the demo."""
    parts = module.split(".")
    last = parts[-1]
    return (
        module in API_ROUTES
        or last in {"views", "tasks", "cli", "demo", "builder"}
        or last.endswith(("_views", "_demo"))
        or last.startswith("cli_")
        or "views" in parts[:-1]
        or "management" in parts
        or parts[:2] == ["nextsteps", "demo"]
    )


def atomic_opened(node: ast.expr) -> str | None:
    """'durable' or 'savepoint' when the expression opens `atomic`, else None."""
    target = node.func if isinstance(node, ast.Call) else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
    if name != "atomic":
        return None
    if isinstance(node, ast.Call) and any(
        keyword.arg == "durable"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in node.keywords
    ):
        return "durable"
    return "savepoint"


def savepoint_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[int]:
    """The lines where the function opens a plain `atomic()` as its outermost transaction,
    as decorator or `with` (a savepoint inside its own durable block is its own business)."""
    decorators = [atomic_opened(d) for d in function.decorator_list]
    if "durable" in decorators:
        return []
    lines = [d.lineno for d in function.decorator_list if atomic_opened(d) == "savepoint"]
    work: list[ast.AST] = list(function.body)
    while work:
        node = work.pop()
        if isinstance(node, ast.With | ast.AsyncWith):
            kinds = {atomic_opened(item.context_expr) for item in node.items}
            if "durable" in kinds:
                continue
            if "savepoint" in kinds:
                lines.append(node.lineno)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            work.extend(ast.iter_child_nodes(node))
    return sorted(lines)


@dataclass
class Module:
    name: str
    path: str
    tree: ast.Module
    functions: set[str] = field(default_factory=set)
    # A name bound by an import: to a module ("nextsteps.x.services", None) or to a name in one.
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def read_modules(sources: Iterable[tuple[str, str, str]]) -> dict[str, Module]:
    """(dotted name, path, source) for each module: its functions and what its imports bind."""
    modules: dict[str, Module] = {}
    for name, path, source in sources:
        module = Module(name, path, ast.parse(source))
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                module.functions.add(node.name)
        modules[name] = module
    for module in modules.values():
        is_package = module.path.endswith("__init__.py")
        package = module.name.split(".") if is_package else module.name.split(".")[:-1]
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.imports[alias.asname] = (alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1])
                    base = f"{base}.{node.module}" if node.module else base
                for alias in node.names:
                    bound = alias.asname or alias.name
                    submodule = f"{base}.{alias.name}"
                    if submodule in modules:
                        module.imports[bound] = (submodule, None)
                    else:
                        module.imports[bound] = (base, alias.name)
    return modules


def resolve(modules: dict[str, Module], module: str, name: str) -> tuple[str, str] | None:
    """Where a name used in a module is defined, following imports and re-exports."""
    seen = set()
    while (module, name) not in seen:
        seen.add((module, name))
        found = modules.get(module)
        if found is None:
            return None
        if name in found.functions:
            return module, name
        bound = found.imports.get(name)
        if bound is None or bound[1] is None:
            return None
        module, name = bound
    return None


def callers(modules: dict[str, Module]) -> dict[tuple[str, str], set[str]]:
    """For each function, the modules whose functions use it (other than itself)."""
    found: dict[tuple[str, str], set[str]] = {}
    for module in modules.values():
        for function in ast.walk(module.tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                target = None
                if isinstance(node, ast.Name):
                    target = resolve(modules, module.name, node.id)
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    bound = module.imports.get(node.value.id)
                    if bound is not None and bound[1] is None:
                        target = resolve(modules, bound[0], node.attr)
                if target is not None and target != (module.name, function.name):
                    found.setdefault(target, set()).add(module.name)
    return found


def savepoints_only_ways_in_open(modules: dict[str, Module]) -> list[str]:
    """Each services function with a plain `atomic()` that no other service calls."""
    used_by = callers(modules)
    found = []
    for module in modules.values():
        if not is_services(module.name):
            continue
        for node in module.tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            lines = savepoint_lines(node)
            if not lines:
                continue
            services = {m for m in used_by.get((module.name, node.name), set()) if not is_way_in(m)}
            if not services:
                found.append(f"{module.path}:{lines[0]}: {node.name}")
    return found


def package_sources() -> list[tuple[str, str, str]]:
    sources = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent)
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources.append((".".join(parts), relative.as_posix(), path.read_text()))
    return sources


def test_an_entry_services_outermost_transaction_is_durable() -> None:
    found = savepoints_only_ways_in_open(read_modules(package_sources()))
    assert not found, (
        "Only pages, API routes, commands, tasks or the demo call these services, so their"
        " transaction is the outermost one: open it with transaction.atomic(durable=True):\n"
        + "\n".join(found)
    )


VIEWS = """
from nextsteps.shop import services

def basket(request):
    services.order_place(pupil=1)
"""
SERVICES = """
from django.db import transaction
from nextsteps.shop.line_services import line_add

@transaction.atomic
def order_place(*, pupil):
    line_add(order=1)

@transaction.atomic(durable=True)
def order_cancel(*, pupil):
    line_add(order=1)

def order_refund(*, pupil):
    with transaction.atomic(durable=True):
        with transaction.atomic():
            line_add(order=1)
"""
LINES = """
from django.db import transaction

def line_add(*, order):
    with transaction.atomic():
        pass
"""


def shop(services: str = SERVICES) -> dict[str, Module]:
    return read_modules(
        [
            ("nextsteps.shop", "nextsteps/shop/__init__.py", ""),
            ("nextsteps.shop.views", "nextsteps/shop/views.py", VIEWS),
            ("nextsteps.shop.services", "nextsteps/shop/services.py", services),
            ("nextsteps.shop.line_services", "nextsteps/shop/line_services.py", LINES),
        ]
    )


def test_the_check_finds_a_savepoint_that_only_a_page_opens() -> None:
    assert savepoints_only_ways_in_open(shop()) == ["nextsteps/shop/services.py:5: order_place"]


def test_the_check_passes_a_durable_entry_service_and_a_savepoint_another_service_opens() -> None:
    durable = SERVICES.replace("@transaction.atomic\n", "@transaction.atomic(durable=True)\n")
    assert savepoints_only_ways_in_open(shop(durable)) == []


def test_the_check_follows_a_re_export() -> None:
    modules = read_modules(
        [
            ("nextsteps.shop.services", "nextsteps/shop/services/__init__.py", LINES_REEXPORT),
            ("nextsteps.shop.services.lines", "nextsteps/shop/services/lines.py", LINES),
            ("nextsteps.shop.views", "nextsteps/shop/views.py", VIEWS_OF_LINES),
        ]
    )
    assert savepoints_only_ways_in_open(modules) == ["nextsteps/shop/services/lines.py:5: line_add"]


LINES_REEXPORT = "from nextsteps.shop.services.lines import line_add\n"
VIEWS_OF_LINES = """
from nextsteps.shop.services import line_add

def basket(request):
    line_add(order=1)
"""
