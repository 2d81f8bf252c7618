"""What the benchmarks share.

Bytecode: a command is timed as installed. Installing the package from a wheel compiles its
modules to bytecode, but an editable install does not, and with PYTHONDONTWRITEBYTECODE set
every run of a command would compile its modules again (40 ms of `cj fit`'s 250 ms).
`as_installed` compiles them first.

Transactions: a builder writes each school in one transaction, so that a build stopped partway leaves no
half-built school behind and the next run builds that school again. The product's entry
services open a durable transaction (docs/architecture.md), which refuses to run inside
another; `within` gives a builder such a service's own body, to run in the builder's
transaction instead.
"""

from __future__ import annotations

import compileall
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "nextsteps"


def as_installed() -> None:
    """Compile the product's modules to bytecode, as installing it from a wheel does."""
    if not compileall.compile_dir(PACKAGE, quiet=1):
        raise SystemExit(f"the product's modules do not compile ({PACKAGE})")


def within(service: Callable[..., Any]) -> Callable[..., Any]:
    """The body of a service that opens `transaction.atomic(durable=True)` as a decorator."""
    body = getattr(service, "__wrapped__", None)
    if body is None:
        raise TypeError(f"{service.__qualname__} does not open its own transaction")
    return body  # type: ignore[no-any-return]
