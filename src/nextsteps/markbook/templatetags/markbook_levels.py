"""A level's short label in templates, from the same function the grid's cells use, so the key,
the grid and the cell's panel never show a level two ways."""

from __future__ import annotations

from django import template

from nextsteps.markbook.kernels.labels import short_label

register = template.Library()


@register.filter
def level_short(label: str) -> str:
    """ "Working towards" → "WT", as on the grid's cells."""
    return short_label(str(label))
