"""The glossary page, and the pages that link their terms to it."""

from __future__ import annotations

import pytest

from tests.conftest import Cast
from tests.policy.helpers import KINGSMEAD, answer_url


@pytest.mark.parametrize("username", ["teacher", "pupil", "parent", "primaryhead", "ta", "admin"])
def test_everyone_in_the_school_reads_the_glossary(cast: Cast, username: str) -> None:
    page = cast.client(username).get("/school/990101/policy/glossary/")
    text = page.content.decode()
    assert page.status_code == 200
    for term in (
        "Formative assessment",
        "Summative assessment",
        "Moderation",
        "Standardisation",
        "Validity",
        "Reliability",
    ):
        assert 'id="term-' in text and f">{term}</dt>" in text


def test_pages_that_use_terms_link_to_them(cast: Cast) -> None:
    glossary = f"/school/{KINGSMEAD}/policy/glossary/#term-"
    answer = cast.client("hod").get(answer_url(cast, "Mathematics", "moderation")).content.decode()
    assert f'href="{glossary}moderation"' in answer
    assert f'href="{glossary}standardisation"' in answer
    workload = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/workload/").content.decode()
    assert f'href="{glossary}whole-class-feedback"' in workload
    published = cast.client("leader").get(f"/school/{KINGSMEAD}/policy/published/").content.decode()
    assert 'href="#term-formative-assessment"' in published
