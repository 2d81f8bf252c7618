"""Translation for code that also runs without Django set up.

The file commands (`nextsteps progress`) read CSV files with no Django settings, where
`gettext` would raise. Import `translate` as `_`, so that makemessages still finds the strings.
"""

from __future__ import annotations


def translate(message: str) -> str:
    """Translated when Django is set up (the web pages), as written otherwise (file commands)."""
    from django.apps import apps
    from django.conf import settings

    if not (settings.configured and apps.ready):
        return message
    from django.utils.translation import gettext

    return gettext(message)


def translate_plural(singular: str, plural: str, number: int) -> str:
    """`ngettext` when Django is set up; the English singular or plural otherwise. Import it
    as `ngettext`, so that makemessages finds both forms."""
    from django.apps import apps
    from django.conf import settings

    if not (settings.configured and apps.ready):
        return singular if number == 1 else plural
    from django.utils.translation import ngettext

    return ngettext(singular, plural, number)
