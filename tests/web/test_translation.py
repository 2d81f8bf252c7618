"""Every word a person reads is marked for translation, and dates and numbers are in UK forms.

The template check lexes every template the way Django does, blanks out template tags and
the text inside `{% blocktranslate %}`, then reads what is left as HTML: any text node or
user-facing attribute that still has a letter in it was written straight into the page and
could not be translated. Adding a page with a bare English sentence makes this test fail.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType
from django.utils import formats, translation

import nextsteps

PACKAGE = Path(nextsteps.__file__).parent
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
# What may stay untranslated, and why:
# - the style page's usage snippets, whose sample words show how to call a component;
SAMPLE_TEMPLATES = frozenset(PACKAGE.glob("web/templates/web/style_examples/*.html"))
# - the product's name, and the names of file formats and products that no language changes;
ALLOWED_WORDS = frozenset({"nextsteps", "CSV", "XLSX", "YAML", "JSON", "PDF", "Excel"})
# - text inside these elements is code, a file's column names or a keyboard key, shown as typed
#   (the style page's usage snippets and the upload pages' column lists live in <code>);
CODE_ELEMENTS = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
# - blocks that hold CSS class names rather than words.
CLASS_NAME_BLOCKS = frozenset({"body_class"})
# Attributes that a screen reader announces or a browser shows.
READ_ATTRIBUTES = frozenset(
    {"alt", "title", "aria-label", "aria-description", "placeholder", "label", "data-confirm"}
)
LETTER = re.compile(r"[^\W\d_]")


def has_words(text: str) -> bool:
    return bool(LETTER.search(" ".join(w for w in text.split() if w not in ALLOWED_WORDS)))


class TextFinder(HTMLParser):
    """Collects the text nodes and read-aloud attributes that contain letters."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.code_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.code_depth += 1
        for name, value in attrs:
            shown = name in READ_ATTRIBUTES or (
                tag == "input"
                and name == "value"
                and dict(attrs).get("type") in {"submit", "button", "reset"}
            )
            if shown and value and has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.code_depth and has_words(data):
            self.found.append((self.getpos()[0], data.strip()))


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """Lines and text of the words in a template that are not marked for translation."""
    kept: list[str] = []
    in_blocktranslate = in_comment = in_class_block = False
    for token in Lexer(source).tokenize():
        bits = token.contents.split()
        name = bits[0] if bits else ""
        if token.token_type == TokenType.BLOCK:
            if name in {"blocktranslate", "blocktrans"}:
                in_blocktranslate = True
            elif name in {"endblocktranslate", "endblocktrans"}:
                in_blocktranslate = False
            elif name == "comment":
                in_comment = True
            elif name == "endcomment":
                in_comment = False
            elif name == "block":
                in_class_block = len(bits) > 1 and bits[1] in CLASS_NAME_BLOCKS
            elif name == "endblock":
                in_class_block = False
        if token.token_type == TokenType.TEXT and not (
            in_blocktranslate or in_comment or in_class_block
        ):
            kept.append(token.contents)
        else:
            # Keep the line numbers; a space keeps the HTML around a tag well formed.
            kept.append(" " + "\n" * token.contents.count("\n"))
    finder = TextFinder()
    finder.feed("".join(kept))
    finder.close()
    return finder.found


def test_the_check_finds_bare_words_and_accepts_marked_ones() -> None:
    bare = '{% load i18n %}<p class="lead">Hello {{ name }}</p><img alt="A chart" src="x">'
    assert [text for _, text in untranslated_text(bare)] == ["Hello", 'alt="A chart"']
    marked = (
        "{% load i18n %}<p>{% translate 'Hello' %} {{ name }}</p>"
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}"
        '<img alt="{% translate "A chart" %}"> <code>upn, ks2_year</code> CSV · nextsteps'
        "{% block body_class %}pupil{% endblock %}{# a comment #}"
    )
    assert untranslated_text(marked) == []


@pytest.mark.parametrize(
    "template",
    [t for t in TEMPLATES if t not in SAMPLE_TEMPLATES],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_every_word_in_every_template_is_marked_for_translation(template: Path) -> None:
    found = untranslated_text(template.read_text(encoding="utf-8"))
    assert not found, "\n".join(
        f"{template.relative_to(PACKAGE)}:{line}: {text!r} is not in "
        "{% translate %} or {% blocktranslate %}"
        for line, text in found
    )


def message_calls_with_bare_text(tree: ast.AST) -> list[int]:
    """Lines where a message shown to a person is a plain string literal."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        is_message = (
            isinstance(owner, ast.Name)
            and owner.id == "messages"
            and called in {"success", "error", "info", "warning", "add_message"}
        )
        shown = node.args[1:2] if is_message else []
        if called in {"ValidationError", "add_error"}:
            shown = node.args[-1:] if called == "add_error" else node.args[:1]
        if called.endswith("Field"):  # a form or model field's label and help
            shown += [kw.value for kw in node.keywords if kw.arg in {"label", "help_text"}]
        lines += [node.lineno for value in shown if is_bare_text(value)]
    return lines


def is_bare_text(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return has_words(value.value)
    if isinstance(value, ast.JoinedStr):
        return any(is_bare_text(part) for part in value.values)
    return False


def test_messages_form_labels_and_validation_errors_are_marked_for_translation() -> None:
    problems = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in module.parts:
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        problems += [
            f"{module.relative_to(PACKAGE)}:{line}" for line in message_calls_with_bare_text(tree)
        ]
    assert not problems, "wrap these in gettext / gettext_lazy: " + ", ".join(problems)


def test_dates_and_numbers_are_shown_in_uk_forms() -> None:
    day = dt.date(2026, 11, 22)
    with translation.override("en-gb"):
        assert formats.date_format(day) == "22 November 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "22/11/2026"
        moment = dt.datetime(2026, 11, 22, 14, 30)  # noqa: DTZ001 - formatting only
        assert formats.date_format(moment, "DATETIME_FORMAT") == "22 November 2026, 14:30"
        assert formats.number_format(1234.5, 1, force_grouping=True) == "1,234.5"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


# A month before the day, as in "Nov 22"; year-first ISO dates ("Y-m-d") are for machines.
US_ORDER = re.compile(r"^[^djY]*[mnMFbN][^dj]*[dj]")


def test_no_template_writes_a_date_month_first() -> None:
    wrong = []
    for template in TEMPLATES:
        for match in re.finditer(r"\|date:[\"']([^\"']+)[\"']", template.read_text()):
            pattern = match.group(1)
            if not pattern.endswith("_FORMAT") and US_ORDER.match(pattern):
                wrong.append(f"{template.relative_to(PACKAGE)}: {pattern}")
    assert not wrong, wrong
