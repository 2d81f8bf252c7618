"""Year 9 options scored against both KS4 models, the school's setting for the reformed
model, Basics wherever Attainment 8 shows, and no EBacc measure on the default pages."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nextsteps.audit.models import AuditEvent
from nextsteps.people.models import Pupil
from nextsteps.progress import services
from nextsteps.progress.models import Ks4ModelAdoption, Ks4Result, PlannedOption
from tests.conftest import Cast
from tests.progress.progress_db import add_pupils, csv_bytes

REFORMED = "reformed-2025-proposed"
HEADER = ["upn", "subject", "category", "entries"]


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def url(cast: Cast) -> str:
    return f"/school/{cast.secondary.urn}/progress/options/"


def leaving_year(year_group: int = 9) -> int:
    today = timezone.localdate()
    return (today.year if today.month >= 9 else today.year - 1) + 11 - year_group + 1


def plan_for(pupils: list[Pupil], subjects: list[tuple[str, str, int]]) -> bytes:
    return csv_bytes(HEADER, [[p.upn, *subject] for p in pupils for subject in subjects])


CORE = [
    ("English language", "english_language", 1),
    ("English literature", "english_literature", 1),
    ("Mathematics", "maths", 1),
    ("Combined science", "science", 2),
]
HUMANITIES_ONLY = [
    *CORE,
    ("History", "history_geography", 1),
    ("Geography", "history_geography", 1),
    ("Religious studies", "religious_studies", 1),
    ("Physical education", "other", 1),
]
BROAD = [
    *CORE,
    ("History", "history_geography", 1),
    ("French", "languages", 1),
    ("Music", "creative", 1),
    ("Art and design", "creative", 1),
]


def load(cast: Cast, content: bytes) -> int:
    return services.planned_options_load(
        school=cast.secondary, name="options.csv", content=content, by=cast.user("leader")
    )


def own_year9(cast: Cast) -> list[Pupil]:
    pupils = add_pupils(cast.secondary, 2, year_group=9, serial=960)
    return pupils


def test_the_demo_year9_plans_are_scored_against_both_models(cast: Cast) -> None:
    response = cast.client("leader").get(url(cast))
    page = text(response.content.decode())

    assert response.status_code == 200
    assert f"In force for the leavers of {leaving_year()}" in page
    assert "Proposed: not yet in force" in page
    assert "Reformed Progress 8 (proposed November 2025)" in page
    assert "Secondary accountability measures guide" in page
    # The demo's humanities-only plans leave reformed breadth slots empty, and say why.
    assert "needs subjects from at least 2 of humanities, creative, languages" in page
    summary = {line["model"].id: line for line in response.context["summary"]}
    assert summary[REFORMED]["gaps"] > 0
    assert summary["dfe-2017"]["complete"] > 0


def test_a_plan_is_scored_slot_by_slot_in_each_model(cast: Cast) -> None:
    narrow, broad = own_year9(cast)
    load(
        cast,
        plan_for([narrow], HUMANITIES_ONLY) + plan_for([broad], BROAD)[len(",".join(HEADER)) + 1 :],
    )

    response = cast.client("leader").get(url(cast))
    rows = {row["pupil"].pk: row for row in response.context["rows"]}
    current, reformed = rows[narrow.pk]["scores"]

    assert current.model.id == "dfe-2017" and current.complete
    assert (current.filled, current.slots) == (8, 8)
    groups = {g.id: g for g in reformed.groups}
    assert (groups["science"].filled, groups["breadth"].filled) == (2, 3)
    assert not reformed.complete
    assert any("has 1 (humanities)" in note for note in reformed.notes)
    assert any("1 of 4 slots empty" in note for note in reformed.notes)
    assert all(score.complete for score in rows[broad.pk]["scores"])


def test_a_school_marks_the_reformed_model_in_force_by_its_setting(cast: Cast) -> None:
    client = cast.client("leader")
    response = client.post(
        f"/school/{cast.secondary.urn}/progress/models/",
        {"model_id": REFORMED, "year": leaving_year()},
    )

    assert response.status_code == 302
    adoption = Ks4ModelAdoption.objects.get(school=cast.secondary)
    assert (adoption.model_id, adoption.in_force_from) == (REFORMED, leaving_year())
    assert AuditEvent.objects.filter(action="progress.ks4_model_adopt").exists()
    page = client.get(url(cast))
    assert page.context["in_force"].id == REFORMED
    assert page.context["models"][0].id == REFORMED
    api = client.get(f"/api/v1/schools/{cast.secondary.urn}/progress/options").json()
    assert [m["id"] for m in api["models"] if m["in_force_for_cohort"]] == [REFORMED]

    client.post(f"/school/{cast.secondary.urn}/progress/models/remove/", {"model_id": REFORMED})
    assert not Ks4ModelAdoption.objects.filter(school=cast.secondary).exists()


def test_a_cohort_before_any_model_cannot_be_marked(cast: Cast) -> None:
    cast.client("leader").post(
        f"/school/{cast.secondary.urn}/progress/models/", {"model_id": REFORMED, "year": 2017}
    )
    assert not Ks4ModelAdoption.objects.exists()


def test_a_bad_options_file_is_refused_whole_naming_line_and_field(cast: Cast) -> None:
    pupil = own_year9(cast)[0]
    before = PlannedOption.objects.count()
    content = csv_bytes(
        HEADER,
        [
            [pupil.upn, "History", "history_geography", 1],
            [pupil.upn, "Astrology", "stars", 1],
            [pupil.upn, "Combined science", "science", 3],
            [pupil.upn, "history", "history_geography", 1],
            ["A999999999999", "Music", "creative", 1],
        ],
    )

    response = cast.client("leader").post(
        f"/school/{cast.secondary.urn}/progress/options/upload/",
        {"file": SimpleUploadedFile("plans.csv", content, "text/csv")},
        follow=True,
    )
    page = text(response.content.decode())

    assert PlannedOption.objects.count() == before
    assert "plans.csv, line 3, column category: expected one of" in page
    assert "plans.csv, line 4, column entries: expected 1 or 2" in page
    assert "plans.csv, line 5, column subject: history is planned twice" in page
    assert "plans.csv, line 6, column upn" in page


def test_the_options_page_runs_a_bounded_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = cast.client("leader")
    client.get(url(cast))
    load(cast, plan_for(add_pupils(cast.secondary, 30, year_group=9, serial=970), BROAD))
    with django_assert_max_num_queries(14):
        response = client.get(url(cast))
    assert response.status_code == 200


def test_options_are_for_the_schools_leaders_only(cast: Cast) -> None:
    api = f"/api/v1/schools/{cast.secondary.urn}/progress/options"
    for username in ("otherteacher", "teacher", "primaryhead"):
        assert cast.client(username).get(url(cast)).status_code == 404, username
        assert cast.client(username).get(api).status_code in {403, 404}, username
    assert cast.client("leader").get(api).status_code == 200
    assert (
        cast.client("otherteacher")
        .post(
            f"/school/{cast.secondary.urn}/progress/models/", {"model_id": REFORMED, "year": 2030}
        )
        .status_code
        == 404
    )
    assert not Ks4ModelAdoption.objects.exists()


def test_the_options_api_gives_each_plan_in_each_model(cast: Cast) -> None:
    narrow = own_year9(cast)[0]
    load(cast, plan_for([narrow], HUMANITIES_ONLY))

    body = (
        cast.client("leader")
        .get(f"/api/v1/schools/{cast.secondary.urn}/progress/options?year_group=9")
        .json()
    )
    entry = next(p for p in body["pupils"] if p["pupil_id"] == narrow.pk)
    scores = {score["model"]: score for score in entry["scores"]}

    assert body["leaving_year"] == leaving_year()
    assert scores["dfe-2017"]["complete"] is True
    assert scores[REFORMED]["filled"] == 7 and scores[REFORMED]["slots"] == 8
    breadth = next(g for g in scores[REFORMED]["groups"] if g["id"] == "breadth")
    assert sorted(breadth["subjects"]) == ["Geography", "History", "Religious studies"]


# --- Basics ----------------------------------------------------------------------------


def demo_years(cast: Cast) -> list[int]:
    return sorted(
        set(Ks4Result.objects.filter(school=cast.secondary).values_list("year", flat=True))
    )


def test_basics_shows_beside_attainment8_for_every_demo_cohort(cast: Cast) -> None:
    client = cast.client("leader")
    for year in demo_years(cast):
        results = Ks4Result.objects.filter(school=cast.secondary, year=year)
        standard = sum(1 for r in results if min(r.english_grade, r.maths_grade) >= 4)
        strong = sum(1 for r in results if min(r.english_grade, r.maths_grade) >= 5)
        response = client.get(f"/school/{cast.secondary.urn}/progress/p8/{year}/")
        page = text(response.content.decode())
        api = client.get(f"/api/v1/schools/{cast.secondary.urn}/progress/p8/{year}").json()

        assert "Basics: English and maths" in page
        assert f"grade 4 or above in English and maths ({standard} of 120 pupils)" in page
        assert f"grade 5 or above in English and maths ({strong} of 120 pupils)" in page
        assert api["basics"]["standard"]["count"] == standard
        assert api["basics"]["strong"]["count"] == strong
        assert 0 < strong < standard < 120


def test_basics_take_the_better_english_and_come_from_a_results_file(cast: Cast) -> None:
    pupils = add_pupils(cast.secondary, 3, year_group=11, serial=990)
    grades = [
        [pupils[0].upn, 2034, "English language", "english_language", "3"],
        [pupils[0].upn, 2034, "English literature", "english_literature", "5"],
        [pupils[0].upn, 2034, "Mathematics", "maths", "4"],
        [pupils[1].upn, 2034, "English language", "english_language", "6"],
    ]
    services.results_import(
        school=cast.secondary,
        name="grades.csv",
        content=csv_bytes(["upn", "ks4_year", "subject", "kind", "grade"], grades),
        qualifications=True,
        by=None,
    )
    header = ["upn", "ks4_year", "attainment8", "english", "maths", "ebacc", "open"]
    services.results_import(
        school=cast.secondary,
        name="points.csv",
        content=csv_bytes(
            [*header, "english_grade", "maths_grade"],
            [[pupils[2].upn, 2034, 20, 10, 10, 0, 0, 5, 5]],
        ),
        by=None,
    )
    first, second, third = (Ks4Result.objects.get(pupil=p) for p in pupils)

    assert (first.english_grade, first.maths_grade) == (5, 4)
    assert (second.english_grade, second.maths_grade) == (6, None)
    assert (third.english_grade, third.maths_grade) == (5, 5)


def test_a_basics_grade_out_of_range_is_refused_naming_line_and_column(cast: Cast) -> None:
    pupil = add_pupils(cast.secondary, 1, year_group=11, serial=995)[0]
    header = ["upn", "ks4_year", "attainment8", "english", "maths", "ebacc", "open"]
    response = cast.client("leader").post(
        f"/school/{cast.secondary.urn}/progress/results/",
        {
            "form": "results",
            "file": SimpleUploadedFile(
                "r.csv",
                csv_bytes(
                    [*header, "english_grade", "maths_grade"],
                    [[pupil.upn, 2034, 20, 10, 10, 0, 0, 10, 4]],
                ),
                "text/csv",
            ),
        },
    )

    assert "r.csv, line 2, column english_grade: 10 is outside 0–9" in text(
        response.content.decode()
    )
    assert not Ks4Result.objects.filter(pupil=pupil).exists()


# --- EBacc -----------------------------------------------------------------------------


def test_no_ebacc_entry_or_achievement_on_the_default_pages(cast: Cast) -> None:
    client = cast.client("leader")
    pages = [f"/school/{cast.secondary.urn}/progress/", url(cast)]
    pages += [f"/school/{cast.secondary.urn}/progress/p8/{year}/" for year in demo_years(cast)]
    for page in pages:
        body = text(client.get(page).content.decode()).lower()
        assert "ebacc entry" not in body and "ebacc achievement" not in body, page
        assert "entering the ebacc" not in body and "ebacc average point score" not in body, page
