"""A level's colour in the markbook always carries its label in a readable text colour."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from nextsteps.curriculum.models import ScaleLevel
from nextsteps.markbook.kernels.colours import contrast
from nextsteps.markbook.kernels.colours import text_colour as _text_colour
from tests.conftest import Cast


@given(st.integers(min_value=0, max_value=0xFFFFFF))
def test_the_text_on_any_level_colour_reaches_aa_contrast(rgb: int) -> None:
    colour = f"#{rgb:06x}"
    assert contrast(colour, _text_colour(colour)) >= 4.5


def test_mid_tones_take_the_better_of_black_and_white() -> None:
    # GOV.UK blue: white reaches 5.2:1, near-black only 3.8:1.
    assert _text_colour("#1d70b8") == "#ffffff"
    # A mid green where white falls short (4.3:1) and near-black reaches 4.6:1.
    assert _text_colour("#2e8b57") == "#0b0c0c"
    # A green where both fall just short of 4.5:1; black reaches 4.7:1.
    assert _text_colour("#008946") == "#000000"


def test_the_levels_stylesheet_gives_each_level_a_readable_text_colour(cast: Cast) -> None:
    response = cast.client("teacher").get(f"/school/{cast.primary.urn}/markbook/levels.css")
    assert response.status_code == 200
    rules = dict(
        re.findall(r"\.level-(\d+)[^{]*\{background-color:(#[0-9a-f]{6});", response.text, re.I)
    )
    texts = dict(
        re.findall(r"\.level-(\d+)[^{]*\{[^}]*;color:(#[0-9a-f]{6});", response.text, re.I)
    )
    levels = ScaleLevel.objects.filter(school=cast.primary)
    assert levels and {str(level.pk) for level in levels} == set(rules)
    for pk, background in rules.items():
        assert contrast(background, texts[pk]) >= 4.5, (pk, background, texts[pk])
