"""Template filters for the progress pages."""

from __future__ import annotations

from django import template

from nextsteps.progress.kernels.chart import signed as signed_text

register = template.Library()


@register.filter
def signed(value: float | None, places: int = 2) -> str:
    """A score with its sign, as published: +0.31, −1.49 (a true minus sign)."""
    return signed_text(value, int(places))


@register.filter
def band_label(band: str | None) -> str:
    """A progress band in words, as the progress pages name it."""
    from nextsteps.progress.explain import BAND_LABELS

    return str(BAND_LABELS.get(band or "", "–"))


@register.filter
def band_class(band: str | None) -> str:
    return "band-" + (band or "none").replace(" ", "-")
