"""The progress measures API: the kernel's figures, for leaders; a pupil's own, for those who
may see that pupil and nobody else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.test import Client

from nextsteps.progress.models import Ks2Result, Ks4Result, ReferenceTable
from nextsteps.teaching.selectors import class_pupils
from tests.conftest import Cast
from tests.progress.progress_db import (
    HAND_YEAR,
    KS2_HAND_YEAR,
    build_ks2_cohort,
    build_p8_cohort,
    ks2_cli_file,
    p8_cli_file,
    run_cli,
)
from tests.progress.progress_helpers import HAND_ESTIMATES, HAND_KS1_KS2, HAND_SD, write

Bearer = Callable[[str], dict[str, Any]]
P8_MEASURES = ("progress8", "english", "maths", "ebacc", "open")


def api(urn: int, tail: str) -> str:
    return f"/api/v1/schools/{urn}/{tail}"


def test_progress8_is_the_kernels_for_a_hand_built_cohort(
    cast: Cast, bearer: Bearer, tmp_path: Path
) -> None:
    pupils = build_p8_cohort(cast.secondary)
    expected = run_cli(
        ["p8", "--pupils", str(p8_cli_file(pupils, tmp_path))]
        + ["--estimates", str(write(tmp_path, "estimates.csv", HAND_ESTIMATES))]
        + ["--sd", str(write(tmp_path, "sd.csv", HAND_SD))],
        tmp_path,
    )
    response = Client().get(api(cast.secondary.urn, f"progress/p8/{HAND_YEAR}"), **bearer("leader"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["table"]["source"] == ReferenceTable.TableSource.UPLOAD
    # Worked by hand: +0.4, −0.2, +0.6, +0.4, +1.05, +0.1, −0.5 over 7 pupils = +0.26.
    headline = body["school"]["progress8"]
    assert (headline["n"], headline["score"], headline["band"]) == (7, 0.26, "average")
    assert (headline["ci_low"], headline["ci_high"]) == (-0.85, 1.38)
    assert body["school"]["excluded"] == 1
    assert body["school"]["maths"]["score"] == expected["school"]["maths"]["score"]
    by_pupil = {str(entry["pupil_id"]): entry for entry in body["pupils"]}
    for entry in expected["pupils"]:
        got = by_pupil[entry["pupil_id"]]
        assert (got["pag"], got.get("excluded")) == (entry["pag"], entry.get("excluded"))
        for measure in ("estimate", *P8_MEASURES):
            assert got[measure] == entry.get(measure), (entry["pupil_id"], measure)
    disadvantaged = body["groups"]["disadvantaged"]["yes"]
    assert disadvantaged == {
        "n": 2,
        "score": 0.1,
        "ci_low": -1.98,
        "ci_high": 2.18,
        "band": "average",
        "pupils": 2,
        "small": True,
    }


def test_ks1_to_ks2_is_the_kernels_and_asks_for_a_table_when_none_is_loaded(
    cast: Cast, bearer: Bearer, tmp_path: Path
) -> None:
    pupils = build_ks2_cohort(cast.primary)
    expected = run_cli(
        ["ks2", "--pupils", str(ks2_cli_file(pupils, tmp_path))]
        + ["--pag", str(write(tmp_path, "ks1_ks2.csv", HAND_KS1_KS2))],
        tmp_path,
    )
    headers = bearer("primaryhead")
    body = Client().get(api(cast.primary.urn, f"progress/ks2/{KS2_HAND_YEAR}"), **headers).json()
    assert (body["school"]["reading"]["n"], body["school"]["reading"]["score"]) == (6, 0.17)
    for subject in ("reading", "writing", "maths"):
        assert body["school"][subject]["score"] == expected["school"][subject]["score"]
    reasons = {entry["pupil_id"]: entry.get("excluded") for entry in body["pupils"]}
    assert reasons[pupils[5].pk] == "no usable KS1 result in reading, writing and maths"
    demo_year = Ks2Result.objects.filter(school=cast.primary).exclude(year=KS2_HAND_YEAR)
    year = demo_year.values_list("year", flat=True).order_by("-year")[0]
    without = Client().get(api(cast.primary.urn, f"progress/ks2/{year}"), **headers).json()
    assert without["table"] is None and without["pupils"] == [] and without["school"] is None
    assert without["attainment"][0]["subject"] == "reading"
    assert without["attainment"][0]["pupils"] == 58


def test_cohorts_and_reference_tables_for_leaders(cast: Cast, bearer: Bearer) -> None:
    build_p8_cohort(cast.secondary)
    headers = bearer("leader")
    cohorts = Client().get(api(cast.secondary.urn, "progress"), **headers).json()
    cohort = {"year": HAND_YEAR, "pupils": 8, "with_prior": 7, "available": True}
    assert cohort in cohorts["progress8"]
    assert cohorts["ks1_ks2"] == []
    tables = Client().get(api(cast.secondary.urn, "progress/tables?kind=p8"), **headers).json()
    mine = next(t for t in tables["items"] if t["year"] == HAND_YEAR)
    assert mine["source"] == "upload"
    detail = Client().get(api(cast.secondary.urn, f"progress/tables/{mine['id']}"), **headers)
    groups = detail.json()["groups"]
    assert [g["values"]["attainment8"] for g in groups] == [20, 40, 60]


def test_school_measures_are_for_leaders_of_the_school_or_trust_only(
    cast: Cast, bearer: Bearer
) -> None:
    build_p8_cohort(cast.secondary)
    path = api(cast.secondary.urn, f"progress/p8/{HAND_YEAR}")
    assert Client().get(path, **bearer("trustleader")).status_code == 200
    for username in ("hod", "teacher", "pupil", "parent", "primaryhead", "otherteacher"):
        assert Client().get(path, **bearer(username)).status_code == cast.refused(
            username, cast.secondary
        ), username
    primary = api(cast.primary.urn, "progress")
    assert Client().get(primary, **bearer("admin")).status_code == 200
    for username in ("teacher", "ta", "pupil", "parent", "otherteacher"):
        assert Client().get(primary, **bearer(username)).status_code == cast.refused(username)


def test_a_year_without_results_or_an_unknown_table_is_not_found(
    cast: Cast, bearer: Bearer
) -> None:
    build_p8_cohort(cast.secondary)
    headers = bearer("leader")
    assert Client().get(api(cast.secondary.urn, "progress/p8/2001"), **headers).status_code == 404
    other = ReferenceTable.objects.filter(kind="nominal").first()  # not a Progress 8 table
    assert other is not None
    wrong = api(cast.secondary.urn, f"progress/p8/{HAND_YEAR}?table_id={other.pk}")
    assert Client().get(wrong, **headers).status_code == 404
    typed = Client().get(api(cast.secondary.urn, "progress/p8/soon"), **headers)
    assert typed.status_code == 422
    assert ["path", "year"] in [error["loc"] for error in typed.json()["detail"]]


def test_a_pupils_own_measures_match_the_schools_report(cast: Cast, bearer: Bearer) -> None:
    pupils = build_p8_cohort(cast.secondary)
    school = (
        Client().get(api(cast.secondary.urn, f"progress/p8/{HAND_YEAR}"), **bearer("leader")).json()
    )
    for pupil in pupils:
        path = api(cast.secondary.urn, f"pupils/{pupil.pk}/progress")
        body = Client().get(path, **bearer("leader")).json()
        expected = next(e for e in school["pupils"] if e["pupil_id"] == pupil.pk)
        assert body["ks4"]["year"] == HAND_YEAR
        for measure in ("pag", "estimate", "excluded", *P8_MEASURES):
            assert body["progress8"][measure] == expected[measure], (pupil.pk, measure)


def test_a_pupils_measures_are_for_those_who_may_see_that_pupil(cast: Cast, bearer: Bearer) -> None:
    build_ks2_cohort(cast.primary)
    own = api(cast.primary.urn, f"pupils/{cast.amara.pk}/progress")
    for username in ("teacher", "primaryhead"):
        body = Client().get(own, **bearer(username))
        assert body.status_code == 200, username
        assert body.json()["ks2"] is None and body.json()["progress8"] is None
    # No page shows a pupil or a parent key stage results or progress measures.
    for username in ("pupil", "parent"):
        assert Client().get(own, **bearer(username)).status_code == 403, username
    classmate = next(p for p in class_pupils(cast.four_oak) if p.pk != cast.amara.pk)
    other = api(cast.primary.urn, f"pupils/{classmate.pk}/progress")
    for username in ("pupil", "parent", "otherteacher"):
        assert Client().get(other, **bearer(username)).status_code == cast.refused(username)
    assert Client().get(own, **bearer("otherteacher")).status_code == 404


def test_progress_routes_have_a_fixed_query_budget(
    cast: Cast, bearer: Bearer, django_assert_max_num_queries: Any
) -> None:
    pupils = build_p8_cohort(cast.secondary)
    demo = Ks2Result.objects.filter(school=cast.primary).values_list("year", flat=True)[0]
    leavers = Ks4Result.objects.filter(school=cast.secondary).exclude(year=HAND_YEAR)
    headers = {"leader": bearer("leader"), "primaryhead": bearer("primaryhead")}
    # token lookup and touch, memberships, cohorts, tables and their groups, nominal scores,
    # the cohort with its results in one query (measured: 3 to 9): the same for the 8 pupils
    # of the hand cohort as for the demo's 120 leavers
    for username, path in (
        ("leader", api(cast.secondary.urn, f"progress/p8/{HAND_YEAR}")),
        ("leader", api(cast.secondary.urn, f"progress/p8/{leavers.values('year')[0]['year']}")),
        ("leader", api(cast.secondary.urn, "progress/tables")),
        ("leader", api(cast.secondary.urn, f"pupils/{pupils[0].pk}/progress")),
        ("primaryhead", api(cast.primary.urn, f"progress/ks2/{demo}")),
        ("primaryhead", api(cast.primary.urn, f"pupils/{cast.amara.pk}/progress")),
    ):
        with django_assert_max_num_queries(9, info=path):
            assert Client().get(path, **headers[username]).status_code == 200, path
