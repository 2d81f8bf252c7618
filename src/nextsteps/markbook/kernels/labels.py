"""A level's short label, as the grid's cells, its key and the cell's panel all show it."""

from __future__ import annotations


def short_label(label: str) -> str:
    """A level's initials for a cell ("Working towards" → "WT"); the key spells it out."""
    words = [word for word in label.replace("'", "").split() if word[:1].isalnum()]
    if len(words) == 1:
        return words[0][:3]
    return "".join(word[0].upper() for word in words)[:3]
