"""A primary school's policy pages speak of subjects and subject leaders, not departments."""

from __future__ import annotations

import re

import pytest

from nextsteps.policy.wording import words_for
from nextsteps.schools.models import Department
from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD


def test_the_words_follow_the_schools_phase(cast: Cast) -> None:
    primary, secondary = words_for(cast.primary), words_for(cast.secondary)
    assert (primary.one, primary.many, primary.lead) == ("subject", "subjects", "subject leader")
    assert (secondary.one, secondary.many, secondary.lead) == (
        "department",
        "departments",
        "head of department",
    )


@pytest.fixture
def subjects(cast: Cast) -> list[Department]:
    """Hollins Park's subjects, each with a subject leader's answers to come."""
    return [
        Department.objects.create(school=cast.primary, name=name)
        for name in ("Mathematics", "English", "Science")
    ]


def test_a_primary_leaders_policy_pages_say_subject(cast: Cast, subjects: list[Department]) -> None:
    client = cast.client("primaryhead")
    urn = cast.primary.urn
    home = client.get(f"/school/{urn}/policy/").content.decode()
    assert "each subject answers the key questions" in home
    assert "Each subject's answers, by key question" in home
    assert "key questions every subject answers" in home
    listing = client.get(f"/school/{urn}/policy/synthesis/").content.decode()
    assert "read every subject's answer side by side" in listing
    preview = client.get(f"/school/{urn}/policy/preview/").content.decode()
    assert "3 subjects have no agreed approach" in preview
    for page in (home, listing, preview):
        words = re.findall(r".{60}department.{60}", re.sub(r"<[^>]+>", " ", page), re.I | re.S)
        assert not words, words


def test_a_secondary_school_still_says_department(cast: Cast) -> None:
    home = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/").content.decode()
    assert "each department answers the key questions" in home
