"""The comparisons file is read in whole columns when it is regular, row by row otherwise;
the two readers must give the same result for every file the column reader takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextsteps.judging.kernels import files
from nextsteps.judging.kernels.files import InputError, read_comparisons

labels = st.sampled_from(["S1", "S2", "S3", "S04", " S5", "S6 ", "", "J1", "J2", "é7", 'q"8'])
rows = st.lists(st.tuples(labels, labels, labels, st.sampled_from(["1", "20", "", " 3"])))


def write(folder: Path, text: str, name: str = "comparisons.csv") -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def both(path: Path) -> tuple[files.ComparisonsFile | None, files.ComparisonsFile | str]:
    try:
        by_rows: files.ComparisonsFile | str = files._read_rows(path)
    except InputError as error:
        by_rows = str(error)
    return files._read_regular(path), by_rows


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=rows,
    header=st.sampled_from(["judge,winner,loser,seconds", "Winner, loser ,JUDGE,seconds"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    blank=st.booleans(),
)
def test_the_column_reader_agrees_with_the_row_reader(
    tmp_path: Path, rows: list[tuple[str, ...]], header: str, ending: str, bom: bool, blank: bool
) -> None:
    lines = [header] + [",".join(row) for row in rows] + ([""] if blank else [])
    text = ("\ufeff" if bom else "") + ending.join(lines) + ending
    regular, by_rows = both(write(tmp_path, text))
    if regular is not None:
        assert regular == by_rows
        assert not regular.skipped


def test_a_regular_file_is_read_in_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffJudge,winner,loser,seconds\r\nJ1,S1,S2,4\r\nJ2,S2,S3,9\r\n")
    regular = files._read_regular(path)
    assert regular is not None
    assert regular == files._read_rows(path) == read_comparisons(path)
    assert (regular.judges, regular.winners, regular.losers) == (
        ["J1", "J2"],
        ["S1", "S2"],
        ["S2", "S3"],
    )
    assert regular.lines == [2, 3]


@pytest.mark.parametrize(
    "text",
    [
        'judge,winner,loser\nJ1,"S1",S2\n',  # quoted
        "judge,winner,loser\nJ1,S1,S2\n\nJ1,S2,S3\n",  # a blank row
        "judge,winner,loser\nJ1,S1,S2,\nJ1,S2\n",  # ragged rows with the right total
        "judge,winner,loser\nJ1,S1, S2\n",  # a space the row reader strips
        "judge,winner,loser\nJ1,S1,\n",  # a missing value
        "judge,winner,loser\nJ1,S1,S2\nJ1,S1,S2\n",  # a repeat
        "judge,winner,loser\nJ1,S1,S1\n",  # a script against itself
        "judge,winner\nJ1,S1\n",  # a column missing
        "judge,winner,loser,judge\nJ1,S1,S2,J2\n",  # a column twice
        "judge,winner,loser\n",  # no rows
    ],
)
def test_any_other_file_goes_to_the_row_reader(tmp_path: Path, text: str) -> None:
    assert files._read_regular(write(tmp_path, text)) is None


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["J1", "J2"]), st.integers(0, 30), st.integers(0, 30)),
        unique=True,
        min_size=1,
    )
)
def test_clean_files_take_the_column_reader(
    tmp_path: Path, pairs: list[tuple[str, int, int]]
) -> None:
    rows = [f"{judge},S{a},S{b}" for judge, a, b in pairs if a != b]
    if not rows:
        return
    path = write(tmp_path, "judge,winner,loser\n" + "\n".join(rows) + "\n")
    regular, by_rows = both(path)
    assert regular is not None
    assert regular == by_rows
