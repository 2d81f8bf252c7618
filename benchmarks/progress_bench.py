"""Benchmark the progress kernel on a synthetic national-sized cohort.

Run: .venv/bin/python benchmarks/progress_bench.py [--pupils 600000] [--seed 2024] [--no-files]

Reports time (best of nine, the kernel and bare NumPy in turn) and peak traced memory for
Progress 8 and for estimates, and the ratio to a bare vectorised NumPy computation of the
same formula. With files (the default) it also times the command line end to end on a CSV
of the same cohort, and `nextsteps progress p8 --format csv` as a whole process in turn with
a process reading the same file with the csv module.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from building import as_installed

from nextsteps.progress.cli import main as progress_main
from nextsteps.progress.kernels.estimates import population_estimates
from nextsteps.progress.kernels.measures import (
    P8_ATTAINMENT,
    P8_DIVISORS,
    P8_MEASURES,
    Grouping,
    GroupTable,
    ks2_average,
    prior_attainment_band,
    progress8,
    summarise,
    summarise_groups,
)
from nextsteps.progress.kernels.tables import DATA_DIR, read_national_sd, read_p8_estimates

Cohort = dict[str, np.ndarray]
REPEATS = 9  # kernel and bare NumPy in turn, best of each


def make_cohort(size: int, seed: int) -> Cohort:
    """Pupils with KS2 scores (3% missing) and Attainment 8 rising with prior attainment."""
    rng = np.random.default_rng(seed)
    reading = rng.integers(80, 121, size).astype(np.float64)
    maths = np.clip(reading + rng.integers(-8, 9, size), 80, 120).astype(np.float64)
    reading[rng.random(size) < 0.03] = np.nan
    base = np.clip((np.nan_to_num(reading, nan=100) - 80) / 40 * 8 + rng.normal(0, 1.2, size), 0, 9)
    english = np.round(base, 0) * 2
    maths_points = np.round(np.clip(base + rng.normal(0, 0.8, size), 0, 9), 0) * 2
    ebacc = np.round(np.clip(base * 3 + rng.normal(0, 2, size), 0, 27), 0)
    open_points = np.round(np.clip(base * 3 + rng.normal(0, 2, size), 0, 27), 0)
    return {
        "ks2_reading": reading,
        "ks2_maths": maths,
        "attainment8": english + maths_points + ebacc + open_points,
        "english": english,
        "maths": maths_points,
        "ebacc": ebacc,
        "open": open_points,
        "disadvantaged": (rng.random(size) < 0.25).astype(np.int64),
    }


def kernel_p8(cohort: Cohort, table: GroupTable, national_sd: dict[str, float]) -> Any:
    """Everything `nextsteps progress p8` computes, short of formatting."""
    average = ks2_average(cohort["ks2_reading"], cohort["ks2_maths"])
    result = progress8(average, cohort, table)
    rounded = {measure: result.scores[measure].rounded() for measure in P8_MEASURES}
    school = {m: summarise(result.scores[m], result.included, national_sd[m]) for m in P8_MEASURES}
    groupings = [
        Grouping("disadvantaged", cohort["disadvantaged"], ("no", "yes")),
        prior_attainment_band(average, (100, 110)),
    ]
    groups = [
        summarise_groups(result.scores["progress8"], result.included, national_sd["progress8"], g)
        for g in groupings
    ]
    return rounded, school, groups


def bare_p8(cohort: Cohort, table: GroupTable, national_sd: dict[str, float]) -> Any:
    """The same formula in plain NumPy floats: no exact rounding, groups or exclusions."""
    average = np.nanmean(np.stack([cohort["ks2_reading"], cohort["ks2_maths"]]), axis=0)
    index = np.clip(np.searchsorted(table.bands.upper, average), 0, len(table.pags) - 1)
    out = {}
    for measure in P8_MEASURES:
        column = P8_ATTAINMENT[measure]
        score = (cohort[column] - table.values[column][index]) / P8_DIVISORS[measure]
        mean = score.mean()
        half = 1.96 * national_sd[measure] / np.sqrt(len(score))
        out[measure] = (np.round(score, 2), mean - half, mean + half)
    return out


def kernel_estimates(cohort: Cohort, table: GroupTable) -> Any:
    """Everything `nextsteps progress estimates` computes, short of formatting."""
    average = ks2_average(cohort["ks2_reading"], cohort["ks2_maths"])
    return population_estimates(average, cohort, table.bands, table.pags)


def bare_estimates(cohort: Cohort, table: GroupTable) -> Any:
    """Group means, group SDs and the 1st percentile in plain NumPy: no exact rounding."""
    average = (cohort["ks2_reading"] + cohort["ks2_maths"]) / 2
    counted = ~np.isnan(average)
    index = np.searchsorted(table.bands.upper, average[counted])
    groups = len(table.pags)
    counts = np.maximum(np.bincount(index, minlength=groups), 1)
    out = {}
    for measure in P8_MEASURES:
        values = cohort[P8_ATTAINMENT[measure]][counted]
        means = np.bincount(index, weights=values, minlength=groups) / counts
        scores = (values - means[index]) / P8_DIVISORS[measure]
        sd = np.sqrt(np.bincount(index, weights=scores**2, minlength=groups) / counts)
        z = scores / np.maximum(sd[index], 1e-9)
        limit = np.percentile(z, 1)
        out[measure] = (means, sd, np.std(np.where(z < limit, sd[index] * limit, scores)))
    return out


def best_time(work: Callable[[], Any], repeats: int = 3) -> float:
    """Shortest wall-clock time of several runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(work: Callable[[], Any]) -> float:
    """Peak memory traced while the work runs, in MiB (NumPy reports to tracemalloc)."""
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def side_by_side(kernel: Callable[[], Any], bare: Callable[[], Any], repeats: int) -> Any:
    """Best times of the two, run in turn (kernel, bare, kernel, ...) so that a shared
    machine's changing load falls on both alike."""
    kernel_times, bare_times = [], []
    for _ in range(repeats):
        kernel_times.append(best_time(kernel, 1))
        bare_times.append(best_time(bare, 1))
    return min(kernel_times), min(bare_times)


def compare(name: str, kernel: Callable[[], Any], bare: Callable[[], Any]) -> None:
    """Print time, memory and the ratio to the bare computation."""
    kernel_time, bare_time = side_by_side(kernel, bare, REPEATS)
    kernel_memory, bare_memory = peak_memory(kernel), peak_memory(bare)
    print(f"{name}:")
    print(f"  kernel      {kernel_time:8.3f} s   peak {kernel_memory:8.1f} MiB")
    print(f"  bare NumPy  {bare_time:8.3f} s   peak {bare_memory:8.1f} MiB")
    ratios = f"{kernel_time / bare_time:8.2f} × time, {kernel_memory / bare_memory:.2f} × memory"
    print(f"  ratio       {ratios}")


def write_cohort_csv(cohort: Cohort, path: Path) -> None:
    """The cohort as a PUPILS.csv file."""
    columns = ["ks2_reading", "ks2_maths", "attainment8", "english", "maths", "ebacc", "open"]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("pupil_id," + ",".join(columns) + ",disadvantaged\n")
        cells = [np.char.mod("%g", cohort[column]) for column in columns]
        cells[0] = np.where(np.isnan(cohort["ks2_reading"]), "", cells[0])
        flags = np.where(cohort["disadvantaged"] == 1, "Y", "N")
        for i, row in enumerate(zip(*cells, flags, strict=True)):
            handle.write(f"P{i}," + ",".join(row) + "\n")


def end_to_end(cohort: Cohort) -> None:
    """Time the command line on files: read, compute, and write JSON and CSV."""
    with tempfile.TemporaryDirectory() as folder:
        pupils = Path(folder) / "pupils.csv"
        write_cohort_csv(cohort, pupils)
        base = ["p8", "--pupils", str(pupils), "--estimates"]
        base += [str(DATA_DIR / "progress8_estimates_2024.csv")]
        base += ["--sd", str(DATA_DIR / "progress8_sd_2024.csv")]
        print("command line on a CSV file (read, compute, write; one run each):")
        for fmt in ("json", "csv"):
            output = Path(folder) / f"out.{fmt}"
            args = [*base, "--format", fmt, "--output", str(output)]
            start = time.perf_counter()
            status = progress_main(args)
            elapsed = time.perf_counter() - start
            size = output.stat().st_size / 2**20
            print(f"  p8 --format {fmt:<4} {elapsed:8.2f} s   exit {status}, {size:.0f} MiB")
        command_against_csv_module(base, Path(folder))
        output = Path(folder) / "estimates.json"
        args = ["estimates", "--population", str(pupils), "--output", str(output)]
        start = time.perf_counter()
        status = progress_main(args)
        print(f"  estimates        {time.perf_counter() - start:8.2f} s   exit {status}")


CSV_MODULE = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    for row in csv.reader(handle):
        pass
"""


def command_against_csv_module(base: list[str], folder: Path, runs: int = 5) -> None:
    """`nextsteps progress p8 ... --format csv` as a whole process, against a process that
    reads the same file with the csv module; in turn, wall and CPU from outside, medians."""
    pupils = base[base.index("--pupils") + 1]
    output = folder / "side.csv"
    ours = [sys.executable, "-m", "nextsteps.cli", "progress", *base, "--format", "csv"]
    ours += ["--output", str(output)]
    reading = [sys.executable, "-c", CSV_MODULE, pupils]
    environment = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    as_installed()
    times: dict[str, list[tuple[float, float]]] = {"p8": [], "csv": []}
    for _ in range(runs):
        for name, command in (("p8", ours), ("csv", reading)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, check=True, env=environment)  # noqa: S603 - our own commands
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            times[name].append((wall, cpu))
    ratios = [(a[0] / b[0], a[1] / b[1]) for a, b in zip(times["p8"], times["csv"], strict=True)]
    for name, label in (("p8", "p8 --format csv, whole command"), ("csv", "csv module reading")):
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(f"  {label:<31} {wall:8.2f} s wall, {cpu:6.2f} s CPU (median of {runs})")
    print(
        f"  ratio, run by run (median)      {statistics.median(r[0] for r in ratios):8.1f} × wall, "
        f"{statistics.median(r[1] for r in ratios):.1f} × CPU; load average {os.getloadavg()[0]:.1f}"
    )


def run(size: int, seed: int, with_files: bool) -> None:
    """Generate the cohort and report."""
    table = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    national_sd = read_national_sd(DATA_DIR / "progress8_sd_2024.csv")
    cohort = make_cohort(size, seed)
    print(f"synthetic cohort: {size:,} pupils, seed {seed}, DfE 2024 estimates")
    compare(
        "Progress 8 (pupil scores rounded, school and element summaries, two groupings)",
        lambda: kernel_p8(cohort, table, national_sd),
        lambda: bare_p8(cohort, table, national_sd),
    )
    compare(
        "estimates (group means and SDs, cap, national SDs)",
        lambda: kernel_estimates(cohort, table),
        lambda: bare_estimates(cohort, table),
    )
    if with_files:
        end_to_end(cohort)


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=600_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-files", action="store_true", help="skip the end-to-end run")
    args = parser.parse_args()
    run(args.pupils, args.seed, not args.no_files)


if __name__ == "__main__":
    main()
