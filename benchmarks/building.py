"""What the benchmarks' data builders share.

A builder writes each school in one transaction, so that a build stopped partway leaves no
half-built school behind and the next run builds that school again. The product's entry
services open a durable transaction (docs/architecture.md), which refuses to run inside
another; `within` gives a builder such a service's own body, to run in the builder's
transaction instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def within(service: Callable[..., Any]) -> Callable[..., Any]:
    """The body of a service that opens `transaction.atomic(durable=True)` as a decorator."""
    body = getattr(service, "__wrapped__", None)
    if body is None:
        raise TypeError(f"{service.__qualname__} does not open its own transaction")
    return body  # type: ignore[no-any-return]
