"""The KS4 results analysis through the API: the page's figures, for the same people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from tests.conftest import Cast
from tests.progress.progress_db import HAND_YEAR
from tests.progress.test_ks4_analysis_pages import build_cohort, maths_class

Bearer = Callable[[str], dict[str, Any]]


def path(cast: Cast, year: int = HAND_YEAR) -> str:
    return f"/api/v1/schools/{cast.secondary.urn}/progress/ks4/{year}"


def test_the_api_gives_the_hand_worked_figures(cast: Cast, bearer: Bearer) -> None:
    pupils = build_cohort(cast)
    maths_class(cast, pupils[:3])
    response = Client().get(path(cast), **bearer("leader"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["headline"]["attainment8"] == 20.6 and body["headline"]["n"] == 5
    assert body["headline"]["basics"]["strong"]["count"] == 2
    maths = next(r for r in body["residuals"] if r["subject"] == "Mathematics")
    assert (maths["n"], maths["residual"], maths["ci_low"], maths["ci_high"]) == (
        4, 0.58, -0.49, 1.65,
    )  # fmt: skip
    assert not maths["significant"] and maths["small"]
    grades = next(d for d in body["distributions"] if d["subject"] == "Mathematics")["grades"]
    assert grades == {"9": 0, "8": 1, "7": 1, "6": 1, "5": 1, "4": 1, "3": 0, "2": 0, "1": 0,
                      "U": 0}  # fmt: skip
    (disadvantaged,) = [body["groups"]["disadvantaged"]["yes"]]
    assert disadvantaged["headline"]["attainment8"] == 21.0 and disadvantaged["headline"]["small"]
    (klass,) = body["classes"]
    assert klass["name"] == "11 Ma1" and klass["subjects"] == ["Mathematics"]
    assert [r["residual"] for r in klass["residuals"]] == [0.28]
    assert "pupils" not in body  # no pupil is listed


def test_a_head_of_department_gets_their_subjects_and_a_teacher_nothing(
    cast: Cast, bearer: Bearer
) -> None:
    build_cohort(cast)
    body = Client().get(path(cast), **bearer("hod")).json()
    assert body["subjects"] == ["Mathematics"]
    assert [r["subject"] for r in body["residuals"]] == ["Mathematics"]
    assert Client().get(path(cast), **bearer("teacher")).status_code == 404
    assert Client().get(path(cast, 2001), **bearer("leader")).status_code == 404
