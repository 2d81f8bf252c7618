"""Pupils' pages read easily for a child of seven to eleven.

Each page a pupil sees is rendered as Amara (Year 4), its visible words are taken from the main
part of the page (not the menus), and its reading level is measured with textstat:

- the Spache formula, made for texts for children up to US grade 4 (sentence length and words
  outside a list of words young readers know), must give grade 4 or under: a reading age of
  nine, as Year 4 pupils read;
- the Flesch–Kincaid grade, made for adult text, must stay within grade 6 (a reading age of
  eleven, the top of the primary years). On pages of a dozen short lines it swings with a
  single date or name, so it is the looser check.

A page that fails names the sentences that pull its score up, to be rewritten in shorter words.
"""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser

import pytest
import textstat

from tests.conftest import Cast
from tests.web.test_access_walk import feedback_kwargs

SPACHE_GRADE = 4.0  # a reading age of nine
FLESCH_KINCAID_GRADE = 6.0  # a reading age of eleven

PUPIL_PAGES = {
    "my learning": "/school/{urn}/pupil/",
    "my work": "/school/{urn}/feedback/me/work/",
    "looking back at my work": "/school/{urn}/feedback/me/review/",
    "feedback on a piece of work": "/school/{urn}/feedback/work/{story}/pupils/{amara}/",
    "a target": "/school/{urn}/feedback/targets/{target}/",
    "my tests and challenges": "/school/{urn}/assessments/pupils/{amara}/",
    "marking codes": "/school/{urn}/feedback/codes/",
    "notifications": "/school/{urn}/feedback/notifications/",
    "my report": "/school/{urn}/reports/pupils/{amara}/",
}


class VisibleText(HTMLParser):
    """The words a sighted reader sees inside <main>, one piece of text per block."""

    SKIP = frozenset({"script", "style", "svg", "template", "noscript"})
    BLOCKS = frozenset(
        {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "dt", "dd", "div", "label", "summary"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = self.skipping = 0
        self.hidden_depth: list[str] = []
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "main":
            self.in_main += 1
        if tag in self.SKIP or "visually-hidden" in classes or dict(attrs).get("hidden") == "":
            self.skipping += 1
            self.hidden_depth.append(tag)
        if tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main -= 1
        if self.hidden_depth and self.hidden_depth[-1] == tag:
            self.hidden_depth.pop()
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skipping:
            self.pieces.append(data)


def sentences(html: str) -> list[str]:
    """The page's text as sentences: a heading, a button or a table cell counts as one."""
    parser = VisibleText()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.pieces).split("\n"))
    found = []
    for line in lines:
        if re.search(r"[A-Za-z]{2}", line):
            found += [s for s in re.split(r"(?<=[.!?])\s+", line) if s]
    return found


def joined(text: list[str]) -> str:
    """The sentences as one text, each ended so that textstat counts it as a sentence."""
    return " ".join(s if s.rstrip().endswith((".", "!", "?")) else s + "." for s in text)


def reading_grade(text: list[str]) -> float:
    """Flesch–Kincaid grade of a list of sentences."""
    return float(textstat.flesch_kincaid_grade(joined(text)))


def spache_grade(text: list[str]) -> float:
    """Spache grade of a list of sentences."""
    with warnings.catch_warnings():
        # textstat 0.7.3 leaves its list of easy words open after reading it once.
        warnings.simplefilter("ignore", ResourceWarning)
        return float(textstat.spache_readability(joined(text)))


def test_the_measures_tell_a_childs_words_from_an_adults() -> None:
    child = ["My goal today.", "I can add two numbers.", "Look at my work.", "Well done!"]
    adult = [
        "Standardised assessment outcomes are disaggregated by characteristic.",
        "Comparative judgement reliability is calculated from the scale separation.",
    ]
    assert spache_grade(child) <= SPACHE_GRADE < spache_grade(adult)
    assert reading_grade(child) <= FLESCH_KINCAID_GRADE < reading_grade(adult)


@pytest.mark.parametrize("page", sorted(PUPIL_PAGES))
def test_pupils_pages_have_a_reading_age_of_nine_or_under(cast: Cast, page: str) -> None:
    ids = feedback_kwargs(cast)
    path = PUPIL_PAGES[page].format(
        urn=cast.primary.urn, amara=cast.amara.pk, story=ids["work_id"], target=ids["target_id"]
    )
    response = cast.client("pupil").get(path)
    assert response.status_code == 200, path
    text = sentences(response.content.decode())
    assert len(text) >= 3, f"{path} shows almost no words: {text}"
    hardest = sorted(text, key=lambda s: spache_grade([s]), reverse=True)[:5]
    spache, flesch_kincaid = spache_grade(text), reading_grade(text)
    assert spache <= SPACHE_GRADE and flesch_kincaid <= FLESCH_KINCAID_GRADE, (
        f"{page} ({path}) reads at Spache grade {spache:.1f}, Flesch–Kincaid grade "
        f"{flesch_kincaid:.1f}; hardest sentences: {hardest}"
    )
