"""The API by cohort: `available`, a reason and no score or band where there is no national
baseline; a year with no rule refused by name; a school's own baseline labelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from nextsteps.progress import services
from nextsteps.progress.kernels.baselines import INTERNAL_ESTIMATE
from nextsteps.progress.models import Ks4Result
from tests.conftest import Cast
from tests.progress.progress_db import (
    HAND_YEAR,
    NO_KS2_YEAR,
    add_pupils,
    build_cohort_without_ks2,
    build_p8_cohort,
    csv_bytes,
    own_baseline_file,
)

Bearer = Callable[[str], dict[str, Any]]
FIGURES = {"score", "band", "ci_low", "ci_high", "progress8", "estimate"}


def api(urn: int, tail: str) -> str:
    return f"/api/v1/schools/{urn}/{tail}"


def keys_anywhere(value: Any) -> set[str]:
    """Every key in a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_anywhere(v)}
    return set()


def test_p8_for_leavers_without_a_ks2_baseline_is_200_with_a_reason_and_no_score(
    cast: Cast, bearer: Bearer
) -> None:
    build_cohort_without_ks2(cast.secondary)

    response = Client().get(
        api(cast.secondary.urn, f"progress/p8/{NO_KS2_YEAR}"), **bearer("leader")
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["available"]) == (NO_KS2_YEAR, False)
    assert body["reason"].startswith("Not available — no KS2 baseline for this cohort. ")
    assert body["reason"].endswith(".")  # a sentence
    assert body["source"].startswith("DfE, Secondary accountability measures guide 2025")
    assert body["attainment8"] == {"n": 7, "average": 47.64}
    assert (body["table"], body["school"], body["groups"], body["pupils"]) == (None, None, {}, [])
    assert body["internal_estimate"] is None
    assert FIGURES.isdisjoint(keys_anywhere(body))


def test_p8_for_leavers_with_a_ks2_baseline_is_available_with_scores_and_bands(
    cast: Cast, bearer: Bearer
) -> None:
    build_p8_cohort(cast.secondary)

    body = Client().get(api(cast.secondary.urn, f"progress/p8/{HAND_YEAR}"), **bearer("leader"))

    out = body.json()
    assert body.status_code == 200
    assert (out["available"], out["reason"]) == (True, None)
    assert out["school"]["progress8"]["score"] == 0.26 and out["school"]["progress8"]["band"]
    assert out["attainment8"] == out["school"]["attainment8"]


def test_the_demos_two_cohorts_one_without_and_one_with_a_ks2_baseline(
    cast: Cast, bearer: Bearer
) -> None:
    years = sorted(
        set(Ks4Result.objects.filter(school=cast.secondary).values_list("year", flat=True))
    )
    answers = {
        year: Client().get(api(cast.secondary.urn, f"progress/p8/{year}"), **bearer("leader"))
        for year in years
    }

    assert {response.status_code for response in answers.values()} == {200}
    available = {year: response.json()["available"] for year, response in answers.items()}
    assert set(available.values()) == {True, False}  # 2026 not available, 2024 available


def test_a_year_with_results_but_no_rule_is_refused_by_name(cast: Cast, bearer: Bearer) -> None:
    pupils = add_pupils(cast.secondary, 2, year_group=11, serial=970)
    rows = [[p.upn, 2040, 40, 8, 8, 12, 12] for p in pupils]
    header = ["upn", "ks4_year", "attainment8", "english", "maths", "ebacc", "open"]
    services.results_import(
        school=cast.secondary, name="future.csv", content=csv_bytes(header, rows), by=None
    )

    response = Client().get(api(cast.secondary.urn, "progress/p8/2040"), **bearer("leader"))

    assert response.status_code == 422
    assert "no baseline rule for Progress 8 for the cohort of 2040" in response.json()["detail"]
    cohorts = Client().get(api(cast.secondary.urn, "progress"), **bearer("leader")).json()
    assert {"year": 2040, "pupils": 2, "with_prior": 0, "available": None} in cohorts["progress8"]


def test_the_schools_own_baseline_is_only_given_when_asked_and_always_labelled(
    cast: Cast, bearer: Bearer
) -> None:
    pupils = build_cohort_without_ks2(cast.secondary)
    services.proxy_baseline_load(
        school=cast.secondary,
        year=NO_KS2_YEAR,
        name="CAT4 in Year 7",
        file_name="cat4.csv",
        content=own_baseline_file(pupils),
        by=None,
    )
    path = api(cast.secondary.urn, f"progress/p8/{NO_KS2_YEAR}")

    plain = Client().get(path, **bearer("leader")).json()
    asked = Client().get(path + "?internal=true", **bearer("leader")).json()

    assert plain["internal_baseline"] == "CAT4 in Year 7" and plain["internal_estimate"] is None
    assert FIGURES.isdisjoint(keys_anywhere(plain))
    assert asked["available"] is False and asked["school"] is None
    estimate = asked["internal_estimate"]
    assert estimate["label"] == INTERNAL_ESTIMATE
    assert estimate["baseline"] == "CAT4 in Year 7"
    assert estimate["school"]["progress8"]["score"] == 0.39  # worked by hand on the page test


def test_ks2_for_a_cohort_without_a_ks1_baseline(cast: Cast, bearer: Bearer) -> None:
    pupils = add_pupils(cast.primary, 2, year_group=6, serial=980)
    rows = [[p.upn, 2024, 101, 99, "EXS"] for p in pupils]
    header = ["upn", "ks2_year", "ks2_reading", "ks2_maths", "ks2_writing"]
    services.results_import(
        school=cast.primary, name="y6.csv", content=csv_bytes(header, rows), by=None
    )

    body = Client().get(api(cast.primary.urn, "progress/ks2/2024"), **bearer("primaryhead"))

    out = body.json()
    assert body.status_code == 200
    assert out["available"] is False
    assert out["reason"].startswith("Not available — no KS1 baseline for this cohort. ")
    assert out["attainment"][0]["pupils"] == 2 and out["attainment"][0]["expected"] == 2
    assert (out["table"], out["school"], out["pupils"]) == (None, None, [])


def test_a_pupils_own_measures_say_not_available_for_their_cohort(
    cast: Cast, bearer: Bearer
) -> None:
    pupils = build_cohort_without_ks2(cast.secondary)

    body = (
        Client()
        .get(api(cast.secondary.urn, f"pupils/{pupils[0].pk}/progress"), **bearer("leader"))
        .json()
    )

    assert body["ks4"]["year"] == NO_KS2_YEAR
    assert body["progress8"]["available"] is False
    assert body["progress8"]["reason"].startswith("Not available — no KS2 baseline")
    assert body["progress8"]["progress8"] is None and body["progress8"]["table"] is None
