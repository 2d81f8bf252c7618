"""Formatting for judging pages: shares as percentages, durations, statistics."""

from __future__ import annotations

import math

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.8333 → "83%"; missing → an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{round(100 * value)}%"


@register.filter
def statistic(value: float | None, places: int = 2) -> str:
    """A statistic to two places, with a true minus sign; missing → an en dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.{places}f}".replace("-", "−")


@register.filter
def signed(value: float | None) -> str:
    """+0.40 or −0.25 levels."""
    if value is None:
        return "–"
    return f"{value:+.2f}".replace("-", "−")


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds in words a teacher reads at a glance: 45 s, 3 min 05 s, 2 h 10 min."""
    if seconds is None:
        return "–"
    total = round(seconds)
    if total < 60:
        return _("%(s)d s") % {"s": total}
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return _("%(m)d min %(s)02d s") % {"m": minutes, "s": secs}
    hours, minutes = divmod(minutes, 60)
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key)
