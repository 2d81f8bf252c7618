"""KS1–KS2 progress: KS1 points, average point score, and pupil and school scores.

The prior attainment group table here is made up for the tests; nextsteps ships no
national KS1–KS2 figures.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from nextsteps.progress.kernels.measures import Ks2Result, ks1_average, ks1_ks2_progress, summarise
from nextsteps.progress.kernels.tables import (
    DATA_DIR,
    InputError,
    Ks2Codes,
    read_ks1_ks2_table,
    read_ks2_pupils,
    read_points,
)
from tests.progress.progress_helpers import HAND_KS1_KS2, floats, write

KS1_POINTS = read_points(DATA_DIR / "ks1_points.csv")
WRITING = read_points(DATA_DIR / "ks2_writing_points.csv")
CODES = Ks2Codes(None, frozenset({"BLW", "PKF", "PKE", "PKG", "N"}), WRITING)
HEADER = "pupil_id,ks1_reading,ks1_writing,ks1_maths,ks2_reading,ks2_writing,ks2_maths\n"


def test_ks1_levels_have_their_points() -> None:
    levels = {code: KS1_POINTS[code] for code in ("W", "1", "2C", "2B", "2A", "3", "4")}

    assert levels == {"W": 3, "1": 9, "2C": 13, "2B": 15, "2A": 17, "3": 21, "4": 27}


def test_ks1_framework_outcomes_have_their_points() -> None:
    outcomes = {code: KS1_POINTS[code] for code in ("PKF", "WTS", "EXS", "GDS")}

    assert outcomes == {"PKF": 4, "WTS": 6, "EXS": 8, "GDS": 10}


def test_ks2_writing_assessments_have_their_points() -> None:
    assert WRITING == {"WTS": 91, "EXS": 103, "GDS": 113}


def test_ks1_average_weights_maths_as_much_as_reading_and_writing_together() -> None:
    # Reading 2B (15), writing 2C (13), maths 3 (21): ((15 + 13) / 2 + 21) / 2 = 17.5.
    assert ks1_average(floats(15), floats(13), floats(21))[0] == 17.5


def test_ks1_average_from_framework_outcomes() -> None:
    # EXS 8, WTS 6, GDS 10: ((8 + 6) / 2 + 10) / 2 = 8.5.
    assert ks1_average(floats(8), floats(6), floats(10))[0] == 8.5


@pytest.mark.parametrize("code", ["A", "D", "M", ""])
def test_absent_disapplied_missing_ks1_outcomes_exclude_the_pupil(
    tmp_path: Path, code: str
) -> None:
    path = write(tmp_path, "pupils.csv", HEADER + f"P1,2B,{code},2A,100,EXS,100\n")

    pupils = read_ks2_pupils(path, KS1_POINTS, CODES)
    columns = pupils.columns
    average = ks1_average(columns["ks1_reading"], columns["ks1_writing"], columns["ks1_maths"])

    assert math.isnan(average[0])


def test_unknown_ks1_outcome_code_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "pupils.csv", HEADER + "P1,2B,2C,2A,100,EXS,100\nP2,2B,5Z,2A,1,2,3\n")

    with pytest.raises(InputError) as caught:
        read_ks2_pupils(path, KS1_POINTS, CODES)

    assert str(caught.value) == (
        f"{path}, line 3, column ks1_writing: unknown KS1 outcome code '5Z'"
    )


def test_unknown_ks2_writing_code_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "pupils.csv", HEADER + "P1,2B,2C,2A,100,105,100\n")

    with pytest.raises(InputError, match="column ks2_writing: unknown KS2 writing outcome"):
        read_ks2_pupils(path, KS1_POINTS, CODES)


@pytest.fixture
def table_path(tmp_path: Path) -> Path:
    return write(tmp_path, "pag.csv", HAND_KS1_KS2)


def hand_progress(
    table_path: Path, ks1: float, reading: float, writing: float, maths: float
) -> Ks2Result:
    table, _ = read_ks1_ks2_table(table_path)
    ks2 = {"reading": floats(reading), "writing": floats(writing), "maths": floats(maths)}
    return ks1_ks2_progress(floats(ks1), ks2, table)


def test_pupil_progress_is_ks2_score_minus_the_pag_national_average(table_path: Path) -> None:
    # KS1 17.5 is in PAG 3: reading 108, writing 106, maths 107 nationally.
    result = hand_progress(table_path, 17.5, 110, 103, 104)

    rounded = {subject: result.scores[subject].rounded()[0] for subject in result.scores}
    assert rounded == {"reading": 2.0, "writing": -3.0, "maths": -3.0}


def test_pupil_progress_keeps_the_half_point_of_a_national_average(table_path: Path) -> None:
    # KS1 12 is in PAG 2 whose maths average is 100.5.
    result = hand_progress(table_path, 12, 100, 103, 101)

    assert result.scores["maths"].rounded()[0] == 0.5


def test_a_missing_ks2_subject_leaves_only_that_subject_out(table_path: Path) -> None:
    result = hand_progress(table_path, 12, np.nan, 103, 101)

    assert result.counted["reading"].tolist() == [False]
    assert result.counted["writing"].tolist() == [True]
    assert result.exclusion.tolist() == [0]


def test_pupil_with_no_ks1_average_is_excluded_from_every_subject(table_path: Path) -> None:
    result = hand_progress(table_path, np.nan, 100, 103, 101)

    assert result.exclusion.tolist() == [1]
    assert not any(result.counted[subject][0] for subject in result.counted)


def test_school_ks2_interval_uses_the_tables_national_sd(table_path: Path) -> None:
    table, national_sd = read_ks1_ks2_table(table_path)
    ks2 = {"reading": floats(110, 106, 112, 104), "writing": floats(103, 103, 103, 103)}
    ks2["maths"] = floats(107, 107, 107, 107)
    result = ks1_ks2_progress(floats(20, 20, 20, 20), ks2, table)

    summary = summarise(result.scores["reading"], result.counted["reading"], national_sd["reading"])
    # Reading progress +2, −2, +4, −4 → mean 0; half-width 1.96 × 6 / 2 = 5.88.
    assert summary.as_dict() == {
        "n": 4,
        "score": 0.0,
        "ci_low": -5.88,
        "ci_high": 5.88,
        "band": "average",
    }


def test_national_sd_must_be_the_same_on_every_row(tmp_path: Path) -> None:
    text = HAND_KS1_KS2.replace("3,15,27,108,106,107,6,", "3,15,27,108,106,107,7,")
    path = write(tmp_path, "pag.csv", text)

    with pytest.raises(InputError, match="line 4, column reading_sd: the national SD must be"):
        read_ks1_ks2_table(path)


def test_shipped_ks1_ks2_table_is_a_template_with_no_figures() -> None:
    path = DATA_DIR / "ks1_ks2_pag_template.csv"

    assert path.read_text(encoding="utf-8").count("\n") == 1
    with pytest.raises(InputError, match="no prior attainment groups"):
        read_ks1_ks2_table(path)


def test_ks2_nominal_codes_need_a_year(tmp_path: Path) -> None:
    path = write(tmp_path, "pupils.csv", HEADER + "P1,2B,2C,2A,PKF,EXS,100\n")

    with pytest.raises(InputError, match="column ks2_reading: PKF needs a nominal score"):
        read_ks2_pupils(path, KS1_POINTS, CODES)


def test_ks2_nominal_codes_take_the_years_nominal_score(tmp_path: Path) -> None:
    path = write(tmp_path, "pupils.csv", HEADER + "P1,2B,2C,2A,PKF,PKE,BLW\n")
    codes = Ks2Codes({"BLW": 71, "PKF": 73, "PKE": 76}, CODES.nominal_codes, WRITING)

    columns = read_ks2_pupils(path, KS1_POINTS, codes).columns

    assert [columns[c][0] for c in ("ks2_reading", "ks2_writing", "ks2_maths")] == [73, 76, 71]
