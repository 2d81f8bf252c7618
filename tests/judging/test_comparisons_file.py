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
        "judge,winner,lose\u0301",  # no line ended, and a character of two bytes last
        "judge,winner,loser\r",  # the header alone, ended by a carriage return
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


# --------------------------------------------------------------------------- numbered, over bytes


def numbered(read: files.NumberedComparisons) -> tuple[object, ...]:
    """Every field of a numbered read, as plain values to compare."""
    return (
        read.scripts,
        read.judges,
        read.winner.tolist(),
        read.loser.tolist(),
        read.judge.tolist(),
        read.lines.tolist(),
        read.skipped,
    )


def reference(path: Path) -> tuple[object, ...] | str:
    """The row reader's result, numbered as `Comparisons.from_columns` numbers labels."""
    try:
        read = files._read_rows(path)
    except InputError as error:
        return str(error)
    return numbered(files.NumberedComparisons.from_file(read))


def bytewise(path: Path) -> tuple[object, ...] | str:
    try:
        return numbered(files.read_numbered_comparisons(path))
    except InputError as error:
        return str(error)


# Labels that sort differently as bytes and as padded words if anything is off: prefixes of
# each other, non-ASCII, exactly 8 and 16 bytes, longer than a word, longer than 64 bytes.
plain_labels = st.sampled_from(
    ["S1", "S10", "S2", "S02", "é7", "e8", "Ω", "日本語", "a" * 8, "a" * 9, "a" * 16]
    + ["a" * 15 + "b", "é" * 8, "Script 12", "x" * 64, "x" * 65, "y" * 200, "\U0001f600"]
)
awkward_cells = st.sampled_from(
    ["", " ", " S1", "S1 ", "\tS2", "S3\x0b", "\xa0S4", "S4\xa0", "S5\u3000", "\u2003S6"]
    + ["S7\x85", "\x1cS8", "S9\u2029", "é\u202f", 'q"8', "a,b", "S1\rS2", "\ufeffS1", "S\x00"]
)
cells = st.one_of(
    plain_labels,
    plain_labels,
    awkward_cells,
    st.text(alphabet="SJé, \t\r\xa0\u3000\u2000\x85日0123", min_size=0, max_size=10),
)
headers = st.sampled_from(
    [
        "judge,winner,loser",
        "judge,winner,loser,seconds",
        "Winner, loser ,JUDGE,seconds",
        "seconds,judge,winner,loser,",
        "judge,winner",
        "judge,winner,loser,judge",
        "judge\u3000,winner,loser",
        "",
    ]
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=headers,
    rows=st.lists(st.lists(cells, min_size=0, max_size=5), max_size=12),
    repeat=st.lists(st.integers(0, 11), max_size=3),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=3),
    bom=st.booleans(),
    final=st.booleans(),
)
def test_the_byte_reader_agrees_with_the_row_reader_on_any_file(
    tmp_path: Path,
    header: str,
    rows: list[list[str]],
    repeat: list[int],
    endings: list[str],
    bom: bool,
    final: bool,
) -> None:
    """Every file, regular or not: the same codes, lines, skipped rows or error message."""
    rows = rows + [rows[i] for i in repeat if i < len(rows)]
    lines = [header] + [",".join(row) for row in rows]
    text = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))
    if not final:
        text = text.removesuffix(endings[(len(lines) - 1) % len(endings)])
    path = write(tmp_path, ("\ufeff" if bom else "") + text)
    expected = reference(path)
    assert bytewise(path) == expected
    regular = files._number_regular(path)
    if regular is not None:
        assert numbered(regular) == expected
        assert files.read_comparisons(path) == files._read_rows(path)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["J1", "J2", "Ms Öz", "judge-number-0000000003"]),
            plain_labels,
            plain_labels,
            st.integers(1, 500),
        ),
        min_size=1,
        max_size=40,
    ),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    final=st.booleans(),
)
def test_regular_files_are_numbered_over_their_bytes_as_the_row_reader_numbers_them(
    tmp_path: Path,
    rows: list[tuple[str, str, str, int]],
    ending: str,
    bom: bool,
    final: bool,
) -> None:
    """Files with no row skipped and labels up to 64 bytes take the byte reader, and agree."""
    kept = list(dict.fromkeys((j, w, lo, s) for j, w, lo, s in rows if w != lo))
    if not kept or any(len(label.encode()) > 64 for row in kept for label in row[:3]):
        return
    lines = ["judge,winner,loser,seconds"] + [f"{j},{w},{lo},{s}" for j, w, lo, s in kept]
    text = ending.join(lines) + (ending if final else "")
    path = write(tmp_path, ("\ufeff" if bom else "") + text)
    regular = files._number_regular(path)
    assert regular is not None
    assert numbered(regular) == reference(path)
    assert list(regular.scripts) == sorted({label for row in kept for label in row[1:3]})


def test_repeated_rows_are_found_among_rows_sharing_judge_winner_and_loser(
    tmp_path: Path,
) -> None:
    unique = write(tmp_path, "judge,winner,loser,seconds\nJ1,S1,S2,4\nJ1,S1,S2,5\n", "a.csv")
    repeated = write(tmp_path, "judge,winner,loser,seconds\nJ1,S1,S2,4\nJ1,S1,S2,4\n", "b.csv")
    regular = files._number_regular(unique)
    assert regular is not None and numbered(regular) == reference(unique)
    assert files._number_regular(repeated) is None
    assert bytewise(repeated) == reference(repeated)


def test_the_space_table_holds_every_character_str_strip_removes() -> None:
    spaces = {chr(c) for c in range(0x80, 0x110000) if chr(c).isspace()}
    assert spaces == set(files.WIDE_SPACES)
    assert all((space + "x" + space).strip() == "x" for space in spaces)
