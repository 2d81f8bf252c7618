"""Template filters for the progress pages."""

from __future__ import annotations

from django import template

from nextsteps.progress.chart import signed as signed_text

register = template.Library()


@register.filter
def signed(value: float | None, places: int = 2) -> str:
    """A score with its sign, as published: +0.31, −1.49 (a true minus sign)."""
    return signed_text(value, int(places))
