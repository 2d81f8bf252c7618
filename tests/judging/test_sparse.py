"""The NumPy pieces the Bradley–Terry fit uses instead of SciPy, checked against SciPy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import expit as scipy_expit
from scipy.special import logit as scipy_logit

from nextsteps.judging.kernels.sparse import components, conjugate_gradients, distinct, expit, logit


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Two labellings put the same nodes together (labels themselves may differ)."""
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("strong", [True, False])
def test_components_match_scipy_on_random_graphs(seed: int, strong: bool) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    m = int(rng.integers(0, 3 * n))
    source, target = rng.integers(0, n, m), rng.integers(0, n, m)
    count, label = components(n, source, target, strong)
    graph = coo_matrix((np.ones(m), (source, target)), shape=(n, n)).tocsr()
    expected_count, expected = connected_components(
        graph, directed=strong, connection="strong" if strong else "weak"
    )
    assert count == expected_count
    assert same_partition(label, expected)
    assert label.min() == 0 and label.max() == count - 1


@pytest.mark.parametrize("seed", range(6))
def test_a_strongly_connected_design_is_one_component(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 500))
    ring = np.arange(n)
    source = np.concatenate([ring, rng.integers(0, n, 4 * n)])
    target = np.concatenate([(ring + 1) % n, rng.integers(0, n, 4 * n)])
    count, label = components(n, source, target, strong=True)
    assert (count, label.tolist()) == (1, [0] * n)
    # One edge fewer out of the ring's last node can split it: the answer is SciPy's.
    keep = source != n - 1
    count, label = components(n, source[keep], target[keep], strong=True)
    graph = coo_matrix((np.ones(keep.sum()), (source[keep], target[keep])), shape=(n, n))
    expected_count, expected = connected_components(graph, directed=True, connection="strong")
    assert count == expected_count and same_partition(label, expected)


def test_strong_components_of_a_long_chain_need_no_recursion() -> None:
    n = 50_000  # far deeper than Python's recursion limit
    source = np.arange(n)
    target = (source + 1) % n  # one cycle through every node
    assert components(n, source, target, strong=True)[0] == 1
    assert components(n, source[:-1], target[:-1], strong=True)[0] == n
    assert components(n, source[:-1], target[:-1], strong=False)[0] == 1


def test_distinct_is_sorted_unique() -> None:
    values = np.array([5, 1, 5, 3, 1, 9], dtype=np.int64)
    assert distinct(values).tolist() == [1, 3, 5, 9]
    assert distinct(np.array([], dtype=np.int64)).tolist() == []


def test_expit_and_logit_match_scipy_including_the_tails() -> None:
    x = np.concatenate([np.linspace(-40, 40, 801), [-800.0, -745.0, 0.0, 745.0, 800.0]])
    with np.errstate(over="raise"):
        ours = expit(x)
    np.testing.assert_allclose(ours, scipy_expit(x), rtol=1e-15, atol=1e-300)
    p = np.linspace(1e-12, 1 - 1e-12, 1001)
    np.testing.assert_allclose(logit(p), scipy_logit(p), rtol=1e-12, atol=1e-15)


def test_conjugate_gradients_solves_a_laplacian_system() -> None:
    rng = np.random.default_rng(3)
    n = 60
    weights = rng.random((n, n)) * (rng.random((n, n)) < 0.2)
    weights = np.triu(weights, 1)
    weights = weights + weights.T
    matrix = np.diag(weights.sum(axis=1) + 0.5) - weights
    b = rng.normal(size=n)
    x = conjugate_gradients(
        lambda v: matrix @ v, b, np.diag(matrix).copy(), rtol=1e-12, maxiter=1000
    )
    np.testing.assert_allclose(x, np.linalg.solve(matrix, b), rtol=1e-9, atol=1e-10)
    assert not conjugate_gradients(lambda v: v, np.zeros(3), np.ones(3), rtol=1e-6, maxiter=5).any()


def test_the_fit_command_loads_neither_scipy_nor_django_nor_numpy_ma(tmp_path: Path) -> None:
    path = tmp_path / "comparisons.csv"
    path.write_text("judge,winner,loser\nJ,A,B\nJ,B,C\nJ,C,A\nJ,A,C\n", encoding="utf-8")
    code = (
        "import sys; from nextsteps.judging import cli; "
        f"status = cli.main(['fit', '--comparisons', {str(path)!r}, '--format', 'csv']); "
        "loaded = sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('scipy', 'django') or m == 'numpy.ma'); "
        "print(status, loaded, file=sys.stderr)"
    )
    source = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": source},
    )
    assert done.stderr.splitlines()[-1] == "0 []"
    assert done.stdout.startswith("script,theta,se")
