"""Reading the reference tables and pupil files, and refusing bad ones clearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nextsteps.progress.kernels.tables import (
    DATA_DIR,
    InputError,
    Ks2Codes,
    nominal_for_year,
    read_caps,
    read_national_sd,
    read_nominal,
    read_p8_estimates,
    read_p8_pupils,
)
from tests.progress.progress_helpers import HAND_ESTIMATES, PUPIL_HEADER, write

NOMINAL = read_nominal(DATA_DIR / "ks2_nominal_scores.csv")
EVERY_CODE = frozenset(code for year in NOMINAL.values() for code in year)
CODES_2017 = Ks2Codes(NOMINAL[2017], EVERY_CODE)


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_shipped_dfe_estimates_have_34_contiguous_groups(year: int) -> None:
    table = read_p8_estimates(DATA_DIR / f"progress8_estimates_{year}.csv")

    assert table.pags.tolist() == list(range(1, 35))
    assert table.bands.lower[0] == -np.inf
    assert np.array_equal(table.bands.lower[1:], table.bands.upper[:-1])
    assert table.bands.upper[-1] == 120


def test_shipped_dfe_sd_file_has_every_measure() -> None:
    national_sd = read_national_sd(DATA_DIR / "progress8_sd_2024.csv")

    assert national_sd == {
        "progress8": 1.41628,
        "english": 1.614052,
        "maths": 1.487134,
        "ebacc": 1.637291,
        "open": 1.616699,
    }


def test_nominal_scores_by_ks2_year() -> None:
    assert NOMINAL[2016]["BLW"] == 70
    assert NOMINAL[2017] == {"BLW": 71, "PKF": 73, "PKE": 76, "PKG": 79, "N": 79}


def test_a_year_missing_from_the_nominal_table_is_refused() -> None:
    with pytest.raises(InputError, match="no nominal scores for KS2 year 2019"):
        nominal_for_year("ks2_nominal_scores.csv", NOMINAL, 2019)


def test_gap_between_groups_is_refused_naming_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", HAND_ESTIMATES.replace("3,100,120", "3,101,120"))

    with pytest.raises(InputError) as caught:
        read_p8_estimates(path)

    assert str(caught.value) == (
        f"{path}, line 4, column ks2_mean_above: "
        "band starts at 101 but the band before ends at 100 (a gap)"
    )


def test_overlapping_groups_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", HAND_ESTIMATES.replace("2,90,100", "2,89,100"))

    with pytest.raises(InputError, match="line 3, column ks2_mean_above: .*an overlap"):
        read_p8_estimates(path)


def test_empty_group_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", HAND_ESTIMATES.replace("2,90,100", "2,90,90"))

    with pytest.raises(InputError, match="line 3, column ks2_mean_upto: band is empty"):
        read_p8_estimates(path)


def test_only_the_first_group_may_be_open_below(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", HAND_ESTIMATES.replace("2,90,100", "2,,100"))

    with pytest.raises(InputError, match="line 3, column ks2_mean_above: only the first"):
        read_p8_estimates(path)


def test_repeated_group_number_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", HAND_ESTIMATES.replace("3,100,120", "2,100,120"))

    with pytest.raises(InputError, match="line 4, column pag: group 2 appears twice"):
        read_p8_estimates(path)


def test_partly_empty_estimates_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", HAND_ESTIMATES.replace("2,90,100,40,8", "2,90,100,40,"))

    with pytest.raises(InputError, match="line 3, column english: estimate missing"):
        read_p8_estimates(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", HAND_ESTIMATES.replace(",open", ",opens"))

    with pytest.raises(InputError) as caught:
        read_p8_estimates(path)

    assert str(caught.value) == f"{path}, line 1, column open: missing column"


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.csv: file not found"):
        read_p8_estimates(tmp_path / "nowhere.csv")


def test_unknown_sd_measure_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sd.csv", "measure,national_sd\nprogres8,1.4\n")

    with pytest.raises(InputError, match="line 2, column measure: unknown measure 'progres8'"):
        read_national_sd(path)


def test_sd_file_without_every_measure_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sd.csv", "measure,national_sd\nprogress8,1.4\n")

    with pytest.raises(InputError, match="no row for english"):
        read_national_sd(path)


def test_caps_for_an_unknown_group_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "caps.csv", "pag,measure,floor\n9,progress8,-3\n")

    with pytest.raises(InputError, match="line 2, column pag: group '9' is not in the estimates"):
        read_caps(path, np.array([1, 2, 3]))


def pupils_file(tmp_path: Path, *rows: str, header: str = PUPIL_HEADER) -> Path:
    return write(tmp_path, "pupils.csv", "\n".join([header, *rows]) + "\n")


def test_ks2_score_outside_80_to_120_is_refused(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,100,100,40,8,8,12,12", "P2,121,100,40,8,8,12,12")

    with pytest.raises(InputError) as caught:
        read_p8_pupils(path, CODES_2017)

    assert str(caught.value) == (
        f"{path}, line 3, column ks2_reading: KS2 score 121 is outside 80–120 and not a known code"
    )


def test_unknown_ks2_code_is_refused(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,100,ZZ,40,8,8,12,12")

    with pytest.raises(InputError, match="line 2, column ks2_maths: unknown KS2 outcome code"):
        read_p8_pupils(path, CODES_2017)


def test_nominal_code_takes_the_years_score(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,BLW,pkf,40,8,8,12,12")

    columns = read_p8_pupils(path, CODES_2017).columns

    assert columns["ks2_reading"][0] == 71
    assert columns["ks2_maths"][0] == 73


def test_no_result_codes_and_blanks_are_no_usable_result(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,A,,40,8,8,12,12")

    columns = read_p8_pupils(path, CODES_2017).columns

    assert np.isnan(columns["ks2_reading"][0])
    assert np.isnan(columns["ks2_maths"][0])


def test_attainment8_that_is_not_the_sum_of_elements_is_refused(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,100,100,41,8,8,12,12")

    with pytest.raises(InputError, match="line 2, column attainment8: .*not the sum"):
        read_p8_pupils(path, CODES_2017)


def test_element_above_its_maximum_is_refused(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,100,100,50,19,7,12,12")

    with pytest.raises(InputError, match="line 2, column english: 19 is outside 0–18"):
        read_p8_pupils(path, CODES_2017)


def test_missing_pupil_column_is_named(tmp_path: Path) -> None:
    header = PUPIL_HEADER.replace(",ebacc", "")
    path = pupils_file(tmp_path, "P1,100,100,40,8,8,12", header=header)

    with pytest.raises(InputError, match=r"line 1, column ebacc: missing column"):
        read_p8_pupils(path, CODES_2017)


def test_repeated_pupil_is_refused(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,100,100,40,8,8,12,12", "P1,100,100,40,8,8,12,12")

    with pytest.raises(InputError, match="line 3, column pupil_id: pupil P1 appears twice"):
        read_p8_pupils(path, CODES_2017)


def test_group_columns_become_labels(tmp_path: Path) -> None:
    header = PUPIL_HEADER + ",disadvantaged,sen,eal,gender"
    path = pupils_file(
        tmp_path,
        "P1,100,100,40,8,8,12,12,Y,K,no,F",
        "P2,100,100,40,8,8,12,12,n,E,1,male",
        "P3,100,100,40,8,8,12,12,,,,",
        header=header,
    )

    groupings = {
        g.name: [g.labels[c] for c in g.codes] for g in read_p8_pupils(path, CODES_2017).groupings
    }

    assert groupings == {
        "disadvantaged": ["yes", "no", "not recorded"],
        "sen": ["SEN support", "EHC plan", "not recorded"],
        "eal": ["no", "yes", "not recorded"],
        "gender": ["female", "male", "not recorded"],
    }


def test_unreadable_group_flag_is_refused(tmp_path: Path) -> None:
    header = PUPIL_HEADER + ",disadvantaged"
    path = pupils_file(tmp_path, "P1,100,100,40,8,8,12,12,maybe", header=header)

    with pytest.raises(InputError, match="column disadvantaged: expected Y or N"):
        read_p8_pupils(path, CODES_2017)


def test_spreadsheet_export_quirks_are_accepted(tmp_path: Path) -> None:
    # A byte-order mark, upper-case headers, spaces, CRLF endings and a trailing blank line.
    header = "\ufeff" + PUPIL_HEADER.upper().replace(",", " , ")
    text = header + "\r\nP1, 100 ,100,40,8,8,12,12\r\n,,\r\n"
    path = write(tmp_path, "pupils.csv", text)

    pupils = read_p8_pupils(path, CODES_2017)

    assert pupils.pupil_ids == ["P1"]
    assert pupils.columns["ks2_reading"][0] == 100


def test_row_with_more_cells_than_columns_is_refused(tmp_path: Path) -> None:
    path = pupils_file(tmp_path, "P1,100,100,40,8,8,12,12,surplus")

    with pytest.raises(InputError, match="line 2: more cells than columns"):
        read_p8_pupils(path, CODES_2017)


def test_a_repeated_bad_value_is_reported_where_it_first_appears(tmp_path: Path) -> None:
    rows = ["P1,100,100,40,8,8,12,12", "P2,100,130,40,8,8,12,12", "P3,100,130,40,8,8,12,12"]
    path = pupils_file(tmp_path, *rows)

    with pytest.raises(InputError, match="line 3, column ks2_maths"):
        read_p8_pupils(path, CODES_2017)
