"""Benchmark: our Bradley–Terry fit against choix.ilsr_pairwise, and pair selection speed.

    .venv/bin/python benchmarks/cj_bench.py [--scripts 10000] [--judgements 200000]
                                            [--choix-scripts N] [--seed 1] [--pair-calls 10000]

Synthetic data, seeded: true theta ~ N(0, 1), each judgement a random pair of distinct scripts
with the winner drawn from the Bradley–Terry model.

1. Our MLE on the full size: wall time, CPU time and peak traced memory.
2. Side by side with choix.ilsr_pairwise (its defaults), on the same data: the full size, or
   with --choix-scripts N a data set of N scripts and the same judgements per script (choix
   builds a dense N x N Markov chain and LU-factorises it every iteration, so 10,000 scripts
   takes the better part of an hour). ILSR needs a finite MLE, so both are run on the data's
   strongly connected core (scripts that won or lost everything removed); the report says
   exactly what was run. Then the ratio of times and agreement (max |difference|, correlation).
3. Pair selection at full size: median and 99th percentile of `next_pair` over --pair-calls
   calls (each pair recorded before the next), random and adaptive.

Peak memory is measured with tracemalloc in a separate run, so it does not slow the timings.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import choix
import numpy as np
import scipy
from scipy.special import expit

from nextsteps.judging.kernels.bradley_terry import core, estimate
from nextsteps.judging.kernels.pairing import PairScheduler

MB = 1024 * 1024


@dataclass(frozen=True)
class Data:
    n: int
    winner: np.ndarray
    loser: np.ndarray


@dataclass(frozen=True)
class Measured:
    result: Any
    wall: float
    cpu: float
    peak_mb: float


def simulate(n: int, m: int, seed: int) -> Data:
    """Random distinct pairs; the winner drawn from the model with theta ~ N(0, 1)."""
    rng = np.random.default_rng(seed)
    true = rng.normal(size=n)
    a = rng.integers(0, n, m)
    b = (a + rng.integers(1, n, m)) % n
    won = rng.random(m) < expit(true[a] - true[b])
    return Data(n, np.where(won, a, b), np.where(won, b, a))


def strongly_connected_core(data: Data) -> Data:
    """The comparisons among the core scripts, renumbered 0..k-1."""
    inside = core(data.n, data.winner, data.loser, np.array([], dtype=np.int64))
    number = np.cumsum(inside) - 1
    keep = inside[data.winner] & inside[data.loser]
    return Data(int(inside.sum()), number[data.winner[keep]], number[data.loser[keep]])


def measure(function: Callable[[], Any], repeats: int = 1) -> Measured:
    """Best wall and CPU time over `repeats` runs, then peak traced memory in one more run."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    best = int(np.argmin(walls))
    return Measured(result, walls[best], cpus[best], peak / MB)


def ours(data: Data) -> Callable[[], np.ndarray]:
    return lambda: estimate(data.n, data.winner, data.loser).theta


def theirs(data: Data) -> Callable[[], np.ndarray]:
    pairs = np.column_stack([data.winner, data.loser]).tolist()

    def run() -> np.ndarray:
        theta = choix.ilsr_pairwise(data.n, pairs)
        return theta - theta.mean()

    return run


def report_fit(label: str, data: Data, measured: Measured) -> None:
    print(
        f"  {label:<22} {data.n:>6} scripts {len(data.winner):>7} judgements: "
        f"wall {measured.wall:8.3f} s, CPU {measured.cpu:8.3f} s, peak {measured.peak_mb:8.1f} MiB"
    )


def pair_timings(data: Data, calls: int, adaptive: bool, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    judges = [f"J{k}" for k in rng.integers(0, 300, len(data.winner))]
    scheduler = PairScheduler.from_history(
        data.n, data.winner, data.loser, judges, seed=seed, adaptive=adaptive
    )
    scheduler.update_theta(rng.normal(size=data.n))
    timings = np.empty(calls)
    for k in range(calls):
        judge = f"J{k % 300}"
        started = time.perf_counter()
        a, b = scheduler.next_pair(judge)
        timings[k] = time.perf_counter() - started
        scheduler.record(judge, a, b)
    return timings * 1000.0


def header() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"choix {metadata.version('choix')}; {cores} cores"
    )


def side_by_side(args: argparse.Namespace, full: Data) -> None:
    """Ours and choix on the same data: the full data, or a smaller set of the same density."""
    size = args.choix_scripts or args.scripts
    judgements = round(size * args.judgements / args.scripts)
    data = full if size == args.scripts else simulate(size, judgements, args.seed)
    data = strongly_connected_core(data)
    print(
        f"\n2. Side by side on the strongly connected core of {size} scripts / {judgements} "
        f"judgements (seed {args.seed}): {data.n} scripts, {len(data.winner)} judgements"
    )
    mine = measure(ours(data), args.repeats)
    report_fit("nextsteps", data, mine)
    print("  choix.ilsr_pairwise running (defaults: alpha=0, tol=1e-8) ...", flush=True)
    other = measure(theirs(data), 1)
    report_fit("choix.ilsr_pairwise", data, other)
    print(
        f"  choix / nextsteps: wall {other.wall / mine.wall:.1f}x, "
        f"CPU {other.cpu / mine.cpu:.1f}x, peak memory {other.peak_mb / mine.peak_mb:.1f}x"
    )
    difference = np.abs(mine.result - other.result)
    correlation = np.corrcoef(mine.result, other.result)[0, 1]
    print(f"  agreement: max |difference| {difference.max():.2e}, correlation {correlation:.12f}")


def pairing(args: argparse.Namespace, full: Data) -> None:
    print(f"\n3. Pair selection on the full data ({args.pair_calls} calls, 300 judges)")
    for adaptive in (False, True):
        ms = pair_timings(full, args.pair_calls, adaptive, args.seed)
        label = "adaptive" if adaptive else "random"
        print(
            f"  {label:<9} median {np.median(ms):.3f} ms, p99 {np.percentile(ms, 99):.3f} ms, "
            f"max {ms.max():.3f} ms"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scripts", type=int, default=10_000)
    parser.add_argument("--judgements", type=int, default=200_000)
    parser.add_argument("--choix-scripts", type=int, default=None, help="run choix on N scripts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pair-calls", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of our fit")
    args = parser.parse_args(argv)
    header()
    full = simulate(args.scripts, args.judgements, args.seed)
    print(f"\n1. Our MLE on the full data (seed {args.seed}, best of {args.repeats})")
    report_fit("nextsteps (all data)", full, measure(ours(full), args.repeats))
    side_by_side(args, full)
    pairing(args, full)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
