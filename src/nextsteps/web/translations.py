"""The current language's translations, without the empty catalogues behind them.

Django builds one translation a language from every installed application's catalogue, and
each application that ships a catalogue for "en" as well as "en_GB" adds its "en" catalogue
behind the merged one as a fallback. Those "en" catalogues hold nothing but their header, yet
every text the merged catalogue does not translate (most of the product's own, written in
British English) is looked up in each of them in turn: six look-ups for nothing, for each of
the sixty-odd texts a page shows. A fallback that holds nothing is dropped here; what any text
translates to is unchanged.
"""

from __future__ import annotations

from gettext import GNUTranslations, NullTranslations

from django.conf import settings
from django.utils.translation import trans_real


def _empty(catalogue: NullTranslations) -> bool:
    """Whether a catalogue translates nothing: a GNU catalogue with no message but its header
    (the empty message id)."""
    messages = getattr(catalogue, "_catalog", None)
    return (
        isinstance(catalogue, GNUTranslations)
        and messages is not None
        # `.keys()`: Django's merged catalogue is not iterable as a dict is.
        and not any(message != "" for message in messages.keys())  # noqa: SIM118
    )


def drop_empty_fallbacks(translation: NullTranslations) -> None:
    """Take out of the chain of fallbacks behind `translation` each catalogue that translates
    nothing (`gettext` keeps the chain in `_fallback`, and offers only to add to it)."""
    link = translation
    while (following := getattr(link, "_fallback", None)) is not None:
        if _empty(following):
            link._fallback = getattr(following, "_fallback", None)  # type: ignore[attr-defined]
        else:
            link = following


def prepare() -> None:
    """Build each of the product's languages' translations now, without empty fallbacks."""
    if settings.USE_I18N:
        for code, _name in settings.LANGUAGES:
            drop_empty_fallbacks(trans_real.translation(code))
