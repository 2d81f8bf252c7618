"""A learning intention in the words a report gives parents: what the child can now do, and
what they are learning next.

Pure (no Django; the wording is translated through `nextsteps.i18n`). A learning intention is
written for teachers as an instruction ("Recall multiplication facts to 12 × 12") or, in the
pupils' own words, as "I am learning to …" or "I can …". A report speaks of the child by name:
a secure objective is an achievement ("Amara can recall multiplication facts to 12 × 12."),
one still being worked on is a next step ("Amara is learning to recall …"). The teacher's
wording is the one turned, because the pupils' wording speaks as "I" ("my number pairs").
"""

from __future__ import annotations

import re

from nextsteps.i18n import translate as _

# Openings that say the intention is a statement about the child, not what they do: dropped,
# so that what remains starts with the verb.
_LEADS = re.compile(
    r"^(?:i can|i am able to|i am learning to|i'm learning to|we are learning to|"
    r"learning to|to be able to|be able to|to)\s+",
    re.IGNORECASE,
)
# Verbs whose "can …" reads badly in English, with the form a report uses instead.
_KNOWING = {"know": "knows", "understand": "understands"}


def _clean(wording: str) -> str:
    text = " ".join(wording.split()).rstrip(" .;:")
    while True:
        shorter = _LEADS.sub("", text, count=1)
        if shorter == text:
            return text
        text = shorter


def _lower_first(text: str) -> str:
    """The first word in lower case, unless it is a name or an abbreviation ("KS2", "French")."""
    first, _space, rest = text.partition(" ")
    word = first.rstrip(",;:")
    if len(word) > 1 and word[1:].islower() and word[0].isupper() and word.isalpha():
        first = first.lower()
    return f"{first} {rest}".strip()


def is_first_person(wording: str) -> bool:
    """A wording that still speaks as the pupil ("I am learning about…", "my …") once its
    opening is dropped, which cannot be turned into "<name> can …"."""
    words = set(re.findall(r"[a-z']+", _clean(wording).lower()))
    return bool(words & {"i", "my", "me", "myself", "i'm"})


def achievement(name: str, wording: str) -> str:
    """A secure learning intention as what the child can do: "Amara can add fractions."."""
    if is_first_person(wording):
        return _("%(name)s is secure in “%(what)s”.") % {"name": name, "what": _clean(wording)}
    text = _lower_first(_clean(wording))
    verb, _space, rest = text.partition(" ")
    if verb in _KNOWING:
        return _("%(name)s %(verb)s %(rest)s.") % {
            "name": name,
            "verb": _KNOWING[verb],
            "rest": rest,
        }
    return _("%(name)s can %(what)s.") % {"name": name, "what": text}


def next_step(name: str, wording: str) -> str:
    """A learning intention not yet secure as what the child is learning next."""
    if is_first_person(wording):
        return _("%(name)s is working on “%(what)s”.") % {"name": name, "what": _clean(wording)}
    text = _lower_first(_clean(wording))
    verb, _space, rest = text.partition(" ")
    if verb == "know":
        # "Know how numbers are made" → "is learning how numbers are made".
        return _("%(name)s is learning %(what)s.") % {"name": name, "what": rest}
    return _("%(name)s is learning to %(what)s.") % {"name": name, "what": text}
