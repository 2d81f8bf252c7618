"""`nextsteps progress --cohort`: the baseline rule table on the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from nextsteps.progress.cli import main
from nextsteps.progress.kernels.baselines import INTERNAL_ESTIMATE
from nextsteps.progress.kernels.tables import DATA_DIR
from tests.progress.progress_helpers import HAND_KS1_KS2, write

ESTIMATES_2024 = str(DATA_DIR / "progress8_estimates_2024.csv")
SD_2024 = str(DATA_DIR / "progress8_sd_2024.csv")
WITH_KS2 = [
    "pupil_id,ks2_reading,ks2_maths,attainment8,english,maths,ebacc,open",
    "P1,104,105,50.5,11,10,15,14.5",
    "P2,96,99,30,6,6,9,9",
    "P4,110,112,70,16,14,20,20",
]
# Leavers of 2026 sat no KS2 tests: a school's file has their GCSE points, and may have a
# score on its own baseline (a CAT score in Year 7, converted to the KS2 scale).
WITHOUT_KS2 = [
    "pupil_id,baseline,attainment8,english,maths,ebacc,open",
    "C1,104.5,50.5,11,10,15,14.5",
    "C2,97.5,30,6,6,9,9",
    "C3,,40,8,8,12,12",
    "C4,111,70,16,14,20,20",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def keys_anywhere(value: Any) -> set[str]:
    """Every key in a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_anywhere(v)}
    return set()


@pytest.fixture
def cohort_2026(tmp_path: Path) -> Path:
    return write(tmp_path, "leavers-2026.csv", "\n".join(WITHOUT_KS2) + "\n")


@pytest.fixture
def cohort_2024(tmp_path: Path) -> Path:
    return write(tmp_path, "leavers-2024.csv", "\n".join(WITH_KS2) + "\n")


def test_p8_for_2026_leavers_says_not_available_and_gives_attainment_only(
    capsys: pytest.CaptureFixture[str], cohort_2026: Path
) -> None:
    status, out, err = run(capsys, "p8", "--pupils", str(cohort_2026), "--cohort", "2026")

    assert (status, err) == (0, "")
    report = json.loads(out)
    assert (report["cohort"], report["available"]) == (2026, False)
    assert report["reason"].startswith("Not available — no KS2 baseline for this cohort.")
    assert report["source"].startswith("DfE, Secondary accountability measures guide 2025")
    assert report["school"] == {"attainment8": {"n": 4, "average": 47.63}}
    assert {"progress8", "score", "band", "ci_low", "estimate"}.isdisjoint(keys_anywhere(report))


def test_p8_csv_for_2026_leavers_says_why_on_every_row(
    capsys: pytest.CaptureFixture[str], cohort_2026: Path
) -> None:
    _, out, _ = run(
        capsys, "p8", "--pupils", str(cohort_2026), "--cohort", "2026", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))

    assert [row["pupil_id"] for row in rows] == ["C1", "C2", "C3", "C4"]
    assert {row["progress8"] for row in rows} == {""}
    assert all(
        row["excluded"].startswith("Not available — no KS2 baseline for this cohort")
        for row in rows
    )


def test_p8_for_2024_leavers_is_the_dfe_measure_with_its_source(
    capsys: pytest.CaptureFixture[str], cohort_2024: Path
) -> None:
    args = ["p8", "--pupils", str(cohort_2024), "--estimates", ESTIMATES_2024, "--sd", SD_2024]
    _, without_cohort, _ = run(capsys, *args)
    status, out, _ = run(capsys, *args, "--cohort", "2024")

    report = json.loads(out)
    assert status == 0
    assert (report["cohort"], report["available"]) == (2024, True)
    assert "reason" not in report
    plain = json.loads(without_cohort)
    assert {key: report[key] for key in plain} == plain  # the same figures, with the rule


def test_a_cohort_with_no_rule_is_refused_by_name(
    capsys: pytest.CaptureFixture[str], cohort_2024: Path
) -> None:
    status, out, err = run(
        capsys,
        *("p8", "--pupils", str(cohort_2024), "--estimates", ESTIMATES_2024, "--sd", SD_2024),
        *("--cohort", "2040"),
    )

    assert (status, out) == (2, "")
    assert err.startswith("nextsteps progress p8: nextsteps has no baseline rule for Progress 8")
    assert "cohort of 2040" in err


def test_an_internal_baseline_labels_every_figure(
    capsys: pytest.CaptureFixture[str], cohort_2026: Path
) -> None:
    args = ["p8", "--pupils", str(cohort_2026), "--cohort", "2026"]
    args += ["--estimates", ESTIMATES_2024, "--sd", SD_2024]
    args += ["--internal-baseline", "CAT4 in Year 7"]
    status, out, err = run(capsys, *args)

    report = json.loads(out)
    assert (status, err) == (0, "")
    assert report["internal_estimate"] == INTERNAL_ESTIMATE
    assert report["internal_baseline"] == "CAT4 in Year 7"
    assert report["school"]["internal_estimate"] == INTERNAL_ESTIMATE
    assert report["available"] is False  # the DfE measure still is not
    first = report["pupils"][0]
    assert (first["ks2_average"], first["pag"]) == (104.5, 19)  # the baseline score
    assert report["pupils"][2]["excluded"] == "no usable KS2 reading or maths result"

    _, text, _ = run(capsys, *args, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["internal_estimate"] for row in rows} == {INTERNAL_ESTIMATE}
    assert rows[0]["progress8"] != ""


def test_an_internal_baseline_is_refused_where_the_dfe_measure_exists(
    capsys: pytest.CaptureFixture[str], cohort_2024: Path
) -> None:
    status, _, err = run(
        capsys,
        *("p8", "--pupils", str(cohort_2024), "--estimates", ESTIMATES_2024, "--sd", SD_2024),
        *("--cohort", "2024", "--internal-baseline", "CAT4"),
    )

    assert status == 2
    assert "only for a --cohort with no KS2 baseline" in err


def test_p8_still_needs_the_estimates_for_a_cohort_with_a_baseline(
    capsys: pytest.CaptureFixture[str], cohort_2024: Path
) -> None:
    status, _, err = run(capsys, "p8", "--pupils", str(cohort_2024), "--cohort", "2024")

    assert status == 2
    assert "--estimates and --sd are needed" in err


@pytest.mark.parametrize(("year", "reason"), [(2025, "no KS1 baseline"), (2028, "Reception")])
def test_ks2_progress_for_a_cohort_without_a_ks1_baseline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, year: int, reason: str
) -> None:
    pupils = write(
        tmp_path, "year6.csv", "pupil_id,ks2_reading,ks2_maths,ks2_writing\nY1,101,99,EXS\n"
    )
    table = write(tmp_path, "ks1_ks2.csv", HAND_KS1_KS2)

    status, out, _ = run(
        capsys, "ks2", "--pupils", str(pupils), "--pag", str(table), "--cohort", str(year)
    )

    report = json.loads(out)
    assert status == 0
    assert report["available"] is False and reason in report["reason"]
    assert report["pupils"] == [{"pupil_id": "Y1"}]
    assert {"reading", "score", "band"}.isdisjoint(keys_anywhere(report))
