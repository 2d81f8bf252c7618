"""The benchmarks are run by hand, not by the suite, so a rename in the product can break one
unnoticed until someone needs its figures. Every name a benchmark imports from the product
must exist."""

from __future__ import annotations

import ast
import importlib
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
