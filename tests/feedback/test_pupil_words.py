"""Words and pictures for young children.

A pupil's pages say things in a child's words and draw the self-assessment faces as pictures
shipped with the product. The walk below opens every page a pupil can reach (the same walk of
the URL resolver as `tests/web/test_access_walk.py`, so a new page is checked as soon as it has a
route) and fails on any emoji character, or any of the adult terms in `pupil_words.ADULT_TERMS`,
on any of them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
import regex  # the Unicode emoji properties, which the standard library's re does not know
from django.contrib.staticfiles import finders

from nextsteps.feedback import pupil_words
from nextsteps.feedback.models import Target
from tests.conftest import Cast
from tests.web.test_access_walk import ROUTES, feedback_kwargs, fill, page_html, sample_kwargs

# Pictographs (Unicode's Extended_Pictographic: faces, stars, ticks drawn as emoji), anything
# shown as an emoji by default, flags, and the joiners and selectors that build emoji sequences.
EMOJI = regex.compile(
    r"[\p{Extended_Pictographic}\p{Emoji_Presentation}\p{Regional_Indicator}\uFE0F\u20E3\u200D]"
)
TEXT_SYMBOLS = frozenset("©®")  # pictographic only with an emoji selector after them

# Pages a pupil may open that are written for adults, with the reason: their precise terms
# are what the page is for. Emoji are still checked on them.
FOR_ADULTS = {
    "privacy/": "the privacy notice, a legal notice for pupils' families",
    "api/v1/docs": "the API's reference, for the school's developers",
    "school/<int:urn>/policy/glossary/": "the assessment glossary defines the precise terms",
    "school/<int:urn>/policy/published/": "the school's published assessment policy",
    "school/<int:urn>/policy/published/<int:version>/": "one version of the published policy",
    "school/<int:urn>/reports/pupils/<int:pupil_id>/": (
        "a report released to parents: written for them, and never changed once released"
    ),
}

# The pupil's own pages the walk must reach, so that a broken sample cannot empty it.
PUPIL_PAGES = (
    "school/<int:urn>/<str:role>/",
    "school/<int:urn>/feedback/me/work/",
    "school/<int:urn>/feedback/me/review/",
    "school/<int:urn>/feedback/work/<int:work_id>/pupils/<int:pupil_id>/",
    "school/<int:urn>/feedback/targets/<int:target_id>/",
    "school/<int:urn>/feedback/notifications/",
    "school/<int:urn>/feedback/codes/",
    "school/<int:urn>/mtc/pupils/<int:pupil_id>/",
)


class Words(HTMLParser):
    """The words on a page as its reader meets them: visible text, and the alternative text
    and names that a screen reader speaks (alt, title, aria-label, placeholder)."""

    SPOKEN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self.skipping += 1
        self.pieces += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.pieces.append(data)


def words_on(html: str) -> str:
    parser = Words()
    parser.feed(html)
    return " ".join(" ".join(parser.pieces).split())


def emoji_in(html: str) -> list[str]:
    return sorted(
        {f"{ch} (U+{ord(ch):04X})" for ch in EMOJI.findall(html) if ch not in TEXT_SYMBOLS}
    )


def adult_terms_in(text: str) -> list[str]:
    return [
        term
        for term in pupil_words.ADULT_TERMS
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.IGNORECASE)
    ]


def pupil_walk(cast: Cast) -> dict[str, str]:
    """Every page the pupil persona (Amara, Year 4) can open: route → HTML."""
    client = cast.client("pupil")
    pages = {}
    for route in ROUTES:
        path = fill(route, sample_kwargs(cast, route, "pupil"))
        html = page_html(client.get(path))
        if html is not None:
            pages[route] = html
    return pages


def test_the_checks_tell_a_childs_page_from_an_adults() -> None:
    assert emoji_in("<p>I can do it 🙂</p>") == ["🙂 (U+1F642)"]
    assert emoji_in("<p>⭐ 3 targets</p><p>✔ quickly</p>") == ["✔ (U+2714)", "⭐ (U+2B50)"]
    assert emoji_in("<p>243 × 6 → 1458 ✓ © 2026</p>") == []
    assert adult_terms_in(words_on('<span title="Purple-pen revision">1</span>')) == [
        "purple-pen revision",
        "revision",
    ]
    assert adult_terms_in(words_on("<p>Claimed — waiting for the teacher</p>")) == [
        "claimed",
        "waiting for the teacher",
    ]
    assert adult_terms_in(words_on("<script>'misconception'</script><p>Mixed up</p>")) == []


def test_no_page_a_pupil_sees_has_emoji_or_adult_terms(cast: Cast) -> None:
    pages = pupil_walk(cast)
    missing = [route for route in PUPIL_PAGES if route not in pages]
    assert missing == [], f"the walk did not reach the pupil's pages {missing}"
    assert set(FOR_ADULTS) <= set(pages), "a page listed as for adults is no longer a pupil's"
    problems = []
    for route, html in pages.items():
        problems += [f"{route}: emoji {ch}" for ch in emoji_in(html)]
        if route not in FOR_ADULTS:
            problems += [f"{route}: says {t!r}" for t in adult_terms_in(words_on(html))]
    assert problems == []


def test_every_value_a_pupil_can_meet_has_a_childs_words() -> None:
    for name, (choices, child) in pupil_words.VOCABULARIES.items():
        assert set(child) == set(choices.values), f"{name} has no child's words for some values"
        for value, words in child.items():
            assert adult_terms_in(str(words)) == [], f"{name}.{value}: {words}"
    for name, (_adult, child_phrase) in pupil_words.PHRASES.items():
        assert adult_terms_in(str(child_phrase)) == [], name


def test_a_pupil_reads_a_childs_words_where_staff_read_the_precise_term(cast: Cast) -> None:
    ids = feedback_kwargs(cast)
    target = f"/school/{cast.primary.urn}/feedback/targets/{ids['target_id']}/"
    work = f"/school/{cast.primary.urn}/feedback/work/{ids['work_id']}/pupils/{cast.amara.pk}/"
    assert Target.objects.get(pk=ids["target_id"]).status == Target.Status.CLAIMED
    teacher, pupil = cast.client("teacher"), cast.client("pupil")
    assert "Claimed — waiting for the teacher" in teacher.get(target).content.decode()
    assert "I have done it! My teacher will check" in pupil.get(target).content.decode()
    assert "Purple-pen revision" in teacher.get(work).content.decode()
    mine = pupil.get(work).content.decode()
    assert "Made better with my purple pen" in mine and "What I changed:" in mine
    home = pupil.get(f"/school/{cast.primary.urn}/pupil/").content.decode()
    assert "Something lots of us mixed up" in home and "Misconception" not in home


def test_the_faces_are_spread_over_a_scale_of_any_length() -> None:
    names = [face.name for face in pupil_words.FACES]
    assert names == ["unsure", "getting-there", "can-do", "can-teach"]
    assert [pupil_words.face_for(r, 4).name for r in range(4)] == names
    assert [pupil_words.face_for(r, 2).name for r in range(2)] == ["unsure", "can-teach"]
    five = [names.index(pupil_words.face_for(r, 5).name) for r in range(5)]
    assert five == sorted(five) and five[0] == 0 and five[-1] == 3
    assert pupil_words.face_for(0, 1).name == "can-do"


def test_the_pupils_home_draws_each_level_as_a_shipped_face_with_its_name(cast: Cast) -> None:
    html = cast.client("pupil").get(f"/school/{cast.primary.urn}/pupil/").content.decode()
    faces = re.findall(r'<img class="face" src="([^"]+)" alt="([^"]*)"', html)
    assert faces, "the self-assessment shows no faces"
    shipped = {f"/static/{face.path}": str(face.alt) for face in pupil_words.FACES}
    assert dict(faces) == shipped  # every face, each with its name


def luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("face", pupil_words.FACES, ids=lambda face: face.name)
def test_each_face_is_a_shipped_svg_with_a_name_and_clear_edges(face: pupil_words.Face) -> None:
    """WCAG 1.4.11: the parts of a picture needed to understand it have 3:1 against what is
    next to them: the face's outline against the page, its eyes and mouth against the face."""
    found = finders.find(face.path)
    assert found, f"{face.path} is not among the static files"
    root = ElementTree.fromstring(Path(str(found)).read_text())  # noqa: S314 - our own file
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == str(face.alt)
    # self-contained: nothing runs and nothing is fetched from elsewhere
    assert list(root.iter(f"{SVG}script")) == []
    assert [e for e in root.iter() if any("href" in name for name in e.attrib)] == []
    disc = next(e for e in root.iter() if e.get("data-part") == "face")
    page, skin = "#ffffff", str(disc.get("fill"))
    assert contrast(str(disc.get("stroke")), page) >= 3
    for part in root.iter():
        if part is disc or part.tag not in {f"{SVG}circle", f"{SVG}path"}:
            continue
        edge = part.get("stroke") or part.get("fill")
        assert edge and edge.startswith("#"), f"{face.name}: a part has no edge colour"
        assert contrast(edge, skin) >= 3 and contrast(edge, page) >= 3, f"{face.name}: {edge}"
