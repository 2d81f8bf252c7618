"""The baseline rule table: which national baseline each cohort has, from data, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from nextsteps.progress.kernels.baselines import (
    INTERNAL_ESTIMATE,
    RULES_FILE,
    UnknownCohort,
    read_rules,
    shipped_rules,
)
from nextsteps.progress.kernels.tables import InputError, TextFile
from tests.progress.progress_helpers import write

HEADER = "measure,cohort_from,cohort_to,available,baseline,reason,explanation,source\n"


def table(*rows: str) -> TextFile:
    return TextFile("rules.csv", HEADER + "\n".join(rows) + "\n")


# --- the shipped rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "available", "baseline"),
    [
        (2024, True, "ks2"),  # KS2 tests of 2019
        (2025, False, "none"),  # no KS2 tests in 2020
        (2026, False, "none"),  # no KS2 tests in 2021
        (2027, True, "ks2"),  # Progress 8 returns: KS2 tests of 2022
    ],
)
def test_progress8_by_leaving_cohort(year: int, available: bool, baseline: str) -> None:
    rule = shipped_rules().rule("progress8", year)

    assert (rule.available, rule.baseline) == (available, baseline)


def test_2025_and_2026_leavers_have_no_ks2_baseline_in_words_with_the_dfe_source() -> None:
    for year in (2025, 2026):
        rule = shipped_rules().rule("progress8", year)

        assert rule.sentence.startswith("Not available — no KS2 baseline for this cohort. ")
        assert "KS2 tests of 2020 and 2021 were cancelled" in rule.sentence
        assert rule.source.startswith("DfE, Secondary accountability measures guide 2025")
    assert shipped_rules().rule("progress8", 2027).sentence == ""


@pytest.mark.parametrize(
    ("year", "available", "baseline"),
    [
        (2023, True, "ks1"),
        (2024, False, "none"),  # no KS1 assessments in 2020
        (2025, False, "none"),  # no KS1 assessments in 2021
        (2026, True, "ks1"),
        (2027, True, "ks1"),  # KS1 assessed in 2023, the last statutory year
        (2028, False, "reception"),  # Reception baseline to KS2, school level only
    ],
)
def test_ks1_to_ks2_by_ks2_cohort(year: int, available: bool, baseline: str) -> None:
    rule = shipped_rules().rule("ks1_ks2", year)

    assert (rule.available, rule.baseline) == (available, baseline)


def test_from_2028_the_primary_measure_is_reception_to_ks2_at_school_level_only() -> None:
    rule = shipped_rules().rule("ks1_ks2", 2028)

    assert "Reception baseline" in rule.sentence
    assert "school as a whole only" in rule.sentence


def test_every_shipped_rule_names_its_dfe_or_sta_source() -> None:
    rules = shipped_rules().rules

    assert rules
    assert all(rule.source.startswith(("DfE", "STA")) for rule in rules)
    assert all(rule.available or (rule.reason and rule.explanation) for rule in rules)


@pytest.mark.parametrize(("measure", "year"), [("progress8", 2015), ("progress8", 2040)])
def test_a_cohort_with_no_rule_is_named_never_guessed(measure: str, year: int) -> None:
    with pytest.raises(UnknownCohort) as raised:
        shipped_rules().rule(measure, year)

    assert f"for the cohort of {year}" in str(raised.value)
    assert "2016 to 2031" in str(raised.value)
    assert shipped_rules().known(measure, year) is None


def test_the_label_for_figures_from_a_schools_own_baseline() -> None:
    assert INTERNAL_ESTIMATE == "internal estimate, not the DfE measure"


# --- effective-from: the next change is a row in a file -----------------------------------


def test_a_rule_runs_on_until_a_later_rule_takes_effect() -> None:
    rules = read_rules(
        table(
            "progress8,2022,,yes,ks2,,,DfE guide",
            "progress8,2025,2026,no,none,no KS2 baseline for this cohort,Tests cancelled.,DfE",
            "progress8,2027,,yes,ks2,,,DfE guide 2025",
        )
    )

    assert [rules.rule("progress8", y).line for y in (2022, 2024, 2025, 2026, 2027, 2050)] == [
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    with pytest.raises(UnknownCohort, match="its rules start with 2022"):
        rules.rule("progress8", 2021)


def test_a_later_row_replaces_a_rule_from_its_cohort_on() -> None:
    proposed = read_rules(
        table(
            "progress8,2027,,yes,ks2,,,DfE guide 2025",
            "progress8,2030,,no,ks2,replaced by a new measure,The DfE decided so.,DfE 2029",
        )
    )

    assert proposed.rule("progress8", 2029).available is True
    assert proposed.rule("progress8", 2030).available is False


def test_overlapping_rules_are_refused_by_line() -> None:
    with pytest.raises(InputError) as raised:
        read_rules(
            table(
                "progress8,2022,2025,yes,ks2,,,DfE",
                "progress8,2025,2026,no,none,no KS2 baseline,Cancelled.,DfE",
            )
        )

    assert str(raised.value) == (
        "rules.csv, line 3, column cohort_from: overlaps the rule on line 2 for the same measure"
    )


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("progress8,2025,2026,maybe,none,r,e,DfE", "available"),
        ("progress9,2025,2026,no,none,r,e,DfE", "measure"),
        ("progress8,20x5,2026,no,none,r,e,DfE", "cohort_from"),
        ("progress8,2026,2025,no,none,r,e,DfE", "cohort_to"),
        ("progress8,2025,2026,no,none,,e,DfE", "reason"),
        ("progress8,2025,2026,yes,ks2,,,", "source"),
        ("progress8,2025,2026,yes,ks3,,,DfE", "baseline"),
    ],
)
def test_a_bad_cell_is_refused_naming_file_line_and_column(row: str, column: str) -> None:
    with pytest.raises(InputError) as raised:
        read_rules(table(row))

    assert (raised.value.path, raised.value.line, raised.value.column) == ("rules.csv", 2, column)


def test_the_shipped_file_reads_as_any_file_does(tmp_path: Path) -> None:
    copy = write(tmp_path, "baselines.csv", RULES_FILE.read_text(encoding="utf-8"))

    assert read_rules(copy).rules == shipped_rules().rules
