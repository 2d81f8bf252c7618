"""Bradley–Terry fit: agreement with choix, hand-checked statistics, extremes, prior, nmm."""

from __future__ import annotations

import math

import choix
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, logit

from nextsteps.judging.kernels.bradley_terry import (
    Boundary,
    Comparisons,
    DisconnectedDesignError,
    estimate,
    fit,
    grade_boundaries,
    grade_for,
    misfitting,
    scale_separation_reliability,
)


def simulate(n: int, m: int, seed: int, spread: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of distinct scripts, outcomes drawn from the model with theta ~ N(0, spread)."""
    rng = np.random.default_rng(seed)
    true = rng.normal(scale=spread, size=n)
    a = rng.integers(0, n, m)
    b = (a + rng.integers(1, n, m)) % n
    won = rng.random(m) < expit(true[a] - true[b])
    return np.where(won, a, b), np.where(won, b, a)


def strongly_connected(n: int, winner: np.ndarray, loser: np.ndarray) -> bool:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(winner)), (winner, loser)), shape=(n, n))
    count, _ = connected_components(graph, directed=True, connection="strong")
    return bool(count == 1)


def sirt_btm(n: int, winner: np.ndarray, loser: np.ndarray, iterations: int) -> np.ndarray:
    """A literal transcription of R sirt's btm() iteration (no ties, no home effect)."""
    wins = np.bincount(winner, minlength=n).astype(float)
    games = wins + np.bincount(loser, minlength=n)
    score = 0.3 + (games - 0.6) * wins / games
    theta = logit((score / games + 0.1) / 1.2)
    theta -= theta.mean()
    for _ in range(iterations):
        p = expit(theta[winner] - theta[loser])
        expected = np.bincount(winner, p, n) + np.bincount(loser, 1 - p, n)
        information = np.bincount(winner, p * (1 - p), n) + np.bincount(loser, p * (1 - p), n)
        theta = theta + (score - expected) / information
        theta -= theta.mean()
    return theta


# --------------------------------------------------------------------------- against choix


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_mle_agrees_with_choix_ilsr_within_a_thousandth_after_centring(seed: int) -> None:
    winner, loser = simulate(150, 3000, seed)
    assert strongly_connected(150, winner, loser)
    ours = estimate(150, winner, loser).theta
    theirs = choix.ilsr_pairwise(150, list(zip(winner, loser, strict=True)), tol=1e-10)
    assert np.abs(ours - (theirs - theirs.mean())).max() < 1e-3
    assert abs(ours.mean()) < 1e-12


def test_mle_agrees_with_choix_opt_pairwise_within_a_thousandth_after_centring() -> None:
    winner, loser = simulate(80, 1200, seed=5)
    assert strongly_connected(80, winner, loser)
    ours = estimate(80, winner, loser).theta
    theirs = choix.opt_pairwise(80, list(zip(winner, loser, strict=True)), alpha=0.0, tol=1e-10)
    assert np.abs(ours - (theirs - theirs.mean())).max() < 1e-3


def test_prior_gives_choix_map_estimate_with_the_same_gaussian_prior() -> None:
    winner, loser = simulate(60, 400, seed=11)
    sd = 1.5
    ours = estimate(60, winner, loser, prior_sd=sd).theta
    # choix penalises alpha * sum(theta^2): a N(0, sd^2) prior is alpha = 1 / (2 sd^2).
    data = list(zip(winner, loser, strict=True))
    theirs = choix.opt_pairwise(60, data, alpha=1 / (2 * sd**2), tol=1e-10)
    assert np.abs(ours - theirs).max() < 1e-6


def test_prior_keeps_scripts_that_won_everything_finite_and_shrinks_them() -> None:
    winner = np.array([0, 0, 1, 2, 1])
    loser = np.array([1, 2, 2, 1, 3])
    loose = estimate(4, winner, loser, prior_sd=10.0).theta
    tight = estimate(4, winner, loser, prior_sd=0.5).theta
    assert np.all(np.isfinite(loose)) and np.all(np.isfinite(tight))
    assert abs(tight[0]) < abs(loose[0])


# --------------------------------------------------------------------------- hand-checked


def two_scripts() -> Comparisons:
    # A beat B twice (judge J1), B beat A once (judge J2).
    return Comparisons.from_labels([("J1", "A", "B"), ("J1", "A", "B"), ("J2", "B", "A")])


def test_two_scripts_fit_the_odds_of_their_record_centred() -> None:
    result = fit(two_scripts())
    a, b = result.scripts
    assert a.theta == pytest.approx(math.log(2) / 2, abs=1e-12)
    assert b.theta == pytest.approx(-math.log(2) / 2, abs=1e-12)
    assert (a.comparisons, a.wins, b.comparisons, b.wins) == (3, 2, 3, 1)
    assert not a.extreme and not b.extreme


def test_two_scripts_standard_error_infit_and_outfit_match_the_hand_calculation() -> None:
    # p(A beats B) = 2/3, so each comparison carries information 2/9: se = 1 / sqrt(6/9).
    # Squared residuals of the observed results: (1/3)^2, (1/3)^2, (2/3)^2 -> infit 1;
    # standardised: 1/2, 1/2, 2 -> outfit 1.
    for script in fit(two_scripts()).scripts:
        assert script.se == pytest.approx(1 / math.sqrt(6 / 9), abs=1e-9)
        assert script.infit == pytest.approx(1.0, abs=1e-9)
        assert script.outfit == pytest.approx(1.0, abs=1e-9)


def test_two_scripts_judge_fit_matches_the_hand_calculation() -> None:
    # J1 chose the likelier script (p = 2/3) twice: infit (2/9) / (4/9) = 0.5, outfit 0.5.
    # J2 chose the unlikelier (p = 1/3): infit (4/9) / (2/9) = 2, outfit (2/3) / (1/3) = 2.
    j1, j2 = fit(two_scripts()).judges
    assert (j1.judge, j1.comparisons) == ("J1", 2)
    assert j1.infit == pytest.approx(0.5, abs=1e-9)
    assert j1.outfit == pytest.approx(0.5, abs=1e-9)
    assert j2.infit == pytest.approx(2.0, abs=1e-9)
    assert j2.outfit == pytest.approx(2.0, abs=1e-9)


def test_two_scripts_reliability_is_the_formula_even_when_negative() -> None:
    result = fit(two_scripts())
    variance = 2 * (math.log(2) / 2) ** 2  # n - 1 = 1
    expected = (variance - 1.5) / variance  # se^2 = 1.5 for both
    assert result.ssr == pytest.approx(expected, abs=1e-9)


def test_cycle_of_three_puts_every_script_at_zero_with_perfect_fit() -> None:
    result = fit(Comparisons.from_labels([("J", "A", "B"), ("J", "B", "C"), ("J", "C", "A")]))
    for script in result.scripts:
        assert script.theta == pytest.approx(0.0, abs=1e-12)
        assert script.se == pytest.approx(math.sqrt(2), abs=1e-9)
        assert script.infit == pytest.approx(1.0) and script.outfit == pytest.approx(1.0)


def test_reliability_is_high_when_every_script_is_compared_often() -> None:
    winner, loser = simulate(100, 5000, seed=3, spread=1.5)
    labels = [
        (f"J{k % 5}", f"S{w}", f"S{lo}")
        for k, (w, lo) in enumerate(zip(winner, loser, strict=True))
    ]
    result = fit(Comparisons.from_labels(labels))
    assert result.ssr is not None and 0.8 < result.ssr < 1.0
    theta = np.array([s.theta for s in result.scripts])
    se = np.array([s.se for s in result.scripts])
    assert result.ssr == pytest.approx(scale_separation_reliability(theta, se))


def test_misfit_flags_values_above_mean_plus_two_sample_sds() -> None:
    infit = np.array([1.0] * 9 + [5.0])
    limit = infit.mean() + 2 * infit.std(ddof=1)
    assert limit < 5.0
    assert misfitting(infit).tolist() == [False] * 9 + [True]
    assert not misfitting(np.array([3.0])).any()


def test_a_judge_choosing_at_random_is_flagged_as_misfitting() -> None:
    rng = np.random.default_rng(5)
    true = rng.normal(scale=2.0, size=60)
    rows = []
    for k in range(3000):
        a, b = rng.choice(60, 2, replace=False)
        judge = f"J{k % 15}"
        p = 0.5 if judge == "J0" else expit(true[a] - true[b])
        w, lo = (a, b) if rng.random() < p else (b, a)
        rows.append((judge, f"S{w}", f"S{lo}"))
    judges = {j.judge: j for j in fit(Comparisons.from_labels(rows)).judges}
    assert judges["J0"].misfit
    assert sum(j.misfit for j in judges.values()) <= 2


# --------------------------------------------------------------------------- extremes


def with_champion_and_dunce(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """40 scripts judged at random, then script 40 beats 6 of them and script 41 loses to 5."""
    winner, loser = simulate(40, 800, seed)
    rng = np.random.default_rng(seed)
    beaten, beaters = rng.choice(40, 6, replace=False), rng.choice(40, 5, replace=False)
    winner = np.concatenate([winner, np.full(6, 40), beaters])
    loser = np.concatenate([loser, beaten, np.full(5, 41)])
    return winner, loser


def test_scripts_that_won_or_lost_everything_are_finite_and_flagged_extreme() -> None:
    winner, loser = with_champion_and_dunce(seed=4)
    result = estimate(42, winner, loser)
    assert np.all(np.isfinite(result.theta))
    assert result.extreme[40] and result.extreme[41]
    assert not result.extreme[:40].any()
    assert result.theta[40] == result.theta.max() or result.theta[40] > np.median(result.theta)


def test_extreme_scripts_sit_where_their_score_moved_three_tenths_would_put_them() -> None:
    winner, loser = with_champion_and_dunce(seed=4)
    theta = estimate(42, winner, loser).theta
    champion = loser[winner == 40]
    dunce = winner[loser == 41]
    assert expit(theta[40] - theta[champion]).sum() == pytest.approx(6 - 0.3, abs=1e-9)
    assert expit(theta[41] - theta[dunce]).sum() == pytest.approx(0.3, abs=1e-9)


def test_extreme_scripts_leave_the_core_at_its_own_maximum_likelihood() -> None:
    winner, loser = with_champion_and_dunce(seed=4)
    theta = estimate(42, winner, loser).theta
    core_only = (winner < 40) & (loser < 40)
    alone = estimate(40, winner[core_only], loser[core_only]).theta
    core = theta[:40] - theta[:40].mean()
    assert np.abs(core - alone).max() < 1e-9


def test_a_group_that_won_together_is_finite_for_both_estimators() -> None:
    # Script 10 beats five core scripts and scripts 11 and 12, which played only script 10:
    # eps-adjusted scores alone cannot keep this group finite.
    winner, loser = simulate(10, 80, seed=1)
    winner = np.concatenate([winner, [10] * 7])
    loser = np.concatenate([loser, [0, 1, 2, 3, 4, 11, 12]])
    for estimator in ("mle", "nmm"):
        result = estimate(13, winner, loser, estimator=estimator)  # type: ignore[arg-type]
        assert np.all(np.isfinite(result.theta)) and np.ptp(result.theta) < 10
        assert result.extreme.tolist() == [False] * 10 + [True] * 3


def test_a_single_comparison_puts_both_scripts_at_the_adjusted_odds() -> None:
    for estimator in ("mle", "nmm"):
        result = estimate(2, np.array([0]), np.array([1]), estimator=estimator)  # type: ignore[arg-type]
        assert result.theta[0] - result.theta[1] == pytest.approx(logit(0.7), abs=1e-9)
        assert result.extreme.all()


# --------------------------------------------------------------------------- nmm


def test_nmm_reaches_the_limit_of_sirt_btm_iteration() -> None:
    winner, loser = with_champion_and_dunce(seed=8)
    ours = estimate(42, winner, loser, estimator="nmm").theta
    assert np.abs(ours - sirt_btm(42, winner, loser, iterations=300)).max() < 1e-8


def test_nmm_agrees_with_sirt_default_hundred_iterations_to_a_thousandth() -> None:
    winner, loser = simulate(60, 600, seed=6)
    ours = estimate(60, winner, loser, estimator="nmm").theta
    assert np.abs(ours - sirt_btm(60, winner, loser, iterations=100)).max() < 1e-3


def test_nmm_pulls_scripts_towards_the_centre_compared_with_mle() -> None:
    winner, loser = simulate(40, 300, seed=4)
    assert strongly_connected(40, winner, loser)
    mle = estimate(40, winner, loser).theta
    nmm = estimate(40, winner, loser, estimator="nmm").theta
    assert np.std(nmm) < np.std(mle)
    assert np.corrcoef(mle, nmm)[0, 1] > 0.99


# --------------------------------------------------------------------------- anchors


def test_anchored_scripts_keep_their_values_and_the_scale_is_not_centred() -> None:
    winner, loser = simulate(30, 400, seed=2)
    result = estimate(30, winner, loser, anchor_index=[0, 1], anchor_theta=[5.0, 6.0])
    assert result.theta[0] == 5.0 and result.theta[1] == 6.0
    assert abs(result.theta.mean()) > 1.0
    assert not result.extreme[[0, 1]].any()


def test_anchoring_at_the_mle_values_reproduces_the_mle() -> None:
    winner, loser = simulate(30, 400, seed=2)
    assert strongly_connected(30, winner, loser)
    mle = estimate(30, winner, loser).theta
    anchored = estimate(30, winner, loser, anchor_index=[3, 7], anchor_theta=mle[[3, 7]]).theta
    assert np.abs(anchored - mle).max() < 1e-8


def test_anchors_place_groups_never_compared_with_each_other() -> None:
    w1, l1 = simulate(10, 100, seed=1)
    w2, l2 = simulate(10, 100, seed=2)
    winner, loser = np.concatenate([w1, w2 + 10]), np.concatenate([l1, l2 + 10])
    result = estimate(20, winner, loser, anchor_index=[0, 10], anchor_theta=[0.0, 3.0])
    assert np.all(np.isfinite(result.theta))
    with pytest.raises(DisconnectedDesignError) as caught:
        estimate(20, winner, loser, anchor_index=[0], anchor_theta=[0.0])
    assert caught.value.anchored and len(caught.value.groups) == 2


def test_disconnected_design_is_refused_naming_its_groups() -> None:
    rows = [("J", "A", "B"), ("J", "B", "A"), ("J", "C", "D"), ("J", "D", "E"), ("J", "E", "C")]
    with pytest.raises(DisconnectedDesignError, match="2 groups") as caught:
        fit(Comparisons.from_labels(rows))
    assert caught.value.groups == [["C", "D", "E"], ["A", "B"]]


def test_unknown_anchor_script_is_refused() -> None:
    with pytest.raises(KeyError):
        fit(two_scripts(), anchors={"Z": 1.0})


def test_bad_arguments_are_refused_with_value_error() -> None:
    w, lo = np.array([0]), np.array([1])
    with pytest.raises(ValueError, match="estimator"):
        estimate(2, w, lo, estimator="bayes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="prior"):
        estimate(2, w, lo, prior_sd=0.0)
    with pytest.raises(ValueError, match="itself"):
        estimate(2, np.array([1]), np.array([1]))
    with pytest.raises(ValueError, match="itself"):
        Comparisons.from_labels([("J", "A", "A")])


# --------------------------------------------------------------------------- properties


@st.composite
def designs(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray]:
    """Small designs linked by a chain of comparisons, with random outcomes on top."""
    n = draw(st.integers(2, 12))
    chain_wins = draw(st.lists(st.booleans(), min_size=n - 1, max_size=n - 1))
    extra = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40).map(
            lambda pairs: [(a, b) for a, b in pairs if a != b]
        )
    )
    pairs = [((i, i + 1) if up else (i + 1, i)) for i, up in enumerate(chain_wins)] + extra
    winner = np.array([a for a, _ in pairs])
    loser = np.array([b for _, b in pairs])
    return n, winner, loser


@settings(max_examples=150, deadline=None)
@given(designs(), st.sampled_from(["mle", "nmm"]))
def test_every_linked_design_gives_finite_centred_estimates(design, estimator) -> None:
    n, winner, loser = design
    result = estimate(n, winner, loser, estimator=estimator)
    assert np.all(np.isfinite(result.theta))
    assert abs(result.theta.mean()) < 1e-9
    assert np.ptp(result.theta) < 40


@settings(max_examples=150, deadline=None)
@given(designs())
def test_mle_solves_the_score_equations_inside_the_core(design) -> None:
    n, winner, loser = design
    result = estimate(n, winner, loser)
    core = result.core
    if core.sum() < 2:
        return
    inside = core[winner] & core[loser]
    w, lo = winner[inside], loser[inside]
    p = expit(result.theta[w] - result.theta[lo])
    expected = np.bincount(w, p, n) + np.bincount(lo, 1 - p, n)
    observed = np.bincount(w, minlength=n)
    assert np.abs((observed - expected)[core]).max() < 1e-6


@settings(max_examples=80, deadline=None)
@given(designs(), st.randoms(use_true_random=False))
def test_estimates_do_not_depend_on_the_order_of_judgements(design, random) -> None:
    n, winner, loser = design
    order = list(range(len(winner)))
    random.shuffle(order)
    first = estimate(n, winner, loser).theta
    second = estimate(n, winner[order], loser[order]).theta
    assert np.abs(first - second).max() < 1e-7


@settings(max_examples=150, deadline=None)
@given(designs(), st.sampled_from(["mle", "nmm"]), st.sampled_from([None, 2.0]))
def test_extreme_is_true_exactly_for_scripts_that_won_or_lost_every_comparison(
    design, estimator, prior_sd
) -> None:
    n, winner, loser = design
    result = estimate(n, winner, loser, estimator=estimator, prior_sd=prior_sd)
    wins = np.bincount(winner, minlength=n)
    losses = np.bincount(loser, minlength=n)
    assert result.extreme.tolist() == ((wins == 0) | (losses == 0)).tolist()
    labelled = Comparisons.from_labels(
        [("J", f"S{w:02d}", f"S{lo:02d}") for w, lo in zip(winner, loser, strict=True)]
    )
    for script in fit(labelled, estimator=estimator, prior_sd=prior_sd).scripts:
        assert script.extreme == (script.wins in (0, script.comparisons))


def test_a_script_inside_a_group_that_won_together_is_not_extreme() -> None:
    # 0 beat 1 and 1 beat 0; together they beat 2 and 3, who split their own games: the pair
    # is outside any finite core with 2 and 3, yet neither won every comparison.
    winner = np.array([0, 1, 0, 1, 2, 3])
    loser = np.array([1, 0, 2, 3, 3, 2])
    result = estimate(4, winner, loser)
    assert not result.extreme.any()
    assert result.core.sum() == 2


def test_one_consistent_judge_leaves_only_the_first_and_last_extreme() -> None:
    # Every pair of six scripts judged once, the better always winning: no cycle, so no core.
    pairs = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    winner, loser = np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])
    result = estimate(6, winner, loser)
    assert result.extreme.tolist() == [True, False, False, False, False, True]
    assert not result.core.any()


# --------------------------------------------------------------------------- scale


def test_a_national_sized_design_fits_to_finite_centred_estimates() -> None:
    # Its speed is measured by benchmarks/cj_bench.py (BENCHMARKS.md), not asserted here.
    winner, loser = simulate(10_000, 200_000, seed=1)
    result = estimate(10_000, winner, loser)
    assert np.all(np.isfinite(result.theta))


# --------------------------------------------------------------------------- grades


def test_grade_boundaries_sit_at_the_mean_of_each_grades_exemplars() -> None:
    exemplars = [("WTS", -1.2), ("EXS", 0.1), ("EXS", 0.3), ("GDS", 1.5)]
    boundaries = grade_boundaries(exemplars, order=["WTS", "EXS", "GDS"])
    assert boundaries == [
        Boundary("WTS", -1.2),
        Boundary("EXS", pytest.approx(0.2)),
        Boundary("GDS", 1.5),
    ]
    assert grade_for(-2.0, boundaries) is None
    assert grade_for(0.2, boundaries) == "EXS"
    assert grade_for(0.19, boundaries) == "WTS"
    assert grade_for(9.0, boundaries) == "GDS"


def test_grade_boundaries_refuse_exemplars_out_of_order() -> None:
    with pytest.raises(ValueError, match="'GDS' sit at or below"):
        grade_boundaries([("EXS", 1.0), ("GDS", 0.5)], order=["EXS", "GDS"])
    with pytest.raises(ValueError, match="not one of"):
        grade_boundaries([("XYZ", 1.0)], order=["EXS", "GDS"])
