"""Bradley–Terry scaling of comparative judgements (Bradley and Terry 1952).

P(i beats j) = 1 / (1 + exp(-(theta_i - theta_j))). The scale is fitted by Newton's method
on the log-likelihood, each step solved by conjugate gradients on the sparse, Laplacian-shaped
Hessian, so time and memory grow with the number of judgements, never scripts squared.

Estimators (README.md beside this file gives the formulas in full):

- ``mle``: plain maximum likelihood, centred to mean 0 (or placed by anchors). The MLE is
  finite only inside a strongly connected *core*: the largest group of scripts in which every
  script both beat and lost to the rest of the group, directly or through a chain. Scripts
  outside it (those that won or lost every comparison, or groups that did so together) are
  placed layer by layer outward from the core, each from its comparisons with scripts already
  placed, holding those fixed; an all-won or all-lost record there has its score moved 0.3 of
  a comparison towards the centre (Winsteps' EXTRSC = 0.3). Only a script that itself won or
  lost every comparison is flagged ``extreme``; `Estimates.core` says which are in the core.
- ``nmm``: No More Marking's convention (R sirt ``btm``, Robitzsch): every script's wins S of
  M become eps + (M - 2 eps) S / M with eps = 0.3, and the limit of sirt's centred iteration
  (S' - E = c I for one constant c, mean 0) is solved to convergence. Should the adjusted
  scores still leave a group unbounded (a rare, sparse configuration) the core is fitted the
  same way and the rest placed by layers.
- ``prior_sd``: adds a Gaussian N(0, sd^2) prior on every unanchored script (MAP).

A design whose scripts split into groups never compared with each other is refused with
`DisconnectedDesignError`, which lists the groups; with anchors, each group needs an anchor.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from nextsteps.judging.kernels.sparse import (
    components,
    conjugate_gradients,
    distinct,
    expit,
    logit,
)

Estimator = Literal["mle", "nmm"]
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

EPSILON = 0.3  # sirt btm's eps and Winsteps' EXTRSC: a fraction of one comparison
STEP_LIMIT = 4.0  # logits per Newton step; keeps early steps in the region where p is sane
APART = 25.0  # logits between two compared scripts: odds of e^25 are certainty in practice
TOLERANCE = 1e-10  # largest change in theta, in logits, at which Newton stops
MAX_NEWTON = 200


class DisconnectedDesignError(ValueError):
    """The scripts fall into groups never compared with each other, so no common scale exists.

    `groups` lists each group's script labels, largest first; with anchors, the anchors' group
    comes first and every other group is one with no anchor.
    """

    def __init__(self, groups: list[list[str]], anchored: bool) -> None:
        self.groups = groups
        self.anchored = anchored
        loose = groups[1:] if anchored else groups
        sizes = ", ".join(str(len(group)) for group in loose[:10]) + (
            ", ..." if len(loose) > 10 else ""
        )
        if anchored:
            super().__init__(
                f"{len(loose)} group(s) of scripts (sizes {sizes}; for example "
                f"'{loose[0][0]}') are not linked by any chain of comparisons to the anchored "
                "scripts, so they cannot be placed on the anchors' scale: anchor a script in "
                "each group, or judge across the groups"
            )
            return
        examples = ", ".join(f"'{group[0]}'" for group in groups[:3])
        super().__init__(
            f"the comparisons split the scripts into {len(groups)} groups never compared with "
            f"each other (sizes {sizes}; for example {examples} are in different groups), so "
            "they have no common scale: judge across the groups, or fit each group separately"
        )


class NonConvergenceError(RuntimeError):
    """Newton's method did not settle; raised rather than returning a half-fitted scale."""


@dataclass(frozen=True)
class Comparisons:
    """Judgements as integer indices into `scripts` and `judges` (one entry a judgement)."""

    scripts: tuple[str, ...]
    judges: tuple[str, ...]
    winner: IntArray
    loser: IntArray
    judge: IntArray

    @classmethod
    def from_labels(cls, judgements: Iterable[tuple[str, str, str]]) -> Comparisons:
        """Index `(judge, winner, loser)` labels; scripts and judges are sorted by label."""
        rows = list(judgements)
        if not rows:
            raise ValueError("there are no comparisons to fit")
        judges, winners, losers = zip(*rows, strict=True)
        return cls.from_columns(judges, winners, losers)

    @classmethod
    def from_columns(
        cls, judges: Sequence[str], winners: Sequence[str], losers: Sequence[str]
    ) -> Comparisons:
        """Index three equal-length label columns; scripts and judges are sorted by label.

        Labels are numbered through a dictionary (one C-level lookup a cell), not by sorting
        an array of Python strings."""
        count = len(winners)
        if not count:
            raise ValueError("there are no comparisons to fit")
        if not len(judges) == len(losers) == count:
            raise ValueError("the judge, winner and loser columns differ in length")
        scripts = sorted({*winners, *losers})
        judge_labels = sorted(set(judges))
        script_number = {label: i for i, label in enumerate(scripts)}.__getitem__
        judge_number = {label: i for i, label in enumerate(judge_labels)}.__getitem__
        winner = np.fromiter(map(script_number, winners), dtype=np.int64, count=count)
        loser = np.fromiter(map(script_number, losers), dtype=np.int64, count=count)
        if np.any(winner == loser):
            raise ValueError("a script cannot be compared with itself")
        return cls(
            scripts=tuple(scripts),
            judges=tuple(judge_labels),
            winner=winner,
            loser=loser,
            judge=np.fromiter(map(judge_number, judges), dtype=np.int64, count=count),
        )

    @classmethod
    def from_codes(
        cls,
        scripts: Sequence[str],
        judges: Sequence[str],
        winner: IntArray,
        loser: IntArray,
        judge: IntArray,
    ) -> Comparisons:
        """Judgements already numbered: `winner` and `loser` index `scripts`, `judge` indexes
        `judges`, both sorted by label (as `from_columns` numbers them)."""
        count = len(winner)
        if not count:
            raise ValueError("there are no comparisons to fit")
        if not len(judge) == len(loser) == count:
            raise ValueError("the judge, winner and loser columns differ in length")
        if np.any(winner == loser):
            raise ValueError("a script cannot be compared with itself")
        return cls(
            scripts=tuple(scripts),
            judges=tuple(judges),
            winner=np.asarray(winner, dtype=np.int64),
            loser=np.asarray(loser, dtype=np.int64),
            judge=np.asarray(judge, dtype=np.int64),
        )


@dataclass(frozen=True)
class ScriptEstimate:
    """One script's place on the scale and how well its comparisons fit the model."""

    script: str
    theta: float
    se: float
    infit: float
    outfit: float
    comparisons: int
    wins: int
    extreme: bool
    anchored: bool


@dataclass(frozen=True)
class JudgeFit:
    """How consistent one judge's decisions are with the fitted scale."""

    judge: str
    infit: float
    outfit: float
    comparisons: int
    misfit: bool


@dataclass(frozen=True)
class Fit:
    """A fitted scale: scripts (in input index order), judges and Scale Separation Reliability."""

    estimator: Estimator
    scripts: list[ScriptEstimate]
    judges: list[JudgeFit]
    ssr: float | None


@dataclass(frozen=True)
class Estimates:
    """Array-level result of `estimate`, by script index.

    `extreme`: the script won every comparison or lost every one (a fact of its record).
    `core`: the script is in the strongly connected core, where the MLE is finite; scripts
    outside it are placed by layers (see the module docstring).
    """

    theta: FloatArray
    extreme: BoolArray
    core: BoolArray


# --------------------------------------------------------------------------- design


@dataclass(frozen=True)
class _Design:
    """Judgements aggregated to unordered pairs (first < second): the Hessian's sparse pattern."""

    n: int
    first: IntArray
    second: IntArray
    count: FloatArray
    wins: FloatArray  # per script
    games: FloatArray  # per script

    @classmethod
    def build(cls, n: int, winner: IntArray, loser: IntArray) -> _Design:
        low, high = np.minimum(winner, loser), np.maximum(winner, loser)
        ordered = np.sort(low * n + high)
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        keys = ordered[starts]
        count = np.diff(np.r_[starts, len(ordered)])
        first, second = keys // n, keys % n
        wins = np.bincount(winner, minlength=n)
        return cls(
            n=n,
            first=first,
            second=second,
            count=count.astype(np.float64),
            wins=wins.astype(np.float64),
            games=(wins + np.bincount(loser, minlength=n)).astype(np.float64),
        )

    def degree(self, weight: FloatArray) -> FloatArray:
        """Each script's total pair weight: the diagonal of the weighted graph Laplacian."""
        return _sums(self.first, weight, self.n) + _sums(self.second, weight, self.n)

    def adjacent(self, weight: FloatArray, x: FloatArray) -> FloatArray:
        """W x for the symmetric weighted adjacency W of the compared pairs."""
        return _sums(self.first, weight * x[self.second], self.n) + _sums(
            self.second, weight * x[self.first], self.n
        )

    def information(self, p: FloatArray) -> FloatArray:
        """Fisher information per script, sum of count p (1 - p) over its pairs."""
        weight = self.count * p * (1.0 - p)
        return _sums(self.first, weight, self.n) + _sums(self.second, weight, self.n)

    def expected(self, p: FloatArray) -> FloatArray:
        """Expected wins per script when `first` beats `second` with probability p."""
        first_wins = self.count * p
        return _sums(self.first, first_wins, self.n) + _sums(
            self.second, self.count - first_wins, self.n
        )


# --------------------------------------------------------------------------- Newton


@dataclass(frozen=True)
class _Problem:
    """Maximise target . theta - sum count log(e^ti + e^tj) - precision |theta_free|^2 / 2."""

    design: _Design
    target: FloatArray
    free: IntArray
    precision: float
    centre: bool  # no anchors and no prior: fix the location by mean 0
    watch: bool = False  # the maximum may not exist (adjusted scores): watch for divergence


class _Diverged(ArithmeticError):
    """The objective has no finite maximum: some group runs off to infinity."""


def _objective(problem: _Problem, theta: FloatArray) -> float:
    design = problem.design
    a, b = theta[design.first], theta[design.second]
    # log(e^a + e^b) = max(a, b) + log1p(e^-|a - b|), cheaper than np.logaddexp here
    pairs = np.maximum(a, b) + np.log1p(np.exp(-np.abs(a - b)))
    penalty = 0.5 * problem.precision * float(np.dot(theta[problem.free], theta[problem.free]))
    return float(np.dot(design.count, pairs) - np.dot(problem.target, theta)) + penalty


def _gradient(problem: _Problem, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Ascent direction pieces: the free gradient and the pair probabilities p(first wins)."""
    design = problem.design
    p = expit(theta[design.first] - theta[design.second])
    gradient = (problem.target - design.expected(p) - problem.precision * theta)[problem.free]
    if problem.centre:
        # The location is not identified; project onto mean-zero moves (a Lagrange multiplier).
        gradient -= gradient.mean()
    return gradient, p


def _newton_step(problem: _Problem, gradient: FloatArray, p: FloatArray) -> FloatArray:
    """Solve H step = gradient by Jacobi-preconditioned conjugate gradients (Hessian is sparse)."""
    design, free = problem.design, problem.free
    weight = design.count * p * (1.0 - p)
    degree = design.degree(weight) + problem.precision
    n = design.n
    restricted = len(free) < n
    # Without a prior or anchors, H is singular along the constant vector; adding 11'/n makes
    # it positive definite without changing the solution for a mean-zero right-hand side.
    shift = 1.0 / n if problem.centre else 0.0
    full = np.zeros(n)

    def apply(x: FloatArray) -> FloatArray:
        if not restricted:
            result: FloatArray = degree * x - design.adjacent(weight, x) + shift * x.sum()
            return result
        full[free] = x
        return (degree * full - design.adjacent(weight, full))[free]

    diagonal = degree[free] + shift
    size = float(np.abs(gradient).max())
    # Inexact Newton: loose solves far from the optimum, tight ones near it.
    rtol = min(1e-2, max(size, 1e-12))
    return conjugate_gradients(apply, gradient, diagonal, rtol=rtol, maxiter=10 * len(free) + 100)


def _solve(problem: _Problem, start: FloatArray) -> FloatArray:
    """Damped Newton with Armijo backtracking; stops when the largest change is below tolerance."""
    theta = start.copy()
    if len(problem.free) == 0:
        return theta
    value = _objective(problem, theta)
    for _ in range(MAX_NEWTON):
        gradient, p = _gradient(problem, theta)
        step = _newton_step(problem, gradient, p)
        largest = float(np.abs(step).max())
        if largest > STEP_LIMIT:
            step *= STEP_LIMIT / largest
        theta, value, moved = _line_search(problem, theta, value, step, gradient)
        if moved < TOLERANCE:
            return theta
        if problem.watch and _apart(problem.design, theta):
            raise _Diverged
    if problem.watch:
        raise _Diverged
    raise NonConvergenceError(
        f"the scale did not settle after {MAX_NEWTON} Newton steps; "
        "try --estimator nmm or a --prior"
    )


def _apart(design: _Design, theta: FloatArray) -> bool:
    """Whether two compared scripts have drifted so far apart that the fit is running away.

    When no finite maximum exists, Newton's steps keep a constant size along the escape
    direction, so the gap grows until this trips; at a true maximum it never comes near.
    """
    if not len(design.first):
        return False
    return bool(np.abs(theta[design.first] - theta[design.second]).max() > APART)


def _solve_sirt(problem: _Problem, start: FloatArray) -> FloatArray:
    """The limit of sirt btm's centred iteration: S' - E = c I for one constant c, mean 0.

    sirt adds (S' - E) / I to theta and re-centres, so it stops where (S' - E) / I is the same
    for every script; with adjusted scores sum S' differs from the number of comparisons N, and
    c = (sum S' - N) / sum I. Solved by Newton steps on the Laplacian (the c term's small
    derivative left out), halving a step whenever it would not reduce the residual.
    """
    design = problem.design
    theta = start.copy()
    residual = _sirt_residual(problem, theta)
    for _ in range(MAX_NEWTON):
        p = expit(theta[design.first] - theta[design.second])
        step = _newton_step(problem, residual, p)
        largest = float(np.abs(step).max())
        if largest > STEP_LIMIT:
            step *= STEP_LIMIT / largest
        theta, residual, moved = _residual_search(problem, theta, residual, step)
        if moved < TOLERANCE:
            return theta
        if _apart(design, theta):
            raise _Diverged
    raise _Diverged


def _sirt_residual(problem: _Problem, theta: FloatArray) -> FloatArray:
    design = problem.design
    p = expit(theta[design.first] - theta[design.second])
    information = design.information(p)
    constant = (problem.target.sum() - design.count.sum()) / information.sum()
    residual: FloatArray = problem.target - design.expected(p) - constant * information
    return residual


def _residual_search(
    problem: _Problem, theta: FloatArray, residual: FloatArray, step: FloatArray
) -> tuple[FloatArray, FloatArray, float]:
    """Halve the step until the residual shrinks; near the answer a full step is trusted."""
    size = float(np.linalg.norm(residual))
    scale = 1.0
    for _ in range(40):
        trial = theta + scale * step
        trial_residual = _sirt_residual(problem, trial)
        if float(np.linalg.norm(trial_residual)) < size or size < 1e-12:
            return trial, trial_residual, scale * float(np.abs(step).max())
        scale *= 0.5
    return theta, residual, 0.0


def _line_search(
    problem: _Problem, theta: FloatArray, value: float, step: FloatArray, gradient: FloatArray
) -> tuple[FloatArray, float, float]:
    """Halve the step until the objective falls enough (Armijo); returns theta, value, move."""
    slope = float(np.dot(gradient, step))
    scale = 1.0
    for _ in range(40):
        trial = theta.copy()
        trial[problem.free] += scale * step
        trial_value = _objective(problem, trial)
        # Near the optimum the objective's change is below rounding; a full Newton step is
        # then trusted, which is what gives quadratic convergence at the end.
        if trial_value <= value - 1e-4 * scale * slope or slope < 1e-12 * max(1.0, abs(value)):
            return trial, trial_value, scale * float(np.abs(step).max())
        scale *= 0.5
    return theta, value, 0.0


def _start(design: _Design, target: FloatArray, fixed: FloatArray | None) -> FloatArray:
    """Logit of each script's (smoothed) proportion of wins: a start near the answer."""
    theta = logit((target + 0.5) / (design.games + 1.0))
    if fixed is None:
        centred: FloatArray = theta - theta.mean()
        return centred
    known = ~np.isnan(fixed)
    theta += fixed[known].mean() - theta[known].mean()
    theta[known] = fixed[known]
    return theta


# --------------------------------------------------------------------------- structure


def _merge_anchors(n: int, anchors: IntArray) -> IntArray:
    """Node labels with every anchored script merged into one node (they share a known scale)."""
    label = np.arange(n, dtype=np.int64)
    if len(anchors):
        label[anchors] = anchors[0]
    return label


def _components(n: int, first: IntArray, second: IntArray, strong: bool) -> tuple[int, IntArray]:
    return components(n, first, second, strong)


def groups(n: int, winner: IntArray, loser: IntArray, anchors: IntArray) -> list[IntArray]:
    """Groups of scripts never compared with each other (anchored scripts count as linked)."""
    label = _merge_anchors(n, anchors)
    count, component = _components(n, label[winner], label[loser], strong=False)
    component = component[label]
    members = [np.flatnonzero(component == c) for c in range(count)]
    members = [m for m in members if len(m)]
    return sorted(members, key=lambda m: (-len(m), int(m[0])))


def core(n: int, winner: IntArray, loser: IntArray, anchors: IntArray) -> BoolArray:
    """The strongly connected core in which the MLE is finite (the anchors' group if anchored).

    Ford (1957): the MLE exists when, however the scripts are split in two, each side beat the
    other at least once; that holds inside a strongly connected component of the win graph.
    """
    label = _merge_anchors(n, anchors)
    _, component = _components(n, label[winner], label[loser], strong=True)
    component = component[label]
    if len(anchors):
        return np.asarray(component == component[anchors[0]])
    sizes = np.bincount(component)
    return np.asarray(component == int(np.argmax(sizes)))


# --------------------------------------------------------------------------- layers


def _place_outside(
    theta: FloatArray,
    placed: BoolArray,
    winner: IntArray,
    loser: IntArray,
    adjust_all: bool,
) -> FloatArray:
    """Place unplaced scripts layer by layer, each from comparisons with scripts already placed.

    Solves sum_k sigma(theta_i - theta_k) = t_i over those comparisons k, with t_i the wins,
    moved EPSILON towards the centre when they are all or nothing (always, if `adjust_all`).
    """
    theta, placed = theta.copy(), placed.copy()
    n = len(theta)
    while not placed.all():
        crossing = placed[winner] != placed[loser]
        if not crossing.any():
            raise AssertionError("unplaced scripts are not linked to the core")  # pragma: no cover
        w, lo = winner[crossing], loser[crossing]
        won = ~placed[w]
        script = np.where(won, w, lo)
        opponent = theta[np.where(won, lo, w)]
        games = np.bincount(script, minlength=n).astype(np.float64)
        wins = _sums(script, won.astype(np.float64), n)
        layer = games > 0
        target = _adjusted(wins, games, adjust_all)
        theta[layer] = _solve_layer(script, opponent, target, games, n)[layer]
        placed |= layer
    return theta


def _adjusted(wins: FloatArray, games: FloatArray, adjust_all: bool) -> FloatArray:
    safe = np.maximum(games, 1.0)
    moved = EPSILON + (games - 2.0 * EPSILON) * wins / safe
    if adjust_all:
        return moved
    extreme = (wins == 0) | (wins == games)
    return np.where(extreme, moved, wins)


def _solve_layer(
    script: IntArray, opponent: FloatArray, target: FloatArray, games: FloatArray, n: int
) -> FloatArray:
    """Vectorised safeguarded Newton for each script's one-dimensional score equation."""
    share = logit(np.clip(target / np.maximum(games, 1.0), 1e-12, 1 - 1e-12))
    low = np.full(n, np.inf)
    high = np.full(n, -np.inf)
    np.minimum.at(low, script, opponent)
    np.maximum.at(high, script, opponent)
    active = games > 0
    # The root lies between these: every opponent as strong as the weakest, or the strongest.
    low = np.where(active, low + share, 0.0)
    high = np.where(active, high + share, 0.0)
    theta = 0.5 * (low + high)
    for _ in range(200):
        p = expit(theta[script] - opponent)
        excess = _sums(script, p, n) - target
        if np.all(np.abs(excess[active]) <= 1e-12 * games[active]):
            break
        slope = _sums(script, p * (1 - p), n)
        high = np.where(excess > 0, theta, high)
        low = np.where(excess <= 0, theta, low)
        newton = theta - excess / np.maximum(slope, 1e-300)
        inside = (newton >= low) & (newton <= high)
        theta = np.where(inside, newton, 0.5 * (low + high))
    placed: FloatArray = theta
    return placed


# --------------------------------------------------------------------------- estimate


def estimate(
    n: int,
    winner: IntArray,
    loser: IntArray,
    *,
    estimator: Estimator = "mle",
    anchor_index: Sequence[int] | IntArray = (),
    anchor_theta: Sequence[float] | FloatArray = (),
    prior_sd: float | None = None,
    labels: Sequence[str] | None = None,
) -> Estimates:
    """Fit theta for scripts 0..n-1 from judgements `winner[k]` beat `loser[k]`.

    Raises DisconnectedDesignError for unlinked groups, ValueError for bad arguments.
    """
    winner, loser = np.asarray(winner, dtype=np.int64), np.asarray(loser, dtype=np.int64)
    anchors = np.asarray(anchor_index, dtype=np.int64)
    values = np.asarray(anchor_theta, dtype=np.float64)
    _check_arguments(n, winner, loser, anchors, values, estimator, prior_sd)
    found = groups(n, winner, loser, anchors)
    if len(anchors):
        # The anchors' group first: the others are the ones that cannot be placed.
        found.sort(key=lambda members: not np.isin(anchors[0], members))
    if len(found) > 1:
        names = labels if labels is not None else [str(i) for i in range(n)]
        raise DisconnectedDesignError([[names[i] for i in g] for g in found], bool(len(anchors)))
    fixed = np.full(n, np.nan)
    fixed[anchors] = values
    inside = core(n, winner, loser, anchors)
    extreme = all_or_nothing(n, winner, loser)
    precision = 0.0 if prior_sd is None else 1.0 / prior_sd**2
    if precision > 0.0:
        theta = _fit_joint(n, winner, loser, fixed, precision, estimator == "nmm")
    elif estimator == "nmm":
        theta = _fit_nmm(n, winner, loser, fixed, inside)
    else:
        theta = _fit_mle(n, winner, loser, fixed, inside)
    if not len(anchors) and precision == 0.0:
        theta -= theta.mean()
    # With a core of one script no MLE exists for anyone.
    finite = inside if inside.sum() > 1 or len(anchors) else np.zeros(n, dtype=bool)
    return Estimates(theta=theta, extreme=extreme, core=finite)


def all_or_nothing(n: int, winner: IntArray, loser: IntArray) -> BoolArray:
    """Scripts that won every one of their comparisons or lost every one."""
    wins = np.bincount(winner, minlength=n)
    losses = np.bincount(loser, minlength=n)
    return np.asarray((wins + losses > 0) & ((wins == 0) | (losses == 0)))


def _check_arguments(
    n: int,
    winner: IntArray,
    loser: IntArray,
    anchors: IntArray,
    values: FloatArray,
    estimator: str,
    prior_sd: float | None,
) -> None:
    if estimator not in ("mle", "nmm"):
        raise ValueError(f"unknown estimator '{estimator}': use 'mle' or 'nmm'")
    if prior_sd is not None and not (math.isfinite(prior_sd) and prior_sd > 0):
        raise ValueError("the prior's standard deviation must be a positive number")
    if len(winner) == 0 or len(winner) != len(loser):
        raise ValueError("winner and loser must be equally long and not empty")
    if np.any(winner == loser):
        raise ValueError("a script cannot be compared with itself")
    if min(winner.min(), loser.min()) < 0 or max(winner.max(), loser.max()) >= n:
        raise ValueError("script indices must lie in 0..n-1")
    # Not np.unique: it asks numpy.ma whether the array is masked, and importing numpy.ma
    # is a tenth of the command's start-up.
    if len(anchors) != len(values) or len(distinct(anchors)) != len(anchors):
        raise ValueError("each anchored script needs exactly one value")
    if len(values) and not np.all(np.isfinite(values)):
        raise ValueError("anchor values must be finite numbers")
    if len(anchors) and (anchors.min() < 0 or anchors.max() >= n):
        raise ValueError("anchored script indices must lie in 0..n-1")


def _problem(
    design: _Design, target: FloatArray, fixed: FloatArray, precision: float, watch: bool
) -> _Problem:
    free = np.flatnonzero(np.isnan(fixed)).astype(np.int64)
    centre = precision == 0.0 and len(free) == design.n
    return _Problem(design, target, free, precision, centre, watch=watch)


def _fit_joint(
    n: int, winner: IntArray, loser: IntArray, fixed: FloatArray, precision: float, nmm: bool
) -> FloatArray:
    design = _Design.build(n, winner, loser)
    target = _adjusted(design.wins, design.games, True) if nmm else design.wins
    problem = _problem(design, target, fixed, precision, watch=nmm and precision == 0.0)
    theta = _solve(problem, _start(design, target, _known(fixed)))
    if nmm and problem.centre:
        # The concave problem first: it diverges exactly when adjusted scores leave a group
        # unbounded, which sirt's own limit can hide behind a stretched scale.
        theta = _solve_sirt(problem, theta)
    return theta


def _known(fixed: FloatArray) -> FloatArray | None:
    return fixed if np.any(~np.isnan(fixed)) else None


def _fit_nmm(
    n: int, winner: IntArray, loser: IntArray, fixed: FloatArray, inside: BoolArray
) -> FloatArray:
    """sirt's eps-adjusted scores solved jointly; if a group stays unbounded, core then layers."""
    try:
        return _fit_joint(n, winner, loser, fixed, 0.0, nmm=True)
    except _Diverged:
        theta = _fit_core(n, winner, loser, fixed, inside, nmm=True)
        return _place_outside(theta, inside, winner, loser, adjust_all=True)


def _fit_mle(
    n: int, winner: IntArray, loser: IntArray, fixed: FloatArray, inside: BoolArray
) -> FloatArray:
    """Plain MLE inside the core; extreme scripts placed outward from it by layers."""
    theta = _fit_core(n, winner, loser, fixed, inside, nmm=False)
    if inside.all():
        return theta
    return _place_outside(theta, inside, winner, loser, adjust_all=False)


def _fit_core(
    n: int, winner: IntArray, loser: IntArray, fixed: FloatArray, inside: BoolArray, nmm: bool
) -> FloatArray:
    """Fit the core on its own comparisons (scripts renumbered), the rest left at 0."""
    members = np.flatnonzero(inside)
    number = np.full(n, -1, dtype=np.int64)
    number[members] = np.arange(len(members))
    keep = inside[winner] & inside[loser]
    theta = np.zeros(n)
    if len(members) == 1:
        theta[members] = 0.0 if np.isnan(fixed[members[0]]) else fixed[members[0]]
        return theta
    sub = _fit_joint(
        len(members), number[winner[keep]], number[loser[keep]], fixed[members], 0.0, nmm
    )
    theta[members] = sub
    return theta


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class _Residuals:
    """Per-judgement pieces of the fit statistics, p = P(the chosen script wins)."""

    information: FloatArray  # p (1 - p)
    squared: FloatArray  # (1 - p)^2, the squared residual of the choice
    standardised: FloatArray  # (1 - p) / p, the squared standardised residual


def _residuals(theta: FloatArray, winner: IntArray, loser: IntArray) -> _Residuals:
    p = expit(theta[winner] - theta[loser])
    q = expit(theta[loser] - theta[winner])  # 1 - p without cancellation when p is near 1
    return _Residuals(information=p * q, squared=q * q, standardised=q / p)


def _sums(index: IntArray, values: FloatArray, n: int) -> FloatArray:
    """Sum of `values` by index (0..n-1)."""
    return np.bincount(index, weights=values, minlength=n).astype(np.float64, copy=False)


def script_statistics(
    theta: FloatArray, winner: IntArray, loser: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Standard error, infit and outfit per script (Rasch fit over its comparisons).

    For each comparison k of script i, with p_k the model's probability of the observed result,
    the residual is the same for both scripts: r_k^2 = (1 - p_k)^2, variance p_k (1 - p_k).
    se = 1 / sqrt(sum p(1-p)); infit = sum r^2 / sum p(1-p); outfit = mean r^2 / (p(1-p)).
    """
    n = len(theta)
    r = _residuals(theta, winner, loser)
    both = np.concatenate([winner, loser])
    information = _sums(both, np.concatenate([r.information, r.information]), n)
    squared = _sums(both, np.concatenate([r.squared, r.squared]), n)
    standardised = _sums(both, np.concatenate([r.standardised, r.standardised]), n)
    games = np.bincount(both, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = 1.0 / np.sqrt(information)
        infit = squared / information
        outfit = standardised / games
    return se, infit, outfit


def judge_statistics(
    theta: FloatArray, winner: IntArray, loser: IntArray, judge: IntArray, n_judges: int
) -> tuple[FloatArray, FloatArray, IntArray, BoolArray]:
    """Infit, outfit, comparisons and misfit flag per judge.

    With p the model's probability of the choice made: infit = sum (1-p)^2 / sum p(1-p),
    outfit = mean (1-p)^2 / (p(1-p)); misfit when infit > mean + 2 SD (n - 1) of all judges'.
    """
    r = _residuals(theta, winner, loser)
    information = _sums(judge, r.information, n_judges)
    count = np.bincount(judge, minlength=n_judges)
    with np.errstate(divide="ignore", invalid="ignore"):
        infit = _sums(judge, r.squared, n_judges) / information
        outfit = _sums(judge, r.standardised, n_judges) / count
    return infit, outfit, count.astype(np.int64), misfitting(infit)


def misfitting(infit: FloatArray) -> BoolArray:
    """Flag values above the mean + 2 SD (sample SD, n - 1) of all values; none with < 2."""
    finite = infit[np.isfinite(infit)]
    if len(finite) < 2:
        return np.zeros(len(infit), dtype=bool)
    limit = finite.mean() + 2.0 * finite.std(ddof=1)
    return np.asarray(infit > limit)


def scale_separation_reliability(theta: FloatArray, se: FloatArray) -> float | None:
    """SSR = (observed variance (n - 1) - mean squared SE) / observed variance, or None."""
    if len(theta) < 2:
        return None
    variance = float(np.var(theta, ddof=1))
    if variance <= 0.0 or not np.all(np.isfinite(se)):
        return None
    return (variance - float(np.mean(se**2))) / variance


# --------------------------------------------------------------------------- fit


def fit(
    comparisons: Comparisons,
    *,
    estimator: Estimator = "mle",
    anchors: Mapping[str, float] | None = None,
    prior_sd: float | None = None,
) -> Fit:
    """Fit the scale and every statistic for labelled comparisons.

    Anchors name scripts by label; one not in the comparisons raises KeyError. SSR is over the
    unanchored scripts, whose theta is measured rather than given.
    """
    index = {script: i for i, script in enumerate(comparisons.scripts)}
    anchors = dict(anchors or {})
    missing = [script for script in anchors if script not in index]
    if missing:
        raise KeyError(missing[0])
    anchor_index = np.array([index[s] for s in anchors], dtype=np.int64)
    result = estimate(
        len(comparisons.scripts),
        comparisons.winner,
        comparisons.loser,
        estimator=estimator,
        anchor_index=anchor_index,
        anchor_theta=np.array(list(anchors.values()), dtype=np.float64),
        prior_sd=prior_sd,
        labels=comparisons.scripts,
    )
    return _assemble(comparisons, result, anchor_index, estimator)


def _assemble(
    comparisons: Comparisons, result: Estimates, anchor_index: IntArray, estimator: Estimator
) -> Fit:
    theta, winner, loser = result.theta, comparisons.winner, comparisons.loser
    n = len(theta)
    se, infit, outfit = script_statistics(theta, winner, loser)
    games = np.bincount(winner, minlength=n) + np.bincount(loser, minlength=n)
    wins = np.bincount(winner, minlength=n)
    anchored = np.zeros(n, dtype=bool)
    anchored[anchor_index] = True
    # Columns as Python lists first: one conversion a column, not one a NumPy scalar.
    columns = zip(
        comparisons.scripts,
        theta.astype(np.float64).tolist(),
        se.astype(np.float64).tolist(),
        infit.astype(np.float64).tolist(),
        outfit.astype(np.float64).tolist(),
        games.astype(np.int64).tolist(),
        wins.astype(np.int64).tolist(),
        result.extreme.astype(bool).tolist(),
        anchored.tolist(),
        strict=True,
    )
    scripts = [
        ScriptEstimate(
            script=label,
            theta=value,
            se=error,
            infit=inside,
            outfit=outside,
            comparisons=count,
            wins=won,
            extreme=extreme,
            anchored=fixed,
        )
        for label, value, error, inside, outside, count, won, extreme, fixed in columns
    ]
    judge_infit, judge_outfit, count, misfit = judge_statistics(
        theta, winner, loser, comparisons.judge, len(comparisons.judges)
    )
    judges = [
        JudgeFit(
            label, float(judge_infit[j]), float(judge_outfit[j]), int(count[j]), bool(misfit[j])
        )
        for j, label in enumerate(comparisons.judges)
    ]
    ssr = scale_separation_reliability(theta[~anchored], se[~anchored])
    return Fit(estimator=estimator, scripts=scripts, judges=judges, ssr=ssr)


# --------------------------------------------------------------------------- grades


@dataclass(frozen=True)
class Boundary:
    """The lowest theta at which `grade` is awarded."""

    grade: str
    theta: float


def grade_boundaries(
    exemplars: Iterable[tuple[str, float]], order: Sequence[str]
) -> list[Boundary]:
    """Boundaries from standard exemplars: each grade starts at the mean theta of its exemplars.

    `exemplars` are (grade, theta) for scripts chosen to sit just at a grade's standard; `order`
    lists grades from lowest to highest. Grades without exemplars are skipped; boundaries must
    rise with the grades, or the exemplars contradict each other and ValueError is raised.
    """
    placed: dict[str, list[float]] = {}
    for grade, theta in exemplars:
        if grade not in order:
            raise ValueError(f"exemplar grade '{grade}' is not one of {', '.join(order)}")
        placed.setdefault(grade, []).append(float(theta))
    boundaries = [Boundary(g, float(np.mean(placed[g]))) for g in order if g in placed]
    for lower, upper in zip(boundaries, boundaries[1:], strict=False):
        if upper.theta <= lower.theta:
            raise ValueError(
                f"the exemplars for '{upper.grade}' sit at or below those for '{lower.grade}' "
                f"({upper.theta:.2f} <= {lower.theta:.2f})"
            )
    return boundaries


def grade_for(theta: float, boundaries: Sequence[Boundary]) -> str | None:
    """The highest grade whose boundary theta reaches; None below the lowest boundary."""
    grade = None
    for boundary in boundaries:
        if theta >= boundary.theta:
            grade = boundary.grade
    return grade


def win_probability(theta: float | None, other: float | None) -> float | None:
    """The chance the model gives a script at `theta` of beating one at `other` (None when
    either is not placed on the scale)."""
    if theta is None or other is None:
        return None
    return 1.0 / (1.0 + math.exp(-(theta - other)))
