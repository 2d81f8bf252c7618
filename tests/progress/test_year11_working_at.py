"""The current Year 11's working-at grades: worked out by hand, for the year group and its
groups only, never a pupil's figure or a prediction; leaders see every subject, a head of
department their own."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from html import unescape
from typing import Any

from django.urls import reverse

from nextsteps.curriculum.models import Framework, Objective, Scale, ScaleLevel, Strand
from nextsteps.markbook.models import AssessmentPoint, StandingSnapshot
from nextsteps.people.models import Pupil
from nextsteps.progress.kernels.working_at import is_grade_scale, pupil_grades, summarise
from nextsteps.schools.models import School, Subject
from tests.conftest import Cast
from tests.progress.progress_db import add_pupils


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_grade_scale_is_one_whose_levels_are_gcse_grades_at_their_values() -> None:
    assert is_grade_scale([("U", 0), ("1", 1), ("4", 4), ("9", 9)])
    assert not is_grade_scale([("U", 0), ("1", 1), ("4", 5)])  # 4 valued 5
    assert not is_grade_scale([("Secure", 3), ("4", 4), ("5", 5)])
    assert not is_grade_scale([("4", 4), ("5", 5)])  # too few levels to be a grade scale


def test_a_pupils_grade_is_the_mean_of_their_grade_objectives_and_summaries_count_down() -> None:
    grades = pupil_grades([(1, "Maths", 5), (1, "Maths", 6), (2, "Maths", 4.5)])
    assert grades == {"Maths": {1: Fraction(11, 2), 2: Fraction(9, 2)}}
    summary = summarise("Maths", list(grades["Maths"].values()))
    # 5.5 and 4.5: mean 5.00; both 4+; one 5+; 5.5 counts under 5 and 4.5 under 4.
    assert (summary.n, summary.mean, summary.at_least_4, summary.at_least_5) == (2, 5.0, 2, 1)
    assert summary.counts == (0, 0, 0, 0, 1, 1, 0, 0, 0, 0) and summary.small


def grade_framework(school: School, subject_name: str) -> Objective:
    scale = Scale.objects.create(school=school, name=f"GCSE grades {subject_name}",
                                 mastery_threshold=Decimal(4))  # fmt: skip
    for position, label in enumerate(["U", "1", "2", "3", "4", "5", "6", "7", "8", "9"]):
        value = 0 if label == "U" else int(label)
        ScaleLevel.objects.create(
            school=school, scale=scale, position=position, label=label, value=Decimal(value)
        )
    framework = Framework.objects.create(
        school=school,
        name=f"GCSE {subject_name}",
        subject=Subject.objects.get(school=school, name=subject_name),
        scale=scale,
    )
    strand = Strand.objects.create(
        school=school, framework=framework, code="WA", name="Working at", position=1
    )
    return Objective.objects.create(
        school=school,
        framework=framework,
        strand=strand,
        code="WA",
        wording="The grade the pupil is working at now",
        year_group=11,
        dimension="knowledge",
        position=1,
    )


def build_year11(cast: Cast) -> list[Pupil]:
    school = cast.secondary
    pupils = add_pupils(school, 4, year_group=11, serial=960)
    pupils[0].disadvantaged = True
    pupils[0].save()
    maths, history = grade_framework(school, "Mathematics"), grade_framework(school, "History")
    autumn = AssessmentPoint.objects.create(
        school=school, name="Y11 autumn", date=dt.date(2026, 11, 20)
    )
    spring = AssessmentPoint.objects.create(
        school=school, name="Y11 spring", date=dt.date(2027, 3, 12)
    )
    marks = [
        (autumn, maths, [5, 4, 6, None]),
        (spring, maths, [5, 3, 7, 4.5]),
        (spring, history, [6, None, None, None]),
    ]  # fmt: skip
    for point, objective, values in marks:
        for pupil, value in zip(pupils, values, strict=True):
            if value is not None:
                StandingSnapshot.objects.create(
                    school=school, point=point, pupil=pupil, objective=objective,
                    value=Decimal(str(value)),
                )  # fmt: skip
    return pupils


def url(cast: Cast) -> str:
    return reverse("ks4_year11", kwargs={"urn": cast.secondary.urn})


def row(html: str, testid: str, label: str) -> str:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    for tr in table.split("<tr")[1:]:
        cells = text("<tr" + tr).strip()
        if cells.startswith(label):
            return cells
    raise AssertionError(f"no row {label!r} in {testid}")


def test_the_year_groups_working_at_grades_worked_out_by_hand(cast: Cast) -> None:
    pupils = build_year11(cast)
    html = cast.client("leader").get(url(cast)).content.decode()
    # Autumn maths 5, 4, 6: mean 5.00, all three at 4+. Spring 5, 3, 7, 4.5: 19.5 / 4 = 4.88,
    # three at 4+ (4.5 counts).
    trend = row(html, "year11-trend", "Mathematics")
    assert trend.startswith("Mathematics 5.00 3 of 3 at 4+* 4.88 3 of 4 at 4+*"), trend
    latest = row(html, "year11-latest", "Mathematics")
    # Spring: 7, 5, 4 (4.5), 3 — one each; 4+ three, 5+ two, 7+ one.
    assert latest.split()[3:] == [
        "4", "·", "·", "1", "·", "1", "1", "1", "·", "·", "·", "4.88", "3", "2", "1",
    ], latest  # fmt: skip
    # Disadvantaged: pupil 1 alone (5.00); the others 3, 7, 4.5: 14.5 / 3 = 4.83.
    # Columns: pupils, then History and Mathematics (by name).
    assert row(html, "year11-groups", "Disadvantaged 1 ") == "Disadvantaged 1 6.00 (1*) 5.00 (1*)"
    assert row(html, "year11-groups", "Other pupils") == "Other pupils 3 – 4.83 (3*)"
    assert "History" in row(html, "year11-latest", "History")
    body = text(html)
    assert "No predicted grades." in body and "Making data work" in body
    assert all(p.legal_forename not in body for p in pupils)  # no pupil is named
    assert "predicted grade" not in body.replace("No predicted grades.", "").replace(
        "no pupil a predicted", ""
    )


def test_a_head_of_department_sees_their_subject_and_others_nothing(cast: Cast) -> None:
    build_year11(cast)
    html = cast.client("hod").get(url(cast)).content.decode()
    latest = html.split('data-testid="year11-latest"', 1)[1].split("</table>", 1)[0]
    assert "Mathematics" in latest and "History" not in latest
    for persona in ("teacher", "ta", "pupil", "parent", "otherteacher"):
        assert cast.client(persona).get(url(cast)).status_code == 404, persona
    primary = reverse("ks4_year11", kwargs={"urn": cast.primary.urn})
    assert cast.client("primaryhead").get(primary).status_code == 404


def test_without_grade_snapshots_the_page_says_where_they_come_from(cast: Cast) -> None:
    body = text(cast.client("leader").get(url(cast)).content.decode())
    assert "No assessment point has working-at grades for Year 11 yet" in body


def test_query_count_does_not_grow_with_the_year_group(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    build_year11(cast)
    client = cast.client("leader")
    client.get(url(cast))
    # Budget: session, user and access (4) + Year 11 pupils, scale levels, snapshots,
    # assessment points and the KS4 years for the links (5).
    with django_assert_max_num_queries(9):
        assert client.get(url(cast)).status_code == 200
