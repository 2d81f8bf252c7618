"""The few sparse-graph and special-function pieces the Bradley–Terry fit needs, in NumPy.

`nextsteps cj fit` is a command that starts, fits and exits: importing SciPy's sparse, csgraph
and special packages took longer than reading and fitting a file of 80,000 judgements. What the
fit uses of them is small, so it is written here on NumPy alone:

- `expit` and `logit`, the logistic function and its inverse, computed without overflow;
- `components`, the weakly or strongly connected components of a graph given as edge lists
  (Tarjan's algorithm, iterative, over the graph in compressed rows);
- `conjugate_gradients`, Jacobi-preconditioned conjugate gradients for a symmetric positive
  definite operator, stopping on the same test as SciPy's `cg` (residual norm at most
  `rtol` times the right-hand side's).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
MAX_LEVELS = 64  # breadth-first levels tried before leaving a design to Tarjan's algorithm


def expit(x: FloatArray) -> FloatArray:
    """1 / (1 + e^-x), without overflow and with full relative precision in both tails."""
    x = np.asarray(x, dtype=np.float64)
    small = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def logit(p: FloatArray) -> FloatArray:
    """log(p / (1 - p))."""
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log1p(-p)


def components(n: int, source: IntArray, target: IntArray, strong: bool) -> tuple[int, IntArray]:
    """Connected components of nodes 0..n-1 with edges source[k] -> target[k].

    Weak components ignore the edges' direction; strong ones need a path each way. Returns
    the number of components and each node's component, numbered from 0.
    """
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    if not strong:
        return _weak(n, source, target)
    # One edge per distinct (source, target), in compressed rows: repeats change nothing.
    keys = distinct(source * n + target)
    starts = np.searchsorted(keys, np.arange(n + 1, dtype=np.int64) * n)
    heads = keys % n
    # The usual case, a design that is one component, in a few vectorised steps: every
    # node reached from node 0 and reaching it.
    if n and _reaches_all(starts, heads):
        back = distinct(target * n + source)
        back_starts = np.searchsorted(back, np.arange(n + 1, dtype=np.int64) * n)
        if _reaches_all(back_starts, back % n):
            return 1, np.zeros(n, dtype=np.int64)
    return _tarjan(n, starts.tolist(), heads.tolist())


def _reaches_all(starts: IntArray, heads: IntArray) -> bool:
    """Whether a breadth-first search from node 0 along the compressed rows reaches every
    node; each level's out-edges are gathered at once. False too after `MAX_LEVELS` levels
    (a long thin design, which Tarjan's algorithm handles in one pass)."""
    n = len(starts) - 1
    seen = np.zeros(n, dtype=bool)
    seen[0] = True
    frontier = np.zeros(1, dtype=np.int64)
    for _ in range(MAX_LEVELS):
        if not frontier.size:
            break
        low, counts = starts[frontier], starts[frontier + 1] - starts[frontier]
        total = int(counts.sum())
        if not total:
            break
        first = np.cumsum(counts) - counts  # where each node's edges start in the gather
        reached = heads[np.repeat(low - first, counts) + np.arange(total)]
        reached = reached[~seen[reached]]
        seen[reached] = True
        frontier = np.flatnonzero(np.bincount(reached, minlength=n))
    else:
        return False
    return bool(seen.all())


def distinct(keys: IntArray) -> IntArray:
    """The distinct values, sorted (np.unique without its overheads, for integer keys)."""
    ordered = np.sort(keys)
    if not len(ordered):
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _weak(n: int, source: IntArray, target: IntArray) -> tuple[int, IntArray]:
    """Weak components by vectorised union-find: hook each edge's larger root under its smaller,
    then halve every path, until no edge joins two roots (a few rounds, not one per node)."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        a, b = parent[source], parent[target]
        apart = a != b
        if not apart.any():
            break
        a, b = a[apart], b[apart]
        np.minimum.at(parent, np.maximum(a, b), np.minimum(a, b))
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    roots, label = np.unique(parent, return_inverse=True)
    return len(roots), label.astype(np.int64)


def _tarjan(n: int, starts: list[int], heads: list[int]) -> tuple[int, IntArray]:
    """Tarjan's strongly connected components, with an explicit stack (no recursion limit)."""
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    label = [0] * n
    stack: list[int] = []
    counter = count = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [[root, starts[root]]]
        while work:
            frame = work[-1]
            v, i = frame
            end = starts[v + 1]
            descended = False
            while i < end:
                w = heads[i]
                i += 1
                if index[w] == -1:
                    frame[1] = i
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append([w, starts[w]])
                    descended = True
                    break
                if on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
            if descended:
                continue
            work.pop()
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    label[w] = count
                    if w == v:
                        break
                count += 1
            if work:
                parent = work[-1][0]
                if low[v] < low[parent]:
                    low[parent] = low[v]
    return count, np.array(label, dtype=np.int64)


def conjugate_gradients(
    apply: Callable[[FloatArray], FloatArray],
    b: FloatArray,
    diagonal: FloatArray,
    *,
    rtol: float,
    maxiter: int,
) -> FloatArray:
    """Solve A x = b for symmetric positive definite A (given as `apply`), preconditioned by
    A's diagonal; stops once |b - A x| <= rtol |b| or after `maxiter` iterations."""
    x = np.zeros_like(b)
    residual = b.copy()
    bound = rtol * float(np.linalg.norm(b))
    if bound == 0.0:
        return x
    z = residual / diagonal
    direction = z.copy()
    rz = float(np.dot(residual, z))
    for _ in range(maxiter):
        if float(np.linalg.norm(residual)) <= bound:
            break
        product = apply(direction)
        alpha = rz / float(np.dot(direction, product))
        x += alpha * direction
        residual -= alpha * product
        z = residual / diagonal
        rz_next = float(np.dot(residual, z))
        direction = z + (rz_next / rz) * direction
        rz = rz_next
    return x
