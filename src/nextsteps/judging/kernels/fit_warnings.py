"""What a comparative judgement fit can claim: the warnings shown beside its reliability.

One pure function (no Django) serves the report page, the API and `nextsteps cj fit`, so the
three say the same thing about the same judgements. It warns when:

- the design gives no finite maximum-likelihood scale: the "beat" graph is not strongly
  connected (Ford 1957), so some scripts won or lost every comparison with the rest, alone or
  as a group, and their places are estimates at the edge of the scale;
- one judge made more than half of the judgements, so the scale is mostly one person's view
  and the reliability says nothing about agreement between judges;
- scripts have fewer than five comparisons, too few to place them with any precision;
- rows of a file were skipped (a script compared with itself, a row repeated exactly).

Messages are English templates marked with `gettext_noop`, so the web layer translates them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from nextsteps.judging.kernels.bradley_terry import Comparisons, core

MIN_COMPARISONS = 5  # fewer than this and a script's place is too uncertain to report
DOMINANT_SHARE = 0.5  # one judge with more than this share of the judgements dominates
EXAMPLES = 5  # scripts named in a warning, at most


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it here (no Django in kernels)."""
    return message


NO_FINITE_SCALE = "no_finite_scale"
ONE_JUDGE = "one_judge"
FEW_COMPARISONS = "few_comparisons"
SKIPPED_ROW = "skipped_row"

# Warnings about the design qualify the reliability figure; skipped rows do not.
QUALIFY_RELIABILITY = frozenset({NO_FINITE_SCALE, ONE_JUDGE, FEW_COMPARISONS})


@dataclass(frozen=True)
class FitWarning:
    """One warning: a kind, an English template and the values it is filled with."""

    kind: str
    template: str
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def qualifies_reliability(self) -> bool:
        return self.kind in QUALIFY_RELIABILITY

    def sentence(self, translate: Callable[[str], str] = gettext_noop) -> str:
        """The warning as a sentence, its template passed through `translate` first."""
        return translate(self.template) % dict(self.values)


@dataclass(frozen=True)
class SkippedRow:
    """A row of a comparisons file left out of the fit: `repeats` is the line it copies."""

    path: str
    line: int
    script: str = ""
    repeats: int | None = None


def fit_warnings(
    judgements: Sequence[tuple[str, str, str]],
    *,
    anchors: Collection[str] = (),
    judge_names: Mapping[str, str] | None = None,
    skipped: Sequence[SkippedRow] = (),
) -> list[FitWarning]:
    """Warnings for `(judge, winner, loser)` judgements fitted with these anchored scripts.

    `judge_names` gives the name to show for a judge label (the label itself otherwise).
    """
    if not judgements:
        return [_skipped(row) for row in skipped]
    return comparisons_warnings(
        Comparisons.from_labels(judgements),
        anchors=anchors,
        judge_names=judge_names,
        skipped=skipped,
    )


def comparisons_warnings(
    comparisons: Comparisons,
    *,
    anchors: Collection[str] = (),
    judge_names: Mapping[str, str] | None = None,
    skipped: Sequence[SkippedRow] = (),
) -> list[FitWarning]:
    """`fit_warnings` for judgements already indexed (a caller that has fitted them)."""
    found = [_skipped(row) for row in skipped]
    names = judge_names or {}
    design = [
        _no_finite_scale(comparisons, anchors),
        _one_judge(comparisons, names),
        _few_comparisons(comparisons),
    ]
    return [warning for warning in design if warning is not None] + found


def _examples(labels: Sequence[str]) -> str:
    shown = ", ".join(sorted(labels)[:EXAMPLES])
    return shown + (", …" if len(labels) > EXAMPLES else "")


def _no_finite_scale(comparisons: Comparisons, anchors: Collection[str]) -> FitWarning | None:
    n = len(comparisons.scripts)
    index = {script: i for i, script in enumerate(comparisons.scripts)}
    anchor_index = np.array([index[s] for s in anchors if s in index], dtype=np.int64)
    inside = core(n, comparisons.winner, comparisons.loser, anchor_index)
    if inside.sum() < 2 and not len(anchor_index):
        inside[:] = False  # a core of one script is no scale at all
    outside = [comparisons.scripts[i] for i in np.flatnonzero(~inside)]
    if not outside:
        return None
    return FitWarning(
        NO_FINITE_SCALE,
        gettext_noop(
            "The judgements give no finite maximum-likelihood scale: for %(count)d of "
            "%(total)d scripts (%(examples)s) they never show the script, or a group it "
            "belongs to, both winning and losing against the rest. Their places are estimates "
            "at the edge of the scale, and the reliability cannot be taken at face value."
        ),
        {"count": len(outside), "total": n, "examples": _examples(outside)},
    )


def _one_judge(comparisons: Comparisons, names: Mapping[str, str]) -> FitWarning | None:
    made = np.bincount(comparisons.judge, minlength=len(comparisons.judges))
    total = int(made.sum())
    busiest = int(np.argmax(made))
    if made[busiest] <= DOMINANT_SHARE * total:
        return None
    label = comparisons.judges[busiest]
    return FitWarning(
        ONE_JUDGE,
        gettext_noop(
            "One judge, %(judge)s, made %(made)d of the %(total)d judgements (%(percent)d%%), "
            "so the scale mostly reflects one person's view and the reliability does not "
            "show agreement between judges."
        ),
        {
            "judge": names.get(label, label),
            "made": int(made[busiest]),
            "total": total,
            "percent": round(100 * int(made[busiest]) / total),
        },
    )


def _few_comparisons(comparisons: Comparisons) -> FitWarning | None:
    n = len(comparisons.scripts)
    games = np.bincount(comparisons.winner, minlength=n) + np.bincount(
        comparisons.loser, minlength=n
    )
    few = [comparisons.scripts[i] for i in np.flatnonzero(games < MIN_COMPARISONS)]
    if not few:
        return None
    return FitWarning(
        FEW_COMPARISONS,
        gettext_noop(
            "Scripts with fewer than %(minimum)d comparisons: %(count)d of %(total)d "
            "(%(examples)s). Their places on the scale are too uncertain to rely on."
        ),
        {"minimum": MIN_COMPARISONS, "count": len(few), "total": n, "examples": _examples(few)},
    )


def _skipped(row: SkippedRow) -> FitWarning:
    if row.repeats is not None:
        return FitWarning(
            SKIPPED_ROW,
            gettext_noop(
                "%(path)s, line %(line)d repeats line %(first)d exactly, so it is skipped."
            ),
            {"path": row.path, "line": row.line, "first": row.repeats},
        )
    return FitWarning(
        SKIPPED_ROW,
        gettext_noop(
            "%(path)s, line %(line)d compares script '%(script)s' with itself, so it is skipped."
        ),
        {"path": row.path, "line": row.line, "script": row.script},
    )
