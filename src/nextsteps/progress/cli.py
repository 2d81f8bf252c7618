"""`nextsteps progress`: Progress 8, KS1–KS2 progress and estimates from CSV files.

Works on files alone, with no database. Bad input stops the command before anything is
written, with the file, line and column on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nextsteps.progress.kernels import report
from nextsteps.progress.kernels.baselines import RULES_FILE, BaselineRule, UnknownCohort, read_rules
from nextsteps.progress.kernels.estimates import population_estimates
from nextsteps.progress.kernels.measures import (
    KS2_SUBJECTS,
    ks1_average,
    ks1_ks2_progress,
    ks2_average,
    prior_attainment_band,
    progress8,
)
from nextsteps.progress.kernels.tables import (
    DATA_DIR,
    InputError,
    Ks2Codes,
    nominal_for_year,
    read_attainment_pupils,
    read_caps,
    read_ks1_ks2_table,
    read_ks2_pupils,
    read_national_sd,
    read_nominal,
    read_p8_estimates,
    read_p8_pupils,
    read_points,
    read_pupils,
)

EXIT_BAD_INPUT = 2
Bytes = bytes | memoryview  # a block of a file's UTF-8 bytes


class UsageError(Exception):
    """Options that do not go together."""


@dataclass
class Output:
    """What a command writes: text for standard output and whole files.

    Standard output may be the UTF-8 bytes of the text instead, in blocks (a CSV joined by
    Arrow a block of rows at a time, never decoded only to be encoded again)."""

    stdout: str | Iterator[Bytes] = ""
    files: dict[Path, str] = field(default_factory=dict)


def main(argv: list[str]) -> int:
    """Run `nextsteps progress` with these arguments; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) and usage errors (2)
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT
    try:
        output = args.run(args)
    except (InputError, UsageError, UnknownCohort) as error:
        print(f"nextsteps progress {args.command}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    write(output, args.output)
    return 0


def write(output: Output, path: Path | None) -> None:
    """Write every file (each whole, then renamed into place) and then standard output."""
    targets: dict[Path, str | Iterator[Bytes]] = dict(output.files)
    if path is not None and output.stdout:
        targets[path] = output.stdout
    for target, text in targets.items():
        write_whole(target, text)
    if path is None:
        write_stdout(output.stdout)


def write_stdout(text: str | Iterator[Bytes]) -> None:
    """Standard output: bytes straight to its binary buffer when it has one."""
    if isinstance(text, str):
        sys.stdout.write(text)
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(b"".join(text).decode("utf-8"))
        return
    sys.stdout.flush()
    write_blocks(buffer, text)
    buffer.flush()


def write_blocks(handle: IO[bytes], blocks: Iterator[Bytes]) -> None:
    """UTF-8 bytes, with the line breaks a text file has here (as writing text gives)."""
    for block in blocks:
        handle.write(block if os.linesep == "\n" else bytes(block).replace(b"\n", LINESEP))


LINESEP = os.linesep.encode()


def write_whole(target: Path, text: str | Iterator[Bytes]) -> None:
    """Write a file so that a reader never sees half of it: beside it, then renamed.

    Text is written as UTF-8; bytes (UTF-8 already) as they come, never decoded."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        # A device, a pipe or a link (/dev/null, /dev/stdout) is written through, never
        # replaced.
        if isinstance(text, str):
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            with open(target, "wb") as binary:
                write_blocks(binary, text)
        return
    temporary = target.with_name(f".{target.name}.partial")
    if isinstance(text, str):
        temporary.write_text(text, encoding="utf-8")
    else:
        with open(temporary, "wb") as binary:
            write_blocks(binary, text)
    os.replace(temporary, target)


# --- argument parsing -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The parser with its three subcommands."""
    parser = argparse.ArgumentParser(
        prog="nextsteps progress",
        description="Progress measures from CSV files (DfE methods), with no database.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_p8(commands)
    add_ks2(commands)
    add_estimates(commands)
    return parser


def add_common(parser: argparse.ArgumentParser, prior_bands: str) -> None:
    """Options shared by the subcommands."""
    parser.add_argument(
        "--nominal",
        type=Path,
        metavar="FILE",
        default=DATA_DIR / "ks2_nominal_scores.csv",
        help="KS2 nominal scores by year (default: the DfE table shipped with nextsteps)",
    )
    parser.add_argument(
        "--ks2-year",
        type=int,
        metavar="YYYY",
        help="year of the KS2 tests, to choose the nominal scores",
    )
    parser.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        help="JSON report (default) or CSV with one row per pupil",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write here instead of standard output"
    )
    if prior_bands:
        parser.add_argument(
            "--prior-bands",
            type=cut_points,
            default=cut_points(prior_bands),
            metavar="LOW,HIGH",
            help=f"prior attainment bands: low below LOW, high from HIGH (default {prior_bands})",
        )


def cut_points(text: str) -> tuple[float, float]:
    """Two increasing numbers, "LOW,HIGH"."""
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH, found {text!r}") from None
    if not low < high:
        raise argparse.ArgumentTypeError("LOW must be below HIGH")
    return low, high


def add_p8(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`p8`: Progress 8 for a school's pupils."""
    parser = commands.add_parser(
        "p8",
        help="Progress 8 for a school's pupils",
        description="DfE Progress 8 from KS2 prior attainment and Attainment 8.",
    )
    parser.add_argument(
        "--pupils", type=Path, metavar="FILE", required=True, help="pupil file (CSV)"
    )
    parser.add_argument(
        "--estimates",
        type=Path,
        metavar="FILE",
        help="PAG estimates (CSV); needed unless the cohort has no KS2 baseline",
    )
    parser.add_argument(
        "--sd",
        type=Path,
        metavar="FILE",
        help="national SDs (CSV); needed with --estimates",
    )
    parser.add_argument(
        "--caps", type=Path, metavar="FILE", help="floors on extreme negative scores (CSV)"
    )
    add_baselines(parser, "the year the pupils left KS4 (their GCSE year)")
    parser.add_argument(
        "--internal-baseline",
        metavar="NAME",
        help="for a cohort with no KS2 baseline: measure from the school's own baseline, the "
        "pupil file's `baseline` column on the KS2 scale (an internal estimate, not the DfE "
        "measure)",
    )
    add_common(parser, "100,110")
    parser.set_defaults(run=run_p8)


def add_baselines(parser: argparse.ArgumentParser, cohort: str) -> None:
    """--cohort and --baselines: which national baseline the cohort has."""
    parser.add_argument(
        "--cohort",
        type=int,
        metavar="YYYY",
        help=f"{cohort}: checked against the baseline rule table; a cohort without the "
        "national baseline gets no score, and a year with no rule is refused",
    )
    parser.add_argument(
        "--baselines",
        type=Path,
        metavar="FILE",
        default=RULES_FILE,
        help="baseline rule table (default: the table shipped with nextsteps)",
    )


def add_ks2(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`ks2`: KS1–KS2 progress for a primary school's pupils."""
    parser = commands.add_parser(
        "ks2",
        help="KS1 to KS2 progress for a primary school's pupils",
        description="DfE KS1–KS2 progress: KS2 score − the national average of the PAG.",
    )
    parser.add_argument(
        "--pupils", type=Path, metavar="FILE", required=True, help="pupil file (CSV)"
    )
    parser.add_argument(
        "--pag", type=Path, metavar="FILE", required=True, help="KS1–KS2 PAG table (CSV)"
    )
    parser.add_argument(
        "--ks1-points",
        type=Path,
        metavar="FILE",
        default=DATA_DIR / "ks1_points.csv",
        help="KS1 outcome points (default: the table shipped with nextsteps)",
    )
    parser.add_argument(
        "--writing-points",
        type=Path,
        metavar="FILE",
        default=DATA_DIR / "ks2_writing_points.csv",
        help="KS2 writing teacher assessment points (default: shipped table)",
    )
    add_baselines(parser, "the year the pupils sat KS2")
    add_common(parser, "12,18")
    parser.set_defaults(run=run_ks2)


def add_estimates(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`estimates`: Progress 8 estimates from a reference population."""
    parser = commands.add_parser(
        "estimates",
        help="Progress 8 estimates, SDs and caps from a reference population",
        description="Estimates as the DfE computes them, from a national or trust file.",
    )
    parser.add_argument(
        "--population", type=Path, metavar="FILE", required=True, help="pupil file (CSV)"
    )
    parser.add_argument(
        "--bands",
        type=Path,
        metavar="FILE",
        default=DATA_DIR / "progress8_estimates_2024.csv",
        help="estimates file whose PAG bands to use (default: DfE 2024)",
    )
    parser.add_argument(
        "--estimates-out", type=Path, metavar="FILE", help="write the estimates CSV here"
    )
    parser.add_argument(
        "--sd-out", type=Path, metavar="FILE", help="write the national SD CSV here"
    )
    parser.add_argument("--caps-out", type=Path, metavar="FILE", help="write the caps CSV here")
    add_common(parser, "")
    parser.set_defaults(run=run_estimates)


# --- commands ---------------------------------------------------------------------------


def ks2_codes(args: argparse.Namespace, writing: dict[str, float] | None = None) -> Ks2Codes:
    """KS2 code handling from --nominal and --ks2-year."""
    table = read_nominal(args.nominal)
    every_code = frozenset(code for year in table.values() for code in year)
    nominal = nominal_for_year(args.nominal, table, args.ks2_year)
    return Ks2Codes(nominal, every_code, writing or {})


def cohort_rule(args: argparse.Namespace, measure: str) -> BaselineRule | None:
    """The rule for --cohort (None without it); `UnknownCohort` for a year with no rule."""
    if args.cohort is None:
        return None
    return read_rules(args.baselines).rule(measure, args.cohort)


def run_p8(args: argparse.Namespace) -> Output:
    """Read, compute and render Progress 8 (or say why the cohort has none)."""
    rule = cohort_rule(args, "progress8")
    internal = args.internal_baseline
    if internal is not None and (rule is None or rule.available):
        raise UsageError(
            "--internal-baseline is only for a --cohort with no KS2 baseline (leavers of 2025 "
            "or 2026): where the DfE measure exists, use it"
        )
    if rule is not None and not rule.available and internal is None:
        attainment = read_attainment_pupils(args.pupils)
        built = report.p8_unavailable_report(attainment, args.cohort, rule)
        return Output(render(args, built, report.p8_unavailable_csv))
    if args.estimates is None or args.sd is None:
        raise UsageError("--estimates and --sd are needed to compute Progress 8")
    table = read_p8_estimates(args.estimates)
    national_sd = read_national_sd(args.sd)
    floors = read_caps(args.caps, table.pags) if args.caps else None
    pupils = read_p8_pupils(args.pupils, None if internal else ks2_codes(args))
    columns = pupils.columns
    if internal:
        average = columns["baseline"]
    else:
        average = ks2_average(columns["ks2_reading"], columns["ks2_maths"])
    result = progress8(average, columns, table, floors)
    if args.format == "csv" and not internal:
        # The CSV is the pupils' rows alone: written from the arrays, with no report built.
        return Output(report.p8_csv_bytes(pupils, result, table))
    groupings = [*pupils.groupings, prior_attainment_band(average, args.prior_bands)]
    built = report.p8_report(pupils, result, table, national_sd, groupings)
    if rule is not None:
        built = report.cohort_fields(args.cohort, rule) | built
    if internal:
        return Output(render_internal(args, built, internal))
    return Output(render(args, built, report.p8_csv))


def render_internal(args: argparse.Namespace, built: dict[str, Any], name: str) -> str:
    """Figures from a school's own baseline, labelled on every row and beside every figure."""
    if args.format == "csv":
        return report.p8_internal_csv(built, name)
    label = report.internal_estimate_fields(name)
    return report.json_text(label | built | {"school": label | built["school"]})


def run_ks2(args: argparse.Namespace) -> Output:
    """Read, compute and render KS1–KS2 progress (or say why the cohort has none)."""
    rule = cohort_rule(args, "ks1_ks2")
    if rule is not None and not rule.available:
        ids = read_pupils(args.pupils, {}).pupil_ids
        built = report.ks2_unavailable_report(ids, args.cohort, rule)
        return Output(render(args, built, report.ks2_unavailable_csv))
    codes = ks2_codes(args, read_points(args.writing_points))
    table, national_sd = read_ks1_ks2_table(args.pag)
    pupils = read_ks2_pupils(args.pupils, read_points(args.ks1_points), codes)
    columns = pupils.columns
    average = ks1_average(columns["ks1_reading"], columns["ks1_writing"], columns["ks1_maths"])
    ks2 = {subject: columns[f"ks2_{subject}"] for subject in KS2_SUBJECTS}
    result = ks1_ks2_progress(average, ks2, table)
    groupings = [*pupils.groupings, prior_attainment_band(average, args.prior_bands)]
    built = report.ks2_report(pupils, result, table, national_sd, groupings)
    if rule is not None:
        built = report.cohort_fields(args.cohort, rule) | built
    return Output(render(args, built, report.ks2_csv))


def run_estimates(args: argparse.Namespace) -> Output:
    """Read a population, compute estimates and write them as DfE-form files or JSON."""
    if args.format == "csv" and not (args.estimates_out and args.sd_out):
        raise UsageError("--format csv needs --estimates-out and --sd-out")
    codes = ks2_codes(args)
    bands = read_p8_estimates(args.bands)
    pupils = read_p8_pupils(args.population, codes)
    columns = pupils.columns
    average = ks2_average(columns["ks2_reading"], columns["ks2_maths"])
    population = population_estimates(average, columns, bands.bands, bands.pags)
    output = Output()
    outputs = (
        (args.estimates_out, report.estimates_csv),
        (args.sd_out, report.sd_csv),
        (args.caps_out, report.caps_csv),
    )
    for path, render_file in outputs:
        if path is not None:
            output.files[path] = render_file(population)
    if args.format == "json":
        excluded = len(pupils.pupil_ids) - population.n
        output.stdout = report.json_text(report.estimates_report(population, excluded))
    return output


def render(
    args: argparse.Namespace,
    built: dict[str, object],
    as_csv: Callable[[dict[str, object]], str],
) -> str:
    """The report as JSON or as CSV rows, one per pupil."""
    return as_csv(built) if args.format == "csv" else report.json_text(built)


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m nextsteps.progress.cli`."""
    return main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(run())
