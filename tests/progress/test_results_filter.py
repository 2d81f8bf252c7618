"""The trust view's results filter: a combination of the dashboards' groups as tests on
leavers' records (a pure kernel, checked on hand-made records)."""

from __future__ import annotations

import pytest

from nextsteps.progress.kernels.compute import PupilRecord
from nextsteps.progress.trust import ResultsFilter, results_filter


def record(pupil: str, *, disadvantaged: bool, sen: str, gender: str = "F") -> PupilRecord:
    return PupilRecord(pupil, disadvantaged=disadvantaged, sen=sen, eal=False, gender=gender)


RECORDS = [
    record("a", disadvantaged=True, sen="K"),
    record("b", disadvantaged=True, sen="N"),
    record("c", disadvantaged=False, sen="E"),
    record("d", disadvantaged=True, sen="E", gender="X"),
]


def ids(records: list[PupilRecord]) -> list[str]:
    return [r.pupil_id for r in records]


def test_every_group_must_admit_a_record() -> None:
    both = ResultsFilter((("disadvantaged", True), ("sen", True)))
    assert ids(both.admitted(RECORDS)) == ["a", "d"]
    assert ids(ResultsFilter((("sen", False),)).admitted(RECORDS)) == ["b"]


def test_a_record_outside_a_comparison_is_in_neither_side() -> None:
    girls = ResultsFilter((("female", True),))
    boys = ResultsFilter((("female", False),))
    assert ids(girls.admitted(RECORDS)) == ["a", "b", "c"]
    assert boys.admitted(RECORDS) == []


def test_prior_bands_are_given_per_record_and_required() -> None:
    low_and_disadvantaged = ResultsFilter((("disadvantaged", True), ("prior", "low")))
    bands = ["low", "low", "low", "unknown"]
    assert ids(low_and_disadvantaged.admitted(RECORDS, bands)) == ["a", "b"]
    with pytest.raises(ValueError, match="band"):
        low_and_disadvantaged.admitted(RECORDS)


def test_this_years_attendance_cannot_filter_leavers_and_no_groups_is_no_filter() -> None:
    with pytest.raises(KeyError):
        results_filter([("disadvantaged", True), ("persistent_absence", True)])
    assert results_filter([]) is None
