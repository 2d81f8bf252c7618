"""The warnings shown beside a comparative judgement fit: one pure function for every audience."""

from __future__ import annotations

import itertools
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from nextsteps.judging.kernels.fit_warnings import (
    FEW_COMPARISONS,
    NO_FINITE_SCALE,
    ONE_JUDGE,
    SKIPPED_ROW,
    SkippedRow,
    fit_warnings,
)


def round_robin(scripts: int, judges: list[str], rounds: int) -> list[tuple[str, str, str]]:
    """Every pair judged `rounds` times, each won once by either side (a strongly linked design)."""
    rows = []
    judge = itertools.cycle(judges)
    for i, j in itertools.combinations(range(scripts), 2):
        for r in range(rounds):
            first, second = (i, j) if r % 2 == 0 else (j, i)
            rows.append((next(judge), f"S{first}", f"S{second}"))
    return rows


def kinds(rows: list[tuple[str, str, str]], **options: object) -> list[str]:
    return [w.kind for w in fit_warnings(rows, **options)]  # type: ignore[arg-type]


def test_a_balanced_design_with_several_judges_has_no_warnings() -> None:
    assert kinds(round_robin(6, ["A", "B", "C"], rounds=2)) == []


def test_a_design_without_cycles_has_no_finite_scale() -> None:
    rows = [("A", f"S{i}", f"S{j}") for i, j in itertools.combinations(range(6), 2)]
    rows += [("B", f"S{i}", f"S{j}") for i, j in itertools.combinations(range(6), 2)]
    warnings = fit_warnings(rows)
    assert [w.kind for w in warnings] == [NO_FINITE_SCALE]
    assert "6 of 6 scripts (S0, S1, S2, S3, S4, …)" in warnings[0].sentence()
    assert warnings[0].qualifies_reliability


def test_anchors_tie_the_core_together() -> None:
    # Two cycles joined only by S2 beating S3: unanchored, the second cycle is outside the
    # core; anchoring a script in each places both on one known scale.
    rows = [("A", "S0", "S1"), ("B", "S1", "S2"), ("A", "S2", "S0")]
    rows += [("B", "S3", "S4"), ("A", "S4", "S5"), ("B", "S5", "S3"), ("A", "S2", "S3")]
    rows = rows * 2
    assert NO_FINITE_SCALE in kinds(rows)
    assert NO_FINITE_SCALE not in kinds(rows, anchors=["S0", "S3"])


def test_a_judge_with_more_than_half_the_judgements_is_named() -> None:
    rows = round_robin(6, ["A", "A", "B"], rounds=2)
    warnings = [
        w for w in fit_warnings(rows, judge_names={"A": "Ms Okafor"}) if w.kind == ONE_JUDGE
    ]
    assert warnings[0].sentence() == (
        "One judge, Ms Okafor, made 20 of the 30 judgements (67%), so the scale mostly reflects "
        "one person's view and the reliability does not show agreement between judges."
    )
    assert ONE_JUDGE not in kinds(round_robin(6, ["A", "B"], rounds=2))  # exactly half is fine


def test_scripts_with_fewer_than_five_comparisons_are_counted() -> None:
    rows = round_robin(4, ["A", "B"], rounds=2)  # 3 opponents twice each: 6 comparisons
    assert FEW_COMPARISONS not in kinds(rows)
    rows = round_robin(4, ["A", "B"], rounds=1) + round_robin(4, ["B", "A"], rounds=1)[:2]
    warning = next(w for w in fit_warnings(rows) if w.kind == FEW_COMPARISONS)
    assert warning.values["count"] >= 1 and warning.values["total"] == 4


def test_skipped_rows_are_listed_by_line_and_do_not_qualify_reliability() -> None:
    skipped = [SkippedRow("a.csv", 4, script="S1"), SkippedRow("a.csv", 9, repeats=2)]
    warnings = fit_warnings(round_robin(6, ["A", "B", "C"], rounds=2), skipped=skipped)
    assert [w.kind for w in warnings] == [SKIPPED_ROW, SKIPPED_ROW]
    assert [w.sentence() for w in warnings] == [
        "a.csv, line 4 compares script 'S1' with itself, so it is skipped.",
        "a.csv, line 9 repeats line 2 exactly, so it is skipped.",
    ]
    assert not any(w.qualifies_reliability for w in warnings)


def test_sentences_are_translated_from_their_templates() -> None:
    rows = [("A", "S0", "S1")]
    translated = [w.sentence(lambda template: "[cy] " + template) for w in fit_warnings(rows)]
    assert translated and all(s.startswith("[cy] ") and "%(" not in s for s in translated)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.integers(0, 7), st.integers(0, 7)).filter(
            lambda row: row[1] != row[2]
        ),
        min_size=1,
        max_size=60,
    )
)
def test_every_warning_matches_the_judgements_it_describes(raw) -> None:
    rows = [(judge, f"S{w}", f"S{lo}") for judge, w, lo in raw]
    found = {w.kind: w for w in fit_warnings(rows)}
    made = {j: sum(r[0] == j for r in rows) for j in "ABC"}
    assert (ONE_JUDGE in found) == (max(made.values()) > len(rows) / 2)
    games: dict[str, int] = {}
    for _, w, lo in rows:
        games[w] = games.get(w, 0) + 1
        games[lo] = games.get(lo, 0) + 1
    few = sum(n < 5 for n in games.values())
    assert (FEW_COMPARISONS in found) == (few > 0)
    if few:
        assert found[FEW_COMPARISONS].values["count"] == few


def test_the_warnings_the_fit_and_the_command_import_no_django() -> None:
    code = (
        "import sys, nextsteps.judging.cli, nextsteps.judging.kernels.fit_warnings\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603
