"""`nextsteps mtc`: multiplication tables check practice forms, with no database.

    nextsteps mtc form --seed N [--format json|text] [--rules FILE.yaml]

`--format json` (the default) prints exactly {"practice": [[a, b], …], "items": [[a, b], …]},
a being the table and b the multiplier; the same seed always gives the same form. Bad options
or a rules file that cannot be used go to standard error with exit status 2 and nothing on
standard output.
"""

from __future__ import annotations

import argparse
import json
import sys

from nextsteps.mtc.kernels.check_form import Form, NoFormError, form
from nextsteps.mtc.kernels.rules import CheckRules, RulesError, read_check_rules

EXIT_INPUT = 2


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 0 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nextsteps mtc",
        description="Multiplication tables check practice, in the shape of the statutory check.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    form_parser = commands.add_parser(
        "form",
        help="make a practice form for a seed",
        description=(
            "Make a practice form in the shape of the statutory check: the practice questions "
            "and then the items, each [table, multiplier], following the STA's multiplication "
            "tables check assessment framework (items per table, no fact twice, no fact with "
            "its reversal). The same seed always gives the same form."
        ),
    )
    form_parser.add_argument("--seed", type=_seed, required=True, metavar="N", help="0 or more")
    form_parser.add_argument(
        "--format", choices=("json", "text"), default="json", help="default json"
    )
    form_parser.add_argument(
        "--rules", metavar="FILE.yaml", help="the check's rules (default: the STA framework's)"
    )
    return parser


def main(argv: list[str]) -> int:
    """Run `nextsteps mtc ARGS`; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as stop:  # --help (0) and usage errors (2)
        return stop.code if isinstance(stop.code, int) else EXIT_INPUT
    if args.command != "form":
        parser.print_usage(sys.stderr)
        print("nextsteps mtc: error: choose a command (form)", file=sys.stderr)
        return EXIT_INPUT
    try:
        rules = read_check_rules(args.rules)
        made = form(args.seed, rules)
    except (RulesError, NoFormError) as error:
        print(f"nextsteps mtc form: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(_json(made) if args.format == "json" else _text(made, rules))
    return 0


def _json(made: Form) -> str:
    return json.dumps(made.as_document()) + "\n"


def _text(made: Form, rules: CheckRules) -> str:
    lines = ["Practice questions"]
    lines += [f"  {a} × {b}" for a, b in made.practice]
    lines.append(
        f"Check: {len(made.items)} questions, {rules.seconds_per_item} seconds each, "
        f"{rules.pause_seconds}-second pause between"
    )
    lines += [f"  {n:>2}. {a} × {b}" for n, (a, b) in enumerate(made.items, start=1)]
    return "\n".join(lines) + "\n"
