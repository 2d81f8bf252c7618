"""Choosing learning intentions when setting work: which come first, which a search and a
strand show, and which subject to open on. Pure functions on plain data (no Django).

The page's script applies the same rules in the browser (`feedback/work_new.js`), so the list
narrows as the teacher types; these functions give the same list when the page is sent
without the script.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MenuItem:
    objective_id: int
    subject_id: int
    strand_id: int
    text: str  # what a search looks in: code, wording, strand and subject
    current: bool = False  # the class's current or planned intention
    recent: bool = False  # work set on it or a lesson taught on it recently


def menu_order(items: Iterable[MenuItem]) -> list[MenuItem]:
    """Current intentions first, then recent ones, then the rest in curriculum order."""
    return sorted(
        items, key=lambda item: (not item.current, not (item.current or item.recent))
    )  # sorted() is stable: the curriculum order is kept within each band


def search_words(query: str) -> list[str]:
    return query.casefold().split()


def matches(text: str, words: Sequence[str]) -> bool:
    """Every word of the search appears somewhere in the text (any order, any case)."""
    folded = text.casefold()
    return all(word in folded for word in words)


def shown(
    item: MenuItem,
    *,
    subject_id: int | None,
    strand_id: int | None,
    words: Sequence[str],
    chosen: Collection[int],
) -> bool:
    """An intention is listed when it fits the subject, strand and search; a chosen one
    always is, so that nothing ticked is ever out of sight."""
    if item.objective_id in chosen:
        return True
    return (
        (subject_id is None or item.subject_id == subject_id)
        and (strand_id is None or item.strand_id == strand_id)
        and matches(item.text, words)
    )


def opening_subject(items: Sequence[MenuItem], subject_ids: Sequence[int]) -> int | None:
    """The subject the page opens on: that of the first current (then recent) intention,
    otherwise the class's first subject."""
    for item in menu_order(items):
        if item.current or item.recent:
            return item.subject_id
    return subject_ids[0] if subject_ids else None
