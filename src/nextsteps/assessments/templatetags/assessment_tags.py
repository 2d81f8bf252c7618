"""Small display filters for tests and challenges."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """3 minutes · 2 minutes 40 seconds · 45 seconds."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    parts = []
    if minutes:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    if rest or not minutes:
        parts.append(ngettext("%(n)d second", "%(n)d seconds", rest) % {"n": rest})
    return " ".join(parts)


@register.filter
def clock(seconds: int | None) -> str:
    """3:00 — for a time field a teacher edits."""
    if seconds is None:
        return ""
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


@register.filter
def percent(facility: object) -> str:
    """A facility as a whole percentage, or a dash when nobody was marked."""
    value = getattr(facility, "percent", facility)
    return _("—") if value is None else f"{value}%"


@register.filter
def index(sequence: object, position: int) -> object:
    try:
        return sequence[position]  # type: ignore[index]
    except (IndexError, KeyError, TypeError):
        return None
