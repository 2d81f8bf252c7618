"""Who sees what: pupils only their own attempts and scores, parents their children's, and
nobody a ranking of pupils."""

from __future__ import annotations

import re

from nextsteps.assessments import demo
from nextsteps.assessments.models import Assessment, Attempt, Challenge
from nextsteps.people.models import Pupil
from tests.conftest import Cast


def classmate(cast: Cast) -> Pupil:
    pupil = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk=cast.amara.pk)
        .first()
    )
    assert pupil is not None
    return pupil


def page(cast: Cast, username: str, pupil: Pupil) -> tuple[int, str]:
    response = cast.client(username).get(
        f"/school/{cast.primary.urn}/assessments/pupils/{pupil.pk}/"
    )
    return response.status_code, response.content.decode()


def test_a_pupil_sees_her_own_bests_and_the_celebration(cast: Cast) -> None:
    status, html = page(cast, "pupil", cast.amara)
    assert status == 200
    assert "My personal bests" in html
    assert "New personal best! 38 in 3 minutes (last best 35)" in html
    assert "Multiplication and division: end-of-unit test" in html  # her own test result


def test_a_pupil_cannot_see_a_classmates_attempts_or_scores(cast: Cast) -> None:
    other = classmate(cast)
    assert page(cast, "pupil", other)[0] == 404
    _status, html = page(cast, "pupil", cast.amara)
    assert other.name not in html
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    challenge = Challenge.objects.get(school=cast.primary, name=demo.TIMES_TABLES)
    client = cast.client("pupil")
    base = f"/school/{cast.primary.urn}/assessments/"
    for url in (
        base,
        f"{base}{test.pk}/",
        f"{base}{test.pk}/marks/",
        f"{base}{test.pk}/analysis/",
        f"{base}{test.pk}/scores/",
        f"{base}challenges/",
        f"{base}challenges/{challenge.pk}/classes/{cast.four_oak.pk}/",
    ):
        assert client.get(url).status_code in {403, 404}, url  # staff pages 403; a test 404


def test_a_parent_sees_their_childs_bests_but_no_other_pupils(cast: Cast) -> None:
    status, html = page(cast, "parent", cast.amara)
    assert status == 200
    assert "Amara Hughes's personal bests" in html
    assert "New personal best! 38 in 3 minutes (last best 35)" in html
    assert page(cast, "parent", classmate(cast))[0] == 404
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    assert (
        cast.client("parent")
        .get(f"/school/{cast.primary.urn}/assessments/{test.pk}/scores/")
        .status_code
        == 403  # a staff page of the parent's own school
    )


def test_a_teacher_in_another_school_sees_nothing(cast: Cast) -> None:
    assert page(cast, "otherteacher", cast.amara)[0] == 404
    test = Assessment.objects.get(school=cast.primary, name=demo.MULTIPLICATION_TEST)
    client = cast.client("otherteacher")
    assert (
        client.get(f"/school/{cast.primary.urn}/assessments/{test.pk}/analysis/").status_code == 404
    )
    assert (
        client.get(f"/school/{cast.other.urn}/assessments/{test.pk}/analysis/").status_code == 404
    )


def test_the_class_view_counts_beaten_bests_and_never_shows_anyones_score(cast: Cast) -> None:
    challenge = Challenge.objects.get(school=cast.primary, name=demo.TIMES_TABLES)
    response = cast.client("teacher").get(
        f"/school/{cast.primary.urn}/assessments/challenges/{challenge.pk}/classes/{cast.four_oak.pk}/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = response.context["summary"]
    assert "beat their own best this week" in html
    assert summary.this_week.beat >= 1  # Amara, at least
    # Only counts of pupils (and the chart's axis up to the class size) appear as numbers:
    # no pupil's score, which run up to 50, is on the page, and the score boxes are empty.
    shown = {int(n) for n in re.findall(r">\s*(\d+)\s*<", html)}
    assert max(shown) <= 30
    assert not re.search(r'name="score-\d+"[^>]*value="\d', html)
    assert Attempt.objects.filter(challenge=challenge, score__gt=30).exists()  # the check can fail
    for word in ("top scorer", "leaderboard", "1st", "position"):
        assert word not in html.lower()


def test_a_teachers_view_of_a_pupil_compares_only_with_their_own_best(cast: Cast) -> None:
    status, html = page(cast, "teacher", cast.amara)
    assert status == 200
    assert "compared only with Amara's own previous best" in html


def test_signed_out_people_are_sent_to_sign_in_from_every_page(cast: Cast) -> None:
    from django.test import Client

    from tests.assessments.test_pages import urls

    client = Client()
    for url in urls(cast):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
