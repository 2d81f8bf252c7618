"""The statutory checks' rules: thresholds by year, retakes, national figures, summaries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.statutory.kernels import rules
from nextsteps.statutory.kernels.rules import ItemMark, NoRuleError, RuleFileError, Sourced


def test_shipped_threshold_has_its_source() -> None:
    threshold = rules.threshold_for("2022/23", shipped=rules.shipped_thresholds())
    assert threshold.value == 32
    assert threshold.source_url.startswith("https://www.gov.uk/")


def test_a_year_without_a_threshold_is_named_not_guessed() -> None:
    with pytest.raises(
        NoRuleError, match=r"No phonics threshold mark for 2040/41 \(the check of June 2041\)"
    ):
        rules.threshold_for("2040/41", shipped=rules.shipped_thresholds())


def test_the_schools_entry_is_the_rule_for_its_year() -> None:
    entered = Sourced("2040/41", Decimal(31), "entered by the school", "")
    assert rules.threshold_for("2040/41", shipped={}, school_entered=entered).value == 31


def test_every_shipped_figure_has_a_source() -> None:
    for table in (rules.shipped_thresholds(), rules.shipped_phonics_national()):
        assert table and all(f.source_title and f.source_url for f in table.values())
    mtc = rules.national_mtc_for("2024/25", rules.shipped_mtc_national())
    assert (mtc.average_score, mtc.percent_full_marks) == (Decimal("21.0"), Decimal(37))
    assert rules.national_phonics_for("2023/24", rules.shipped_phonics_national()).value == 80
    with pytest.raises(NoRuleError, match="2040/41"):
        rules.national_mtc_for("2040/41", rules.shipped_mtc_national())


def test_threshold_file_errors_name_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.csv"
    path.write_text(
        "academic_year,threshold,source_title,source_url\n2022/23,32,STA,https://x\n2023/24,41,STA,https://x\n"
    )
    with pytest.raises(RuleFileError, match="thresholds.csv, line 3, column threshold"):
        rules.read_phonics_thresholds(path)
    path.write_text("academic_year,threshold,source_title,source_url\n2022/23,32,,\n")
    with pytest.raises(RuleFileError, match="line 2, column source_title"):
        rules.read_phonics_thresholds(path)
    path.write_text("academic_year,threshold,source_title,source_url\n2022/24,32,a,b\n")
    with pytest.raises(RuleFileError, match="line 2, column academic_year"):
        rules.read_phonics_thresholds(path)


def test_retake_for_pupils_below_the_threshold_or_not_taking_it() -> None:
    assert rules.needs_retake(31, "", 32)
    assert not rules.needs_retake(32, "", 32)
    assert rules.needs_retake(None, "A", 32)
    assert not rules.needs_retake(None, "L", 32)


def test_phonics_percent_of_all_eligible_pupils() -> None:
    summary = rules.phonics_summary([40, 32, 31, None], 32)
    assert (summary.eligible, summary.took, summary.meeting) == (4, 3, 2)
    assert summary.percent_meeting == 50


def test_mtc_average_of_those_taking_it_and_full_marks_of_all() -> None:
    summary = rules.mtc_summary([25, 25, 10, None])
    assert summary.average == Decimal("20.0")
    assert summary.percent_full_marks == 50
    assert summary.distribution[25] == 2 and summary.distribution[10] == 1


@given(st.lists(st.one_of(st.none(), st.integers(0, 25)), max_size=60))
def test_mtc_distribution_counts_every_pupil_who_took_it(scores: list[int | None]) -> None:
    summary = rules.mtc_summary(scores)
    assert sum(summary.distribution) == summary.took == sum(s is not None for s in scores)
    if summary.average is not None:
        assert 0 <= summary.average <= 25


@given(st.integers(0, 40), st.integers(0, 40))
def test_meeting_is_exactly_at_or_above_the_threshold(mark: int, threshold: int) -> None:
    assert rules.meets_standard(mark, threshold) == (mark >= threshold)
    assert rules.needs_retake(mark, "", threshold) != rules.meets_standard(mark, threshold)


@given(st.integers(-5, 50))
def test_marks_outside_range_refused(value: int) -> None:
    if 0 <= value <= 40:
        assert rules.mark_check(value, maximum=40, field="mark") == value
    else:
        with pytest.raises(ValueError, match="mark must be from 0 to 40"):
            rules.mark_check(value, maximum=40, field="mark")


def test_word_gaps_most_missed_first() -> None:
    pupils = [
        [ItemMark(1, "pseudo", False), ItemMark(2, "real", True)],
        [ItemMark(1, "pseudo", False), ItemMark(2, "real", False)],
    ]
    gaps = rules.word_gaps(pupils)
    assert [(g.position, g.missed, g.percent_missed) for g in gaps] == [(1, 2, 100), (2, 1, 50)]


def test_academic_years() -> None:
    assert rules.check_year("2024/25") == 2025
    assert rules.academic_year_of_check(2025) == "2024/25"
    assert rules.academic_year_on(9, 2026) == "2026/27"
    assert rules.academic_year_on(6, 2026) == "2025/26"
    with pytest.raises(ValueError):
        rules.academic_year_check("2024/26")
