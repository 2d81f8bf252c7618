"""`nextsteps progress p8`: Basics beside Attainment 8 when the file has the grades."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from nextsteps.progress.cli import main
from nextsteps.progress.kernels.tables import DATA_DIR
from tests.progress.progress_helpers import write

ESTIMATES = str(DATA_DIR / "progress8_estimates_2024.csv")
SD = str(DATA_DIR / "progress8_sd_2024.csv")
HEADER = "pupil_id,ks2_reading,ks2_maths,attainment8,english,maths,ebacc,open"
ROWS = [
    "P1,104,105,50.5,11,10,15,14.5,5,5",
    "P2,96,99,30,6,6,9,9,3,4",
    "P3,110,112,70,16,14,20,20,8,7",
    "P4,100,101,40,8,8,12,12,,4",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def pupils(tmp_path: Path, header: str = HEADER + ",english_grade,maths_grade") -> Path:
    return write(tmp_path, "leavers.csv", "\n".join([header, *ROWS]) + "\n")


def test_p8_json_gives_basics_when_the_file_has_the_grades(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "p8", "--pupils", str(pupils(tmp_path)), "--estimates", ESTIMATES, "--sd", SD
    )
    report = json.loads(out)

    assert status == 0
    assert report["school"]["basics"] == {
        "n": 3,
        "not_known": 1,
        "standard": {"grade": 4.0, "count": 2, "percent": 66.7},
        "strong": {"grade": 5.0, "count": 2, "percent": 66.7},
    }
    assert report["pupils"][1]["english_grade"] == 3


def test_p8_csv_and_a_cohort_without_ks2_carry_the_grades(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(pupils(tmp_path))
    _, out, _ = run(
        capsys, "p8", "--pupils", path, "--estimates", ESTIMATES, "--sd", SD, "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert (rows[0]["english_grade"], rows[0]["maths_grade"]) == ("5", "5")

    status, out, _ = run(capsys, "p8", "--pupils", path, "--cohort", "2026")
    report = json.loads(out)
    assert status == 0 and report["available"] is False
    assert report["school"]["basics"]["standard"]["count"] == 2
    _, out, _ = run(capsys, "p8", "--pupils", path, "--cohort", "2026", "--format", "csv")
    assert (
        out.splitlines()[0] == "pupil_id,attainment8,progress8,excluded,english_grade,maths_grade"
    )


def test_without_the_grade_columns_the_report_is_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path, "plain.csv", "\n".join([HEADER, *(r.rsplit(",", 2)[0] for r in ROWS)]) + "\n"
    )
    _, out, _ = run(capsys, "p8", "--pupils", str(path), "--estimates", ESTIMATES, "--sd", SD)
    assert "basics" not in json.loads(out)["school"]


def test_a_grade_out_of_range_is_refused_naming_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "bad.csv",
        "\n".join([HEADER + ",english_grade,maths_grade", ROWS[0], "P9,100,100,40,8,8,12,12,4,11"])
        + "\n",
    )
    status, out, err = run(
        capsys, "p8", "--pupils", str(path), "--estimates", ESTIMATES, "--sd", SD
    )

    assert status == 2 and out == ""
    assert "bad.csv, line 3, column maths_grade: 11 is outside 0–9" in err
