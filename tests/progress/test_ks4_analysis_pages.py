"""The KS4 results analysis page: figures worked out by hand, who may see which subjects, the
query budget, and the demo's last summer shown by class."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from nextsteps.people.models import Pupil
from nextsteps.progress import services
from nextsteps.progress.models import Ks4Result
from nextsteps.schools.models import AcademicYear, Subject
from nextsteps.teaching.models import Class, Enrolment
from tests.conftest import Cast
from tests.progress.progress_db import HAND_YEAR, add_pupils, csv_bytes

# The kernel test's cohort, as a results file: (subject, kind, grade) per pupil.
COHORT = [
    [("English language", "english_language", 5), ("Mathematics", "maths", 6),
     ("History", "ebacc", 4)],
    [("English language", "english_language", 6), ("Mathematics", "maths", 4),
     ("History", "ebacc", 5), ("French", "ebacc", 3)],
    [("English language", "english_language", 7), ("Mathematics", "maths", 7)],
    [("Mathematics", "maths", 5)],
    [("Mathematics", "maths", 8), ("Combined science", "ebacc", 6),
     ("Combined science", "ebacc", 7)],
]  # fmt: skip


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def row_of(html: str, testid: str, label: str) -> str:
    """The text of the row starting with `label` in the table with the test id."""
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    for row in table.split("<tr")[1:]:
        cells = text("<tr" + row).strip()
        if cells.startswith(label):
            return cells
    raise AssertionError(f"no row {label!r} in {testid}")


def url(cast: Cast, year: int = HAND_YEAR) -> str:
    return reverse("ks4_analysis", kwargs={"urn": cast.secondary.urn, "year": year})


def build_cohort(cast: Cast) -> list[Pupil]:
    pupils = add_pupils(cast.secondary, len(COHORT), year_group=11)
    pupils[0].disadvantaged = True
    pupils[0].save()
    rows = [
        [pupil.upn, HAND_YEAR, subject, kind, grade]
        for pupil, entries in zip(pupils, COHORT, strict=True)
        for subject, kind, grade in entries
    ]
    services.results_import(
        school=cast.secondary,
        name="grades.csv",
        content=csv_bytes(["upn", "ks4_year", "subject", "kind", "grade"], rows),
        qualifications=True,
        by=None,
    )
    return pupils


def maths_class(cast: Cast, pupils: list[Pupil]) -> Class:
    """A Year 11 maths set of the school year of the exams (from September before)."""
    school = cast.secondary
    year = AcademicYear.objects.create(
        school=school,
        name=f"{HAND_YEAR - 1}/{HAND_YEAR % 100}",
        starts_on=dt.date(HAND_YEAR - 1, 9, 1),
        ends_on=dt.date(HAND_YEAR, 8, 31),
    )
    teaching_class = Class.objects.create(
        school=school, academic_year=year, name="11 Ma1", year_group=11
    )
    teaching_class.subjects.set([Subject.objects.get(school=school, name="Mathematics")])
    for pupil in pupils:
        Enrolment.objects.create(
            school=school,
            pupil=pupil,
            teaching_class=teaching_class,
            starts_on=dt.date(HAND_YEAR - 1, 9, 3),
            ends_on=dt.date(HAND_YEAR, 6, 26),
        )
    return teaching_class


def test_the_page_shows_the_hand_worked_figures(cast: Cast) -> None:
    pupils = build_cohort(cast)
    maths_class(cast, pupils[:3])
    html = cast.client("leader").get(url(cast)).content.decode()
    body = text(html)
    # Attainment 8 by the slot rules: English counts once without literature.
    # 5 + 12 + 4 = 21; 6 + 8 + 8 = 22; 7 + 14 = 21; 10; 16 + 13 = 29: mean 103 / 5 = 20.60.
    assert "20.60 average Attainment 8 of all 5 pupils" in body
    # Basics: three pupils with both grades; all 4+, two 5+ (pupil 2 has maths 4).
    assert "100.0% grade 4 or above in English and maths (3 of 3 pupils)" in body
    assert "66.7% grade 5 or above in English and maths (2 of 3 pupils)" in body
    # Maths: +1.5, −2/3, 0, +1.5 over four pupils = 0.58; mean grade 6.25, others 5.67.
    assert row_of(html, "residuals", "Mathematics").split()[1:10] == [
        "small", "group", "4", "6.25", "5.67", "+0.58", "-0.49", "to", "1.65",
    ]  # fmt: skip
    assert row_of(html, "residuals", "Combined science").split()[4:8] == [
        "1", "6.50", "8.00", "-1.50",
    ]  # fmt: skip
    # Maths grades 6, 4, 7, 5, 8: one of each from 8 down to 4; 5 at 4+, 2 at 7+.
    assert row_of(html, "grade-distribution", "Mathematics").split() == [
        "Mathematics", "5", "·", "1", "1", "1", "1", "1", "·", "·", "·", "·", "6.00", "5", "2",
    ]  # fmt: skip
    # The disadvantaged group is pupil 1 alone: A8 21, flagged small, not hidden.
    assert row_of(html, "ks4-groups", "Disadvantaged small group").split()[3:5] == ["1", "21.00"]
    # The maths set (pupils 1–3): maths residuals 1.5, −2/3, 0: 5/18 = +0.28.
    klass = row_of(html, "ks4-classes", "11 Ma1")
    assert "Mathematics: +0.28" in klass and klass.split()[4:6] == ["3", "21.33"]


def test_a_head_of_department_sees_their_departments_subjects(cast: Cast) -> None:
    pupils = build_cohort(cast)
    maths_class(cast, pupils[:3])
    html = cast.client("hod").get(url(cast)).content.decode()
    assert "Mathematics: +0.28" in row_of(html, "ks4-classes", "11 Ma1")
    residuals = html.split('data-testid="residuals"', 1)[1].split("</table>", 1)[0]
    assert "Mathematics" in residuals
    for other in ("History", "French", "English language", "Combined science"):
        assert other not in residuals
    distribution = html.split('data-testid="grade-distribution"', 1)[1].split("</table>")[0]
    assert "History" not in distribution and "Mathematics" in distribution
    assert "20.60" in text(html)  # the cohort's Attainment 8 is the whole cohort's


@pytest.mark.parametrize("persona", ["teacher", "ta", "pupil", "parent", "otherteacher"])
def test_no_one_else_sees_the_analysis(cast: Cast, persona: str) -> None:
    build_cohort(cast)
    assert cast.client(persona).get(url(cast)).status_code == 404


@pytest.mark.parametrize("persona", ["leader", "admin", "trustleader"])
def test_leaders_and_the_trust_see_it(cast: Cast, persona: str) -> None:
    build_cohort(cast)
    assert cast.client(persona).get(url(cast)).status_code == 200


def test_a_year_without_results_is_not_found(cast: Cast) -> None:
    assert cast.client("leader").get(url(cast, 2001)).status_code == 404


def demo_year(cast: Cast) -> int:
    return max(Ks4Result.objects.filter(school=cast.secondary).values_list("year", flat=True))


def test_the_demo_shows_last_summers_classes_and_subjects(cast: Cast) -> None:
    html = cast.client("leader").get(url(cast, demo_year(cast))).content.decode()
    for subject in ("Mathematics", "English language", "Combined science", "French"):
        row_of(html, "residuals", subject)
    for name in ("11A", "11 Ma1", "11 Ma4", "11B En"):
        row_of(html, "ks4-classes", name)
    assert "ebacc entry" not in text(html).lower()
    # The demo's pupils do better in maths than in their other subjects, worse in history.
    assert "higher than in their other subjects" in row_of(html, "residuals", "Mathematics")
    assert "lower than in their other subjects" in row_of(html, "residuals", "History")
    # Mrs Shah sees the maths sets, not the forms or another department's classes.
    hod = cast.client("hod").get(url(cast, demo_year(cast))).content.decode()
    classes = hod.split('data-testid="ks4-classes"', 1)[1].split("</table>", 1)[0]
    names = re.findall(r'<th scope="row"[^>]*>\s*([^<]+?)\s*<', classes)
    assert names == ["11 Ma1", "11 Ma2", "11 Ma3", "11 Ma4"], names


def test_query_count_does_not_grow_with_the_cohort(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("leader")
    client.get(url(cast, demo_year(cast)))
    # Budget: session, user and access (4) + the cohort (pupils with results, qualifications,
    # nominal scores, subjects, enrolments, classes and their subjects: 7), with 120 pupils
    # and 28 classes; it does not grow with either.
    with django_assert_max_num_queries(11):
        assert client.get(url(cast, demo_year(cast))).status_code == 200


def test_a_cohort_loaded_as_attainment_8_points_says_it_has_no_grades_by_subject(
    cast: Cast,
) -> None:
    from tests.progress.progress_db import build_p8_cohort

    build_p8_cohort(cast.secondary)  # Attainment 8 and elements only, no qualifications
    body = text(cast.client("leader").get(url(cast)).content.decode())
    assert "No grades by subject are loaded for this cohort" in body
    assert "No subject has pupils with grades in other subjects to compare with." in body
    # 24 + 38 + 66 + 44 + 70.5 + 41 + 50 + 35 = 368.5 over 8 pupils = 46.06 (half up).
    assert "46.06 average Attainment 8 of all 8 pupils" in body
