"""Each language's translations: no empty catalogue looked through, every text the same."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import trans_real

from nextsteps.web.translations import _empty, drop_empty_fallbacks


def chain(translation: object) -> list[object]:
    links = []
    link: object | None = translation
    while link is not None:
        links.append(link)
        link = getattr(link, "_fallback", None)
    return links


def test_no_language_looks_a_text_up_in_a_catalogue_that_translates_nothing() -> None:
    for code, _name in settings.LANGUAGES:
        assert not [link for link in chain(trans_real.translation(code)) if _empty(link)]


def test_dropping_the_empty_catalogues_changes_no_translation() -> None:
    for code, _name in settings.LANGUAGES:
        built = trans_real.DjangoTranslation(code)  # as Django builds it, fallbacks and all
        pruned = trans_real.DjangoTranslation(code)
        drop_empty_fallbacks(pruned)
        assert len(chain(pruned)) <= len(chain(built))
        messages = list(built._catalog.keys())  # type: ignore[attr-defined]
        assert messages  # Django's own catalogues, at least
        for message in messages:
            if isinstance(message, tuple):
                singular = message[0]
                assert pruned.ngettext(singular, singular, 2) == built.ngettext(
                    singular, singular, 2
                )
            else:
                assert pruned.gettext(message) == built.gettext(message)
        for untranslated in ("Skip to main content", "Markbook", "no evidence yet"):
            assert pruned.gettext(untranslated) == built.gettext(untranslated) == untranslated
