"""The benchmarks are run by hand, not by the suite, so a change in the product can break one
unnoticed until someone needs its figures. Every name a benchmark imports from the product
must exist, and no benchmark may call a service that opens a durable transaction inside a
transaction of its own."""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def missing_names(source: str) -> list[str]:
    """`module.name` for each name imported from the product that the module does not have."""
    missing = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nextsteps")):
            continue
        assert node.module is not None
        try:
            module = importlib.import_module(node.module)
        except ImportError:
            missing.append(node.module)
            continue
        for alias in node.names:
            if hasattr(module, alias.name):
                continue
            try:
                importlib.import_module(f"{node.module}.{alias.name}")
            except ImportError:
                missing.append(f"{node.module}.{alias.name}")
    return missing


@pytest.mark.parametrize("script", sorted(BENCHMARKS.glob("*.py")), ids=lambda path: path.name)
def test_every_name_a_benchmark_imports_exists(script: Path) -> None:
    assert missing_names(script.read_text(encoding="utf-8")) == []


def test_a_renamed_name_is_caught() -> None:
    source = (
        "from nextsteps.markbook.models import Judgement, Source\nfrom nextsteps.nothere import x\n"
    )
    assert missing_names(source) == ["nextsteps.markbook.models.Source", "nextsteps.nothere"]


# --- durable services inside a benchmark's own transaction ------------------------------


def opens_durable_transaction(function: object) -> bool:
    """Whether a product function opens `atomic(durable=True)`, as decorator or `with`."""
    for cell in getattr(function, "__closure__", None) or ():
        contents = cell.cell_contents
        if type(contents).__name__ == "Atomic" and getattr(contents, "durable", False):
            return True
    try:
        source = inspect.getsource(inspect.unwrap(function))  # type: ignore[arg-type]
    except (TypeError, OSError):
        return False
    return any(
        isinstance(node, ast.keyword) and node.arg == "durable" and getattr(node.value, "value", 0)
        for node in ast.walk(ast.parse(textwrap.dedent(source)))
    )


def _opens_atomic(item: ast.withitem) -> bool:
    call = item.context_expr
    target = call.func if isinstance(call, ast.Call) else call
    return getattr(target, "attr", getattr(target, "id", None)) == "atomic"


def durable_calls_in_transactions(source: str) -> list[str]:
    """`line: name` for each durable product service a benchmark calls by name inside a
    `with transaction.atomic()` block, directly or through the script's own functions, where
    Django refuses it at run time (a script that is run by hand found it first)."""
    tree = ast.parse(source)
    product: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nextsteps"):
            module = importlib.import_module(node.module or "")
            for alias in node.names:
                if hasattr(module, alias.name):
                    product[alias.asname or alias.name] = getattr(module, alias.name)
    local = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}

    def called(node: ast.AST, seen: frozenset[str] = frozenset()) -> set[str]:
        names: set[str] = set()
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
                name = inner.func.id
                names.add(name)
                if name in local and name not in seen:
                    names |= called(local[name], seen | {name})
        return names

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(_opens_atomic(item) for item in node.items):
            for name in sorted(called(ast.Module(body=node.body, type_ignores=[]))):
                if name in product and opens_durable_transaction(product[name]):
                    found.append(f"{node.lineno}: {name}")
    return found


@pytest.mark.parametrize("script", sorted(BENCHMARKS.glob("*.py")), ids=lambda path: path.name)
def test_no_benchmark_calls_a_durable_service_inside_its_own_transaction(script: Path) -> None:
    assert durable_calls_in_transactions(script.read_text(encoding="utf-8")) == []


def test_the_durable_check_finds_a_service_called_through_a_local_function() -> None:
    script = (
        "from django.db import transaction\n"
        "from nextsteps.curriculum.services import framework_import\n"
        "def school():\n"
        "    framework_import(school=None, spec=None, by=None)\n"
        "with transaction.atomic():\n"
        "    school()\n"
    )
    assert durable_calls_in_transactions(script) == ["5: framework_import"]
    wrapped = script.replace("    framework_import(", "    within(framework_import)(")
    assert durable_calls_in_transactions(wrapped) == []
