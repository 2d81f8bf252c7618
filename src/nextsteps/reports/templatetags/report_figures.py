"""The dashboards' percentages in templates, rounded by the same function as the charts."""

from __future__ import annotations

from django import template

from nextsteps.reports.kernels.groups import is_small
from nextsteps.reports.kernels.rounding import Number, percent_text

register = template.Library()


@register.filter
def percent(value: Number | None) -> str:
    """An exact share shown as a whole percentage ("43%"), or "–" when there is none."""
    return percent_text(value)


@register.filter
def small_group(pupils: int | None) -> bool:
    """A figure from fewer pupils than the small-group threshold (but some): flag it."""
    return pupils is not None and is_small(pupils)
