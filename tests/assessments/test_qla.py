"""Question-level analysis on a small example worked by hand (see the comments for the sums)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextsteps.assessments.kernels import qla

A, B = 101, 102  # two objectives
QUESTIONS = [
    qla.QuestionSpec(1, "1", 1, (A,)),
    qla.QuestionSpec(2, "2", 2, (A, B)),
    qla.QuestionSpec(3, "3", 3, (B,)),
]
# Pupils 11-14; pupil 13 has no mark yet for question 3.
MARKS = {
    11: {1: 1, 2: 2, 3: 3},
    12: {1: 0, 2: 1, 3: 1},
    13: {1: 1, 2: 0},
    14: {1: 0, 2: 2, 3: 0},
}


def matrix() -> qla.MarkMatrix:
    cells = [(p, q, m) for p, row in MARKS.items() for q, m in row.items()]
    return qla.MarkMatrix.from_cells([11, 12, 13, 14], QUESTIONS, cells)


def test_facility_per_question_is_marks_gained_over_marks_available_to_those_marked() -> None:
    result = qla.group_facility(matrix())
    q1, q2, q3 = result.questions
    assert (q1.gained, q1.available, q1.pupils) == (2, 4, 4)  # 1+0+1+0 of 4 × 1
    assert (q2.gained, q2.available) == (5, 8)  # 2+1+0+2 of 4 × 2
    assert q2.share == pytest.approx(0.625)
    assert (q3.gained, q3.available, q3.pupils) == (4, 9, 3)  # 3+1+0 of 3 × 3: pupil 13 unmarked
    assert q3.percent == 44
    assert result.overall.share == pytest.approx(11 / 21)
    assert result.pupils == 4


def test_facility_per_objective_pools_every_question_that_assesses_it() -> None:
    result = qla.group_facility(matrix())
    a, b = result.objectives[A], result.objectives[B]
    assert (a.gained, a.available) == (7, 12)  # Q1 2/4 + Q2 5/8
    assert (b.gained, b.available) == (9, 17)  # Q2 5/8 + Q3 4/9
    assert a.percent == 58 and b.percent == 53


def test_each_pupils_share_of_an_objective_counts_only_their_marked_questions() -> None:
    shares = qla.pupil_objective_shares(matrix())
    assert shares[:, 0] == pytest.approx([1.0, 1 / 3, 1 / 3, 2 / 3])
    assert shares[:, 1] == pytest.approx([1.0, 0.4, 0.0, 0.4])  # pupil 13: 0 of Q2's 2 only


def test_complete_only_leaves_out_a_pupil_with_an_unmarked_question_on_the_objective() -> None:
    shares = qla.pupil_objective_shares(matrix(), complete_only=True)
    assert math.isnan(shares[2, 1])
    assert shares[2, 0] == pytest.approx(1 / 3)


def test_questions_and_objectives_to_reteach_name_the_pupils_below_the_threshold() -> None:
    m = matrix()
    questions, objectives = qla.needs(m, qla.group_facility(m), 0.6)
    assert [(r.key, r.pupils, r.whole_class) for r in questions] == [
        (3, [12, 14], True),  # 44%: pupil 12 has 1/3, pupil 14 0/3
        (1, [12, 14], True),  # 50%
        (2, [12, 13], False),  # 62.5%: above the threshold, but two pupils are not
    ]
    assert [(r.key, r.pupils, r.whole_class) for r in objectives] == [
        (B, [12, 13, 14], True),  # 53%
        (A, [12, 13], True),  # 58%
    ]


def test_breakdown_gives_each_group_its_own_facility() -> None:
    groups = qla.breakdown(matrix(), {"Girls": [11, 13], "Boys": [12, 14], "Nobody": []})
    assert groups["Girls"].questions[0].share == 1.0  # 2 of 2
    assert groups["Boys"].questions[0].share == 0.0
    assert groups["Girls"].questions[2].available == 3  # only pupil 11 is marked on Q3
    assert groups["Nobody"].pupils == 0
    assert groups["Nobody"].overall.share is None


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=3, max_size=3),
        min_size=1,
        max_size=12,
    )
)
def test_facility_is_a_share_and_groups_add_up_to_everyone(rows: list[list[int | None]]) -> None:
    questions = [qla.QuestionSpec(i, str(i), 4, (A,) if i < 2 else (B,)) for i in range(3)]
    pupils = list(range(len(rows)))
    cells = [(p, q, m) for p, row in enumerate(rows) for q, m in enumerate(row) if m is not None]
    m = qla.MarkMatrix.from_cells(pupils, questions, cells)
    everyone = qla.group_facility(m)
    halves = qla.breakdown(m, {"odd": pupils[1::2], "even": pupils[::2]})
    for facility in everyone.questions:
        assert facility.share is None or 0 <= facility.share <= 1
    total = halves["odd"].overall.gained + halves["even"].overall.gained
    assert total == everyone.overall.gained
    assert np.nansum(m.values) == everyone.overall.gained
