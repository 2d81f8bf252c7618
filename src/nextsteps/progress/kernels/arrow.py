"""The few Apache Arrow compute functions the file commands use, called by name.

Importing `pyarrow.compute` makes a Python function, with its documentation, for each of
Arrow's several hundred compute functions: a twentieth of `nextsteps progress p8`'s
half-second. `call_function` runs the same functions by name without any of that, and the
methods that would import it (`Array.take`) are not used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _call(name: str, args: Sequence[Any], options: Any = None) -> Any:
    from pyarrow._compute import call_function  # only the commands on whole files need Arrow

    return call_function(name, list(args), options)


def dictionary_encode(values: Any) -> Any:
    """Each distinct value once, in the order first met, and each value's index into them."""
    return _call("dictionary_encode", [values])


def trim(texts: Any, characters: str) -> Any:
    """Texts without any of `characters` at either end."""
    from pyarrow._compute import TrimOptions

    return _call("utf8_trim", [texts], TrimOptions(characters))


def take(values: Any, indices: Any) -> Any:
    """values[indices], as an array."""
    return _call("take", [values, indices])


def joined(columns: Sequence[Any], separator: str) -> Any:
    """Each row's texts from the columns (a text alone: the same on every row), one after
    the other with `separator` between."""
    import pyarrow as pa

    texts = [pa.scalar(c, pa.string()) if isinstance(c, str) else c for c in columns]
    return _call("binary_join_element_wise", [*texts, pa.scalar(separator, pa.string())])
