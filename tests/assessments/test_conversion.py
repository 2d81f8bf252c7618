"""Score conversion: the 2024 KS2 GPS table, age-standardised tables, bands and bad tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nextsteps.assessments.kernels import conversion
from nextsteps.assessments.kernels.conversion import (
    DEFAULT_SCALED_BANDS,
    TableRefused,
    age_in_months,
    band_for,
    format_age,
    parse_age,
    read_scaled_table,
    read_standardised_table,
)

GPS_2024 = Path(conversion.__file__).parent.parent / "data" / "ks2_2024_gps_raw_to_scaled.csv"


def gps() -> conversion.ScaledTable:
    return read_scaled_table(GPS_2024.read_text(encoding="utf-8"))


def test_the_2024_gps_table_converts_raw_marks_as_published() -> None:
    table = gps()
    assert table.max_raw == 70
    assert [table.convert(raw) for raw in (0, 2, 3)] == [None, None, 80]
    assert table.convert(35) == 100  # the expected standard
    assert table.convert(34) == 99
    assert table.convert(53) == 110  # a high score
    assert table.convert(65) == table.convert(70) == 120


def test_a_raw_mark_outside_the_table_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="outside the table"):
        gps().convert(71)


def test_default_ks2_bands_put_100_at_the_expected_standard_and_110_at_a_high_score() -> None:
    table = gps()
    labels = [band_for(table.convert(raw), DEFAULT_SCALED_BANDS) for raw in (34, 35, 52, 53)]
    assert [b.label if b else None for b in labels] == [
        "Working towards the expected standard",
        "Expected standard",
        "Expected standard",
        "High score",
    ]
    assert band_for(None, DEFAULT_SCALED_BANDS) is None


def test_bands_are_configurable_and_run_from_each_lowest_score() -> None:
    bands = [
        conversion.Band("Emerging", 0),
        conversion.Band("Secure", 95),
        conversion.Band("Deep", 112),
    ]
    assert band_for(94, bands).label == "Emerging"  # type: ignore[union-attr]
    assert band_for(95, bands).label == "Secure"  # type: ignore[union-attr]
    assert band_for(140, bands).label == "Deep"  # type: ignore[union-attr]


def test_a_gap_a_falling_score_and_a_word_are_each_refused_with_their_line() -> None:
    text = "raw_mark,scaled_score\n0,\n1,80\n2,79\n3,eighty\n5,90\n"
    with pytest.raises(TableRefused) as refused:
        read_scaled_table(text)
    messages = [str(p) for p in refused.value.problems]
    assert "line 5, column scaled_score: 'eighty' is not a whole number" in messages
    assert any("missing: 4" in m for m in messages)
    assert (
        "line 4, column scaled_score: raw mark 2 scores 79, lower than a smaller raw mark"
        in messages
    )


def test_a_table_without_the_header_is_refused() -> None:
    with pytest.raises(TableRefused, match="raw_mark,scaled_score"):
        read_scaled_table("mark,score\n0,80\n")


def test_age_in_completed_months_on_the_day_of_the_test() -> None:
    born = dt.date(2016, 3, 15)
    assert age_in_months(born, dt.date(2024, 3, 15)) == 96
    assert age_in_months(born, dt.date(2024, 3, 14)) == 95
    assert age_in_months(born, dt.date(2024, 5, 14)) == 97
    assert format_age(97) == "8:01"
    assert parse_age("8:01") == parse_age("8y 1m") == parse_age("97") == 97
    assert parse_age("8:12") is None


WIDE = """raw_mark,8:00,8:01,8:02
0,70,70,69
1,82,81,80
2,95,94,93
3,108,107,106
"""
LONG = "raw_mark,age_months,standardised_score\n" + "\n".join(
    f"{raw},{96 + i},{score}"
    for raw, scores in enumerate([(70, 70, 69), (82, 81, 80), (95, 94, 93), (108, 107, 106)])
    for i, score in enumerate(scores)
)


def test_an_age_standardised_table_reads_in_wide_and_long_layouts_alike() -> None:
    wide, long = read_standardised_table(WIDE), read_standardised_table(LONG)
    assert wide == long
    assert wide.convert(2, 97) == 94
    assert (wide.youngest, wide.oldest, wide.max_raw) == (96, 98, 3)


def test_an_age_outside_a_standardised_table_is_refused() -> None:
    with pytest.raises(ValueError, match=r"age 8:03 is outside the table \(8:00 to 8:02\)"):
        read_standardised_table(WIDE).convert(2, 99)


def test_a_standardised_table_with_a_bad_age_heading_is_refused() -> None:
    with pytest.raises(TableRefused, match="'eight' is not an age"):
        read_standardised_table("raw_mark,eight\n0,70\n")
