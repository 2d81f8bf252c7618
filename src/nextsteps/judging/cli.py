"""`nextsteps cj`: comparative judgement on CSV files, with no database.

    nextsteps cj fit --comparisons FILE.csv [--estimator mle|nmm] [--anchors FILE.csv]
                     [--prior SD] [--format json|csv]

Errors in the input go to standard error naming the file, line and column, with exit status 2
and nothing on standard output; the output is written only once the whole fit has succeeded.
Warnings (rows skipped, a design that cannot support the figures) are in the JSON's `warnings`
list and beside the reliability; with CSV output they go to standard error.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
from dataclasses import dataclass
from typing import Any

from nextsteps.judging.kernels.bradley_terry import (
    Comparisons,
    DisconnectedDesignError,
    Fit,
    NonConvergenceError,
    fit,
)
from nextsteps.judging.kernels.files import (
    AnchorRow,
    InputError,
    read_anchors,
    read_numbered_comparisons,
)
from nextsteps.judging.kernels.fit_warnings import FitWarning, comparisons_warnings

SCRIPT_COLUMNS = ("script", "theta", "se", "infit", "outfit", "comparisons", "wins", "extreme")
JUDGE_COLUMNS = ("judge", "infit", "outfit", "comparisons", "misfit")
EXIT_INPUT = 2
EXIT_FIT = 1


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nextsteps cj",
        description="Comparative judgement on CSV files: fit a Bradley–Terry scale.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    fit_parser = commands.add_parser(
        "fit",
        help="fit a scale from a comparisons CSV",
        description=(
            "Fit a Bradley–Terry scale to judgements. The comparisons CSV has the columns "
            "judge, winner and loser (other columns, such as seconds, only tell repeated rows "
            "apart). A row comparing a script with itself, or repeating an earlier row in every "
            "column, is skipped with a warning naming its line. The output lists every script's "
            "theta, standard error, infit, outfit, comparisons, wins and whether it won or lost "
            "every comparison (extreme), the Scale Separation Reliability, each judge's infit, "
            "outfit and misfit flag, and warnings where the judgements cannot support the "
            "figures (no finite scale, one judge making most judgements, scripts with fewer "
            "than 5 comparisons)."
        ),
    )
    fit_parser.add_argument(
        "--comparisons", required=True, metavar="FILE.csv", help="judge, winner, loser"
    )
    fit_parser.add_argument(
        "--estimator",
        choices=("mle", "nmm"),
        default="mle",
        help="mle: maximum likelihood (default); nmm: No More Marking's eps = 0.3 adjusted scores",
    )
    fit_parser.add_argument(
        "--anchors", metavar="FILE.csv", help="script, theta: scripts whose scale values are fixed"
    )
    fit_parser.add_argument(
        "--prior", type=_positive, metavar="SD", help="Gaussian prior N(0, SD^2) on theta (MAP)"
    )
    fit_parser.add_argument(
        "--format", choices=("json", "csv"), default="json", help="default json"
    )
    return parser


def main(argv: list[str]) -> int:
    """Run `nextsteps cj ARGS`; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else EXIT_INPUT
    if args.command != "fit":
        parser.print_usage(sys.stderr)
        print("nextsteps cj: error: choose a command (fit)", file=sys.stderr)
        return EXIT_INPUT
    return _fit(args)


@dataclass(frozen=True)
class _Outcome:
    fit: Fit
    warnings: list[FitWarning]


def _fit(args: argparse.Namespace) -> int:
    try:
        result = _run(args.comparisons, args.anchors, args.estimator, args.prior)
    except InputError as error:
        return _fail(str(error), EXIT_INPUT)
    except DisconnectedDesignError as error:
        return _fail(f"{args.comparisons}: {error}", EXIT_INPUT)
    except NonConvergenceError as error:
        return _fail(f"{args.comparisons}: {error}", EXIT_FIT)
    if args.format == "json":
        sys.stdout.write(_json(result))
        return 0
    for warning in result.warnings:
        print(f"nextsteps cj fit: warning: {warning.sentence()}", file=sys.stderr)
    sys.stdout.write(_csv(result.fit))
    return 0


def _fail(message: str, status: int) -> int:
    print(f"nextsteps cj fit: error: {message}", file=sys.stderr)
    return status


def _run(
    comparisons_path: str, anchors_path: str | None, estimator: Any, prior: float | None
) -> _Outcome:
    read = read_numbered_comparisons(comparisons_path)
    anchors = read_anchors(anchors_path) if anchors_path else []
    comparisons = Comparisons.from_codes(
        read.scripts, read.judges, read.winner, read.loser, read.judge
    )
    _check_anchors(anchors, anchors_path, comparisons_path, set(comparisons.scripts))
    values = {anchor.script: anchor.theta for anchor in anchors}
    result = fit(comparisons, estimator=estimator, anchors=values, prior_sd=prior)
    warnings = comparisons_warnings(comparisons, anchors=list(values), skipped=read.skipped)
    return _Outcome(result, warnings)


def _check_anchors(
    anchors: list[AnchorRow], path: str | None, comparisons_path: str, scripts: set[str]
) -> None:
    for anchor in anchors:
        if anchor.script not in scripts:
            message = f"script '{anchor.script}' does not appear in {comparisons_path}"
            raise InputError(str(path), anchor.line, "script", message)


def _number(value: float) -> float | None:
    """JSON has no NaN or infinity: an undefined statistic is written as null."""
    return value if math.isfinite(value) else None


def _ordered_scripts(result: Fit) -> list[dict[str, Any]]:
    """Scripts from highest theta to lowest (ties by label), as output rows."""
    ordered = sorted(result.scripts, key=lambda s: (-s.theta, s.script))
    return [
        {
            "script": s.script,
            "theta": _number(s.theta),
            "se": _number(s.se),
            "infit": _number(s.infit),
            "outfit": _number(s.outfit),
            "comparisons": s.comparisons,
            "wins": s.wins,
            "extreme": s.extreme,
        }
        for s in ordered
    ]


def _json(outcome: _Outcome) -> str:
    import json  # only here: the CSV output needs no JSON module at start-up

    result = outcome.fit
    judges = [
        {
            "judge": j.judge,
            "infit": _number(j.infit),
            "outfit": _number(j.outfit),
            "comparisons": j.comparisons,
            "misfit": j.misfit,
        }
        for j in result.judges
    ]
    qualifying = [w.sentence() for w in outcome.warnings if w.qualifies_reliability]
    document = {
        "scripts": _ordered_scripts(result),
        "reliability": {
            "ssr": None if result.ssr is None else _number(result.ssr),
            "warnings": qualifying,
        },
        "judges": judges,
        "warnings": [w.sentence() for w in outcome.warnings],
    }
    return json.dumps(document, indent=2, allow_nan=False) + "\n"


def _csv(result: Fit) -> str:
    """The scripts as CSV, byte for byte what the csv module's writer makes of the rows.

    One f-string a row: floats as `repr` (as the writer writes them), NaN and infinities as
    empty cells, the flag as true/false, and a label quoted by the writer itself should it
    hold anything beyond letters, digits, `_`, `.` and `-`."""
    lines = [",".join(SCRIPT_COLUMNS)]
    lines += [
        f"{_label(s.script)},{_real(s.theta)},{_real(s.se)},{_real(s.infit)},"
        f"{_real(s.outfit)},{s.comparisons},{s.wins},{_cell(s.extreme)}"
        for s in sorted(result.scripts, key=lambda s: (-s.theta, s.script))
    ]
    lines.append("")
    return "\n".join(lines)


_PLAIN = re.compile(r"[A-Za-z0-9_.\-]+").fullmatch


def _label(text: str) -> str:
    """A label as a CSV cell: as it is when plain, else as the csv module's writer quotes it."""
    if _PLAIN(text) or not text:  # the writer quotes an empty cell only when alone in a row
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text])
    return buffer.getvalue()[:-1]


def _real(value: float) -> str:
    return repr(value) if math.isfinite(value) else ""


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
