"""The column reader and the column CSV writer give what the row reader and `p8_csv` give."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextsteps.progress.kernels import report, tables
from nextsteps.progress.kernels.measures import P8_MEASURES, ks2_average, progress8
from nextsteps.progress.kernels.tables import (
    BASICS_PARSERS,
    DATA_DIR,
    Ks2Codes,
    PupilFile,
    read_nominal,
    read_p8_estimates,
    read_p8_pupils,
    read_pupil_columns,
)

HEADER = (
    "pupil_id,ks2_reading,ks2_maths,attainment8,english,maths,ebacc,open,"
    "disadvantaged,sen,gender,english_grade,maths_grade"
)
ROWS = [
    "P1,104,105,50.5,11,10,15,14.5,Y,N,F,5,4",
    " P2 , BLW ,100,30,6,6,9,9,n,k,m,,3",  # spaces round cells, a code, lower-case labels
    "P3,,,40,8,8,12,12,,E,girl,4,4",  # no KS2; a blank label is "not recorded"
    "P4,110,112,70,16,14,20,20,yes,s,Male,7,8",
    "P5,A,95,0,0,0,0,0,N,N,F,0,0",  # absent from the KS2 tests
    "P6,120,120,90,18,18,27,27,Y,N,M,9,9",
]


def codes() -> Ks2Codes:
    nominal = read_nominal(DATA_DIR / "ks2_nominal_scores.csv")
    return Ks2Codes(nominal[2017], frozenset().union(*(set(y) for y in nominal.values())))


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "pupils.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def by_rows(path: Path, monkeypatch: pytest.MonkeyPatch) -> PupilFile:
    with monkeypatch.context() as patch:
        patch.setattr(tables, "read_pupil_columns", lambda *args: None)
        return read_p8_pupils(path, codes())


def assert_same(ours: PupilFile, theirs: PupilFile) -> None:
    assert ours.pupil_ids == theirs.pupil_ids
    assert ours.lines == theirs.lines
    assert list(ours.columns) == list(theirs.columns)
    for column, values in theirs.columns.items():
        np.testing.assert_array_equal(ours.columns[column], values)
        assert ours.columns[column].dtype == values.dtype
    assert [(g.name, g.labels) for g in ours.groupings] == [
        (g.name, g.labels) for g in theirs.groupings
    ]
    for mine, other in zip(ours.groupings, theirs.groupings, strict=True):
        np.testing.assert_array_equal(mine.codes, other.codes)


@pytest.mark.parametrize("block_size", [160, 256, 1 << 20])
def test_a_regular_file_reads_the_same_by_columns_as_by_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_size: int
) -> None:
    path = write(tmp_path, [HEADER, *ROWS])
    monkeypatch.setattr(tables, "BLOCK_SIZE", block_size)  # labels first seen in a later block
    parsers: dict[str, Callable[[str], float]] = {"ks2_reading": codes().score}
    parsers["ks2_maths"] = codes().score
    parsers |= {c: tables.bounded(0.0, tables.A8_MAXIMUM[c]) for c in tables.A8_COLUMNS}
    assert read_pupil_columns(path, parsers, BASICS_PARSERS) is not None
    assert_same(read_p8_pupils(path, codes()), by_rows(path, monkeypatch))


@pytest.mark.parametrize(
    "lines",
    [
        [HEADER, *ROWS[:2], "", *ROWS[2:]],  # a blank line
        [HEADER, *ROWS, ",,,,,,,,,,,,"],  # a row of empty cells
        [HEADER, ROWS[0] + ",", *ROWS[1:]],  # a row wider than the header
        [HEADER, ROWS[0].rsplit(",", 2)[0], *ROWS[1:]],  # a row narrower than the header
        [HEADER, '"P1\nP1b",104,105,50.5,11,10,15,14.5,Y,N,F,5,4', *ROWS[1:]],  # a line break
    ],
)
def test_an_irregular_file_is_left_to_the_row_reader_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[str]
) -> None:
    path = write(tmp_path, lines)
    assert read_pupil_columns(path, {"attainment8": tables.number}) is None
    assert_same(read_p8_pupils(path, codes()), by_rows(path, monkeypatch))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("P1,104,105,50.5,11,10,15,14.5,Y,N,F,5,4", "pupil P1 appears twice (first on line 2)"),
        ("P7,104,105,50.5,11,10,15,99,Y,N,F,5,4", "column open: 99 is outside 0–27"),
        ("P7,104,105,50.5,11,10,15,14.5,maybe,N,F,5,4", "column disadvantaged: expected Y or N"),
        ("P7,ZZ,105,50.5,11,10,15,14.5,Y,N,F,5,4", "unknown KS2 outcome code 'ZZ'"),
    ],
)
def test_a_mistake_is_named_by_the_row_reader(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, [HEADER, *ROWS, row])
    with pytest.raises(tables.InputError) as raised:
        read_p8_pupils(path, codes())
    assert "line 8" in str(raised.value) and message in str(raised.value)


def test_the_column_csv_is_the_report_csv_byte_for_byte(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    lines = [HEADER]
    for i in range(400):
        reading = "" if i % 17 == 0 else ("BLW" if i % 23 == 0 else str(rng.integers(80, 121)))
        maths = "" if i % 17 == 0 else str(rng.integers(80, 121))
        elements = [int(rng.integers(0, 19)), int(rng.integers(0, 19))]
        elements += [int(rng.integers(0, 28)), int(rng.integers(0, 28))]
        flags = ["Y" if rng.random() < 0.3 else "N", "K" if i % 5 == 0 else "N", "F"]
        grades = ["" if i % 11 == 0 else str(rng.integers(0, 10)), str(rng.integers(0, 10))]
        cells = [f"P{i}", reading, maths, str(sum(elements)), *map(str, elements)]
        lines.append(",".join(cells + flags + grades))
    pupils = read_p8_pupils(write(tmp_path, lines), codes())
    table = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    columns = pupils.columns
    average = ks2_average(columns["ks2_reading"], columns["ks2_maths"])
    floors = {m: np.full(len(table.pags), -1.5) for m in P8_MEASURES}  # some pupils capped
    result = progress8(average, columns, table, floors)
    assert any(flags.any() for flags in result.capped.values())
    assert (~result.included).any()
    sd = dict.fromkeys(P8_MEASURES, 1.0)
    built = report.p8_report(pupils, result, table, sd, pupils.groupings)
    assert report.p8_csv_columns(pupils, result, table) == report.p8_csv(built)


@settings(max_examples=200)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["", "P1", "a,b", 'say "hi"', "two\nlines", "cr\r", " x ", "é"])
        ).map(lambda cells: (cells + ["z", "z"])[:2]),
        min_size=1,
    )
)
def test_columns_are_written_as_the_csv_module_writes_rows(rows: list[list[str]]) -> None:
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerows([["first", "second"], *rows])
    first, second = ([row[i] for row in rows] for i in range(2))
    texts = sorted(set(second))
    coded = report.Coded(texts, np.array([texts.index(cell) for cell in second]))
    assert report.columns_csv(["first", "second"], [first, coded]) == expected.getvalue()


def test_the_column_reader_strips_what_str_strip_strips() -> None:
    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == tables.SPACE


def csv_module_bytes(rows: list[list[str]]) -> bytes:
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows(rows)
    return expected.getvalue().encode("utf-8")


CELLS = ["", "P1", "10.5", "a,b", 'say "hi"', "two\nlines", "cr\r", " x ", "é", "emoji 🙂"]


@settings(max_examples=300)
@given(
    width=st.integers(1, 4),
    cells=st.lists(st.lists(st.sampled_from(CELLS), min_size=4, max_size=4), max_size=12),
    kinds=st.lists(st.sampled_from(["coded", "list", "arrow"]), min_size=4, max_size=4),
    block=st.integers(1, 5),
    plain=st.booleans(),
)
def test_blocks_of_rows_are_written_as_the_csv_module_writes_them(
    width: int, cells: list[list[str]], kinds: list[str], block: int, plain: bool
) -> None:
    import pyarrow as pa

    rows = [row[:width] for row in cells]
    if plain:  # no cell needs quotes: Arrow joins every block
        rows = [["x" if cell in CELLS[3:7] else cell for cell in row] for row in rows]
    columns: list[report.Coded | list[str] | pa.Array] = []
    for i in range(width):
        column = [row[i] for row in rows]
        if kinds[i] == "coded":
            texts = sorted(set(column)) or [""]
            codes = np.array([texts.index(c) for c in column], dtype=np.int64)
            columns.append(report.Coded(texts, codes))
        else:
            columns.append(column if kinds[i] == "list" else pa.array(column, pa.string()))
    header = [f"c{i}" for i in range(width)]
    with patch.object(report, "ROWS_A_BLOCK", block):
        written = b"".join(report.columns_csv_bytes(header, columns))
    assert written == csv_module_bytes([header, *rows])


@settings(max_examples=300)
@given(
    st.lists(st.text(st.sampled_from("ab\x00é€🙂 "), max_size=19), max_size=30),
    st.integers(0, 3),
    st.booleans(),
)
def test_distinct_texts_says_what_a_set_says(texts: list[str], skip: int, every_hash: bool) -> None:
    import pyarrow as pa

    array = pa.array(texts, pa.string()).slice(min(skip, len(texts)))
    ids = array.to_pylist()
    expected = bool(ids) and all(ids) and len(set(ids)) == len(ids)
    # A multiplier of 0 gives every text the same hash: the texts themselves are compared.
    multiplier = tables.HASH_MULTIPLIER if every_hash else np.uint64(0)
    with patch.object(tables, "HASH_MULTIPLIER", multiplier):
        assert tables.distinct_texts(array) == expected


def test_texts_alike_in_their_first_eight_bytes_or_but_for_a_nul_are_told_apart() -> None:
    import pyarrow as pa

    assert tables.distinct_texts(pa.array(["abcdefgh1", "abcdefgh2", "a", "a\x00"]))
    assert not tables.distinct_texts(pa.array(["abcdefghij", "x", "abcdefghij"]))


def test_a_pupil_id_that_needs_quotes_is_written_by_the_csv_module(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, '"P1, the first",' + ROWS[0].split(",", 1)[1], *ROWS[1:]])
    pupils = read_p8_pupils(path, codes())
    assert pupils.pupil_id_texts is not None  # read by columns
    table = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    columns = pupils.columns
    result = progress8(ks2_average(columns["ks2_reading"], columns["ks2_maths"]), columns, table)
    built = report.p8_report(pupils, result, table, dict.fromkeys(P8_MEASURES, 1.0), [])
    written = report.p8_csv_columns(pupils, result, table)
    assert written == report.p8_csv(built)
    assert written.splitlines()[1].startswith('"P1, the first",')


def test_a_cell_not_utf8_in_a_column_not_read_is_still_named(tmp_path: Path) -> None:
    path = tmp_path / "pupils.csv"
    lines = [HEADER + ",name", *(row + ",Ann" for row in ROWS)]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8").replace(b"Ann", b"\xffnn", 1))
    with pytest.raises(tables.InputError) as raised:
        read_p8_pupils(path, codes())
    assert "not UTF-8" in str(raised.value)
