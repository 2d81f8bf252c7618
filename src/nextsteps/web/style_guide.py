"""The style page's examples, one for each component in `web/templates/web/components/`.

Each example's usage snippet is a template, `web/style_examples/<slug>.html`: the page shows
its source and renders it live, so the snippet on the page can never drift from what the
component really does. The sample words inside snippets are examples, not product text, and
are not translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Example:
    slug: str
    title: Promise
    use: Promise

    @property
    def template_name(self) -> str:
        return f"web/style_examples/{self.slug.replace('-', '_')}.html"


EXAMPLES = (
    Example(
        "button",
        _("Buttons"),
        _(
            "One primary button for the main action of a page; secondary and quiet ones for "
            "the rest. A link that goes somewhere is a link with the look of a button."
        ),
    ),
    Example(
        "field",
        _("Form fields"),
        _(
            "Every field has a visible label, its help under it and its error in words, all "
            "read out with the field. Choices as radio buttons are a fieldset with a legend."
        ),
    ),
    Example(
        "data-table",
        _("Data tables"),
        _(
            "Rows of data have a caption, headings with scope, and scroll sideways on a phone "
            "instead of squashing. They print in full, headings on every page."
        ),
    ),
    Example(
        "level-chip",
        _("Level chips"),
        _(
            "A level always shows its label beside its colour, so colour is never the only "
            "signal, and it prints in black and white."
        ),
    ),
    Example(
        "chart",
        _("Charts"),
        _(
            "A chart says in words what it shows, and carries the same figures as a table for "
            "anyone who cannot see the picture."
        ),
    ),
    Example(
        "empty-state",
        _("Empty states"),
        _(
            "An empty list says what is missing, what to do next, and links to the page "
            "that does it."
        ),
    ),
    Example(
        "notice",
        _("Notices"),
        _(
            "A message on a page says its kind in words as well as in colour: a note, "
            "something done, something important or a problem."
        ),
    ),
    Example(
        "help",
        _("Help panels"),
        _(
            "Each area has short help where it is needed, closed until someone opens it. "
            "It answers what the page is for and what to do first."
        ),
    ),
)
