"""The glossary of assessment terms, and linking terms in running text. No Django import.

`paragraphs_html` turns plain text (an answer, a piece of guidance) into escaped HTML
paragraphs in which the first use of each glossary term links to its entry.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

GLOSSARY_FILE = Path(__file__).parent.parent / "data" / "glossary.yaml"


@dataclass(frozen=True)
class Term:
    key: str
    term: str
    definition: str
    also: tuple[str, ...] = ()
    autolink: bool = True

    @property
    def anchor(self) -> str:
        return f"term-{self.key}"


def read_glossary(text: str) -> tuple[Term, ...]:
    """Terms from the glossary YAML, in the file's order."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"glossary: not valid YAML: {error}") from error
    if not isinstance(data, dict) or data.get("format") != "nextsteps-glossary/1":
        raise ValueError("not a nextsteps glossary file (format: nextsteps-glossary/1)")
    terms = []
    for index, entry in enumerate(data.get("terms") or [], start=1):
        try:
            terms.append(
                Term(
                    key=str(entry["key"]),
                    term=str(entry["term"]),
                    definition=" ".join(str(entry["definition"]).split()),
                    also=tuple(str(a) for a in entry.get("also") or ()),
                    autolink=bool(entry.get("autolink", True)),
                )
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"glossary term {index}: missing {error}") from error
    keys = [t.key for t in terms]
    if len(set(keys)) != len(keys):
        raise ValueError("glossary keys must be unique")
    return tuple(terms)


@functools.cache
def glossary() -> tuple[Term, ...]:
    """The product's glossary (read once)."""
    return read_glossary(GLOSSARY_FILE.read_text(encoding="utf-8"))


def by_key() -> dict[str, Term]:
    return {term.key: term for term in glossary()}


@functools.cache
def _pattern(terms: tuple[Term, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    forms: dict[str, str] = {}
    for term in terms:
        if not term.autolink:
            continue
        for form in (term.term, *term.also):
            forms.setdefault(form.lower(), term.key)
    # Longest first, so "whole-class feedback" wins over "feedback".
    alternatives = sorted(forms, key=lambda f: (-len(f), f))
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(f) for f in alternatives) + r")(?![\w-])",
        re.IGNORECASE,
    )
    return pattern, forms


def terms_in(text: str, terms: Sequence[Term] | None = None) -> list[str]:
    """Keys of the glossary terms used in the text, in order of first use."""
    pattern, forms = _pattern(tuple(terms if terms is not None else glossary()))
    found: list[str] = []
    for match in pattern.finditer(text):
        key = forms[match.group(1).lower()]
        if key not in found:
            found.append(key)
    return found


def linked_html(text: str, href: Callable[[str], str], terms: Sequence[Term] | None = None) -> str:
    """Escaped text in which the first use of each glossary term is a link to it."""
    pattern, forms = _pattern(tuple(terms if terms is not None else glossary()))
    parts: list[str] = []
    linked: set[str] = set()
    position = 0
    for match in pattern.finditer(text):
        key = forms[match.group(1).lower()]
        if key in linked:
            continue
        linked.add(key)
        parts.append(html.escape(text[position : match.start()]))
        parts.append(
            f'<a class="glossary-term" href="{html.escape(href(key))}">'
            f"{html.escape(match.group(0))}</a>"
        )
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def paragraphs_html(
    text: str, href: Callable[[str], str], terms: Sequence[Term] | None = None
) -> str:
    """Paragraphs (split on blank lines, lines kept) with glossary terms linked once each."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    linked = linked_html("\n\n".join(blocks), href, terms)
    return "".join(
        "<p>" + block.replace("\n", "<br>") + "</p>" for block in linked.split("\n\n") if block
    )
