"""The enrolment plan is plain data: rows against what exists, with no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nextsteps.interop.kernels.roster_plan import (
    Place,
    end_place,
    plan_class_staff,
    plan_places,
)

TODAY = dt.date(2026, 10, 1)
SEPT = dt.date(2026, 9, 1)


@dataclass
class Line:
    sourced_id: str
    begin: dt.date | None = None
    end: dt.date | None = None
    deleted: bool = False


def test_a_place_is_matched_by_sourced_id_then_by_pupil_class_and_day() -> None:
    places = [Place(1, 10, 100, SEPT, None), Place(2, 11, 100, SEPT, None)]
    rows = [
        (Line("e1"), 10, 100),  # mapped before
        (Line("e2"), 11, 100),  # same pupil, class and first day
        (Line("e3"), 12, 100),  # new
        (Line("e4", end=dt.date(2026, 12, 20)), 10, 100),  # mapped, now with an end
    ]
    plan = plan_places(
        rows,
        known={"e1": ("teaching.enrolment", 1), "e4": ("teaching.enrolment", 1)},
        places=places,
        year_start={100: SEPT},
        today=TODAY,
    )
    assert [(row.sourced_id, pk) for row, pk in plan.matched] == [("e1", 1), ("e2", 2), ("e4", 1)]
    assert [(row.sourced_id, p, c, s, e) for row, p, c, s, e in plan.create] == [
        ("e3", 12, 100, SEPT, None)
    ]
    assert plan.dates == {1: {"starts_on": SEPT, "ends_on": dt.date(2026, 12, 19)}}
    assert (plan.updated, plan.unchanged, plan.ended) == (1, 2, 0)


def test_a_deleted_row_ends_its_place_yesterday_once() -> None:
    place = Place(1, 10, 100, SEPT, None)
    plan = plan_places(
        [(Line("e1", deleted=True), 10, 100), (Line("e1", deleted=True), 10, 100)],
        known={"e1": ("teaching.enrolment", 1)},
        places=[place],
        year_start={},
        today=TODAY,
    )
    assert plan.ended == 1
    assert plan.dates == {1: {"starts_on": SEPT, "ends_on": TODAY - dt.timedelta(days=1)}}
    assert not end_place(place, TODAY)


def test_class_staff_are_added_changed_and_removed_in_row_order() -> None:
    plan = plan_class_staff(
        [
            (Line("s1"), 5, 100, "teacher"),  # unchanged
            (Line("s2"), 6, 100, "teacher"),  # was a TA
            (Line("s3"), 7, 100, "ta"),  # new
            (Line("s4", deleted=True), 8, 100, "teacher"),  # removed
            (Line("s5"), 9, 100, "ta"),  # new, then
            (Line("s6", end=TODAY), 9, 100, "ta"),  # ended again before it was written
        ],
        links={(100, 5): (50, "teacher"), (100, 6): (60, "ta"), (100, 8): (80, "teacher")},
        today=TODAY,
    )
    assert [(c, s, link.role) for c, s, link in plan.create] == [(100, 7, "ta")]
    assert plan.roles == {60: "teacher"}
    assert plan.removed == [80]
    assert (plan.created, plan.updated, plan.unchanged, plan.ended) == (2, 1, 1, 2)
    assert [row.sourced_id for row, _ in plan.matched] == ["s1", "s2", "s3", "s5"]
