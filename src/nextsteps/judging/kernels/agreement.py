"""Agreement between markers, for moderation: exact, within one level, kappa, alpha, generosity.

Levels are ordinal numbers (for example 1 = working towards ... 4 = greater depth). Missing
ratings are None or NaN. Formulas are in README.md beside this file; the kappa matches
scikit-learn's ``cohen_kappa_score(weights="quadratic")`` and the alpha the ``krippendorff``
package's ``alpha(level_of_measurement="ordinal")``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def _pairs(
    first: Sequence[float | None], second: Sequence[float | None]
) -> tuple[FloatArray, FloatArray]:
    """Both raters' levels where both rated, as float arrays (missing: None or NaN)."""
    if len(first) != len(second):
        raise ValueError("the two raters must rate the same items, in the same order")
    a = np.array([math.nan if x is None else float(x) for x in first])
    b = np.array([math.nan if x is None else float(x) for x in second])
    both = ~(np.isnan(a) | np.isnan(b))
    if not both.any():
        raise ValueError("no item was rated by both raters")
    return a[both], b[both]


def exact_agreement(first: Sequence[float | None], second: Sequence[float | None]) -> float:
    """Share of items both raters rated on which they gave the same level."""
    a, b = _pairs(first, second)
    return float(np.mean(a == b))


def within_one_agreement(first: Sequence[float | None], second: Sequence[float | None]) -> float:
    """Share of items both raters rated on which their levels differ by at most one."""
    a, b = _pairs(first, second)
    return float(np.mean(np.abs(a - b) <= 1))


def _positions(values: FloatArray, levels: FloatArray) -> NDArray[np.int64]:
    """Index of each value among the ordered levels; ValueError for a value not among them."""
    index = np.searchsorted(levels, values)
    inside = (index < len(levels)) & (levels[np.minimum(index, len(levels) - 1)] == values)
    if not inside.all():
        raise ValueError(f"level {values[~inside][0]:g} is not one of the levels given")
    return index.astype(np.int64)


def _levels(observed: FloatArray, levels: Sequence[float] | None) -> FloatArray:
    if levels is None:
        return np.unique(observed)
    ordered = np.asarray(levels, dtype=np.float64)
    if np.any(np.diff(ordered) <= 0):
        raise ValueError("levels must be given in increasing order, each once")
    return ordered


def quadratic_weighted_kappa(
    first: Sequence[float | None],
    second: Sequence[float | None],
    levels: Sequence[float] | None = None,
) -> float:
    """Cohen's (1968) weighted kappa with quadratic weights: 1 - sum w O / sum w E.

    O is the observed confusion matrix, E = outer(row totals, column totals) / n, and
    w_ij = (i - j)^2 with i, j positions in the ordered `levels` (default: the levels either
    rater used), exactly as scikit-learn does. NaN when undefined (a single level in use).
    """
    a, b = _pairs(first, second)
    ordered = _levels(np.concatenate([a, b]), levels)
    size = len(ordered)
    observed = np.zeros((size, size))
    np.add.at(observed, (_positions(a, ordered), _positions(b, ordered)), 1.0)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    position = np.arange(size, dtype=np.float64)
    weight = (position[:, None] - position[None, :]) ** 2
    chance = float((weight * expected).sum())
    if chance == 0.0:
        return math.nan
    return 1.0 - float((weight * observed).sum()) / chance


def krippendorff_alpha_ordinal(data: ArrayLike, levels: Sequence[float] | None = None) -> float:
    """Krippendorff's alpha, ordinal metric: 1 - (n - 1) sum o d / sum n_c n_k d.

    `data` is raters x items, NaN (or None) where a rater did not rate an item. From the
    coincidence matrix o (each item's pairs of ratings weighted 1 / (m_u - 1)), n_c = sum_k o_ck
    and d_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 (Krippendorff 2011). Items with one
    rating carry no information and drop out.
    """
    table = np.array(data, dtype=np.float64)
    if table.ndim != 2:
        raise ValueError("data must be a raters x items table")
    present = ~np.isnan(table)
    ordered = _levels(table[present], levels)
    if len(ordered) < 2:
        raise ValueError("alpha needs at least two different levels")
    counts = _value_counts(table, present, ordered)
    raters = counts.sum(axis=1)
    if not np.any(raters >= 2):
        raise ValueError("alpha needs at least one item rated by two raters")
    coincidences = _coincidences(counts, raters)
    totals = coincidences.sum(axis=0)
    distance = _ordinal_distance(totals)
    n = totals.sum()
    chance = (np.outer(totals, totals) - np.diag(totals)) / (n - 1.0)
    disagreement = float((chance * distance).sum())
    if disagreement == 0.0:
        return math.nan
    return 1.0 - float((coincidences * distance).sum()) / disagreement


def _value_counts(table: FloatArray, present: NDArray[np.bool_], ordered: FloatArray) -> FloatArray:
    """Items x levels: how many raters gave each level to each item."""
    counts = np.zeros((table.shape[1], len(ordered)))
    # np.nonzero and boolean indexing both walk the table in the same (row-major) order.
    _, item = np.nonzero(present)
    np.add.at(counts, (item, _positions(table[present], ordered)), 1.0)
    return counts


def _coincidences(counts: FloatArray, raters: FloatArray) -> FloatArray:
    """o_ck = sum over items with m_u >= 2 of (n_uc n_uk - [c = k] n_uc) / (m_u - 1)."""
    pairable = raters >= 2
    used = counts[pairable]
    weight = 1.0 / (raters[pairable] - 1.0)
    return (used.T * weight) @ used - np.diag(weight @ used)


def _ordinal_distance(totals: FloatArray) -> FloatArray:
    """d_ck = (n_c + ... + n_k - (n_c + n_k) / 2)^2 for c <= k, symmetric."""
    cumulative = np.concatenate([[0.0], np.cumsum(totals)])
    low = np.arange(len(totals))[:, None]
    high = np.arange(len(totals))[None, :]
    first, last = np.minimum(low, high), np.maximum(low, high)
    between = cumulative[last + 1] - cumulative[first]
    distances: FloatArray = (between - (totals[first] + totals[last]) / 2.0) ** 2
    return distances


@dataclass(frozen=True)
class RaterSummary:
    """A rater's generosity (positive) or severity (negative) against the agreed outcomes."""

    rater: str
    items: int
    mean_difference: float
    mean_absolute_difference: float
    exact: float


def rater_generosity(
    ratings: Iterable[tuple[Hashable, Hashable, float]],
    agreed: Mapping[Hashable, float],
) -> list[RaterSummary]:
    """Per rater, the mean signed difference (their level - the agreed level) over items.

    `ratings` are (rater, item, level); items without an agreed outcome are skipped. Positive
    means generous, negative severe; also the mean absolute difference and exact agreement.
    Raters are listed in order of their label.
    """
    differences: dict[str, list[float]] = {}
    for rater, item, level in ratings:
        if item in agreed and level is not None and not math.isnan(level):
            differences.setdefault(str(rater), []).append(float(level) - float(agreed[item]))
    return [_summary(rater, np.array(values)) for rater, values in sorted(differences.items())]


def _summary(rater: str, difference: FloatArray) -> RaterSummary:
    return RaterSummary(
        rater=rater,
        items=len(difference),
        mean_difference=float(difference.mean()),
        mean_absolute_difference=float(np.abs(difference).mean()),
        exact=float(np.mean(difference == 0)),
    )
