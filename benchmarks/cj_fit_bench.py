"""`nextsteps cj fit` as a whole command against choix's `ilsr_pairwise` as a whole command.

    .venv/bin/python benchmarks/cj_fit_bench.py [--scripts 3977] [--judgements 79083]
                                                [--runs 3] [--seed 1]

Writes a comparisons CSV (judge, winner, loser, seconds) of the given size under
var/bench/cj/, drawn from the Bradley–Terry model with theta ~ N(0, 1) and 60 judges; the
first seed from --seed whose "beat" graph is strongly connected is used, so that choix's
ILSR (which needs a finite MLE) can fit every script. Then, in turn, --runs times each:

- A: `python -m nextsteps.cli cj fit --comparisons FILE --format csv` (start-up, reading,
  fit, statistics, output);
- B: a Python script that reads the same file with the csv module, numbers the scripts and
  calls `choix.ilsr_pairwise` (its defaults), then prints every script's centred estimate.

Each run is timed from outside (wall clock, and the child's user + system CPU from
`resource.getrusage`). Prints every run, the medians, the ratios B / A and the largest
difference between the two commands' estimates.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from building import as_installed  # noqa: E402

from nextsteps.judging.kernels.bradley_terry import core  # noqa: E402
from nextsteps.judging.kernels.sparse import expit  # noqa: E402

CHOIX = """
import csv, sys
import choix
with open(sys.argv[1], newline="") as handle:
    reader = csv.reader(handle)
    next(reader)
    rows = [(row[1], row[2]) for row in reader]
labels = sorted({script for row in rows for script in row})
number = {label: i for i, label in enumerate(labels)}
theta = choix.ilsr_pairwise(len(labels), [(number[w], number[l]) for w, l in rows])
theta -= theta.mean()
for label, value in zip(labels, theta.tolist()):
    print(f"{label},{value!r}")
"""


def write_comparisons(path: Path, n: int, m: int, seed: int) -> int:
    """A strongly connected design of n scripts and m judgements; returns the seed used."""
    for attempt in range(seed, seed + 200):
        rng = np.random.default_rng(attempt)
        true = rng.normal(size=n)
        a = rng.integers(0, n, m)
        b = (a + rng.integers(1, n, m)) % n
        won = rng.random(m) < expit(true[a] - true[b])
        winner, loser = np.where(won, a, b), np.where(won, b, a)
        seen = np.bincount(np.concatenate([winner, loser]), minlength=n) > 0
        if seen.all() and core(n, winner, loser, np.array([], dtype=np.int64)).all():
            break
    else:
        raise SystemExit("no strongly connected design in 200 seeds: give more judgements")
    judges = rng.integers(0, 60, m)
    seconds = rng.integers(5, 90, m)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["judge", "winner", "loser", "seconds"])
        writer.writerows(
            (f"J{j:02d}", f"S{w:05d}", f"S{lo:05d}", s)
            for j, w, lo, s in zip(judges, winner, loser, seconds, strict=True)
        )
    return attempt


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one run of a command, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def estimates(text: str, header: bool) -> dict[str, float]:
    rows = list(csv.reader(text.splitlines()))
    return {row[0]: float(row[1]) for row in rows[1 if header else 0 :]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scripts", type=int, default=3977)
    parser.add_argument("--judgements", type=int, default=79083)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    path = ROOT / "var" / "bench" / "cj" / f"comparisons-{args.scripts}-{args.judgements}.csv"
    seed = write_comparisons(path, args.scripts, args.judgements, args.seed)
    script = path.with_name("choix_fit.py")
    script.write_text(CHOIX, encoding="utf-8")
    python = sys.executable
    ours = [python, "-m", "nextsteps.cli", "cj", "fit", "--comparisons", str(path)]
    ours += ["--format", "csv"]
    theirs = [python, str(script), str(path)]
    os.environ["PYTHONPATH"] = str(ROOT / "src")
    as_installed()
    print(f"load average before: {os.getloadavg()}")
    print(f"{args.scripts} scripts, {args.judgements} judgements (seed {seed}): {path}")
    results: dict[str, list[tuple[float, float]]] = {"nextsteps": [], "choix": []}
    outputs: dict[str, str] = {}
    for run in range(args.runs):
        for name, command in (("nextsteps", ours), ("choix", theirs)):
            wall, cpu, outputs[name] = timed(command)
            results[name].append((wall, cpu))
            print(f"  run {run + 1} {name:<10} wall {wall:8.2f} s, CPU {cpu:8.2f} s", flush=True)
    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in results.items()
    }
    for name, (wall, cpu) in medians.items():
        print(f"median {name:<10} wall {wall:8.3f} s, CPU {cpu:8.3f} s")
    pairs = [
        (b[0] / a[0], b[1] / a[1])
        for a, b in zip(results["nextsteps"], results["choix"], strict=True)
    ]
    print(
        f"choix / nextsteps, run by run: wall {statistics.median(p[0] for p in pairs):.1f}x, "
        f"CPU {statistics.median(p[1] for p in pairs):.1f}x (medians)"
    )
    mine = estimates(outputs["nextsteps"], header=True)
    other = estimates(outputs["choix"], header=False)
    difference = max(abs(mine[label] - other[label]) for label in other)
    print(f"scripts: {len(mine)} / {len(other)}; max |difference| of estimates {difference:.2e}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
