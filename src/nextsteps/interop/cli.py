"""The interop subcommands of `nextsteps import` and `nextsteps export`.

    nextsteps import oneroster PATH [--dry-run] [--skip-conflicts]
    nextsteps import ctf FILE [--dry-run] [--skip-conflicts] [--school URN]
    nextsteps import pupils FILE --school URN [--dry-run] [--skip-conflicts]
    nextsteps import classes|enrolments FILE --school URN [--dry-run]
    nextsteps import marks FILE --school URN --assessment ID|NAME [--taken-on DATE] [--dry-run]
    nextsteps export oneroster DIR --school ID [--version 1.1|1.2]
    nextsteps export ctf --school URN --pupil UPN [--pupil UPN ...] FILE

Long work shows a progress bar (tqdm) on standard error and ends with a summary of what
changed. Bad input ends with every problem by file, line and column, and nothing written.
A row whose UPN (or sourcedId) names an existing pupil who is someone else is a conflict: the
import stops, listing each, unless --skip-conflicts asks to apply everything else.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from nextsteps.people.kernels.problems import IdentityConflicts, ImportProblems
from nextsteps.schools.models import School

IMPORT_KINDS = frozenset({"oneroster", "ctf", "pupils", "classes", "enrolments", "marks"})
EXPORT_KINDS = frozenset({"oneroster", "ctf"})
SKIP_CONFLICTS_HELP = (
    "apply everything else when rows name an existing pupil who is someone else (same UPN or "
    "sourcedId, different surname and date of birth); those pupils are left unchanged"
)


def add_import_parsers(kinds: Any) -> None:
    oneroster = kinds.add_parser(
        "oneroster",
        help="pupils, staff, parents, classes and enrolments from a OneRoster CSV set",
        description=(
            "Import a OneRoster 1.1 or 1.2 CSV set (a folder or a .zip), bulk or delta. "
            "A school org is the school with its URN: the org's identifier when that is a "
            "URN, or --urn SOURCEDID=URN; a URN no school has yet makes a new school. Pupils "
            "need their UPN as their identifier. Importing the same set again changes nothing."
        ),
    )
    oneroster.add_argument("path", type=Path, help="a folder of CSV files or a .zip")
    oneroster.add_argument(
        "--urn",
        action="append",
        default=[],
        metavar="SOURCEDID=URN",
        help="the URN of the school org with this sourcedId (repeatable), when its identifier "
        "in orgs.csv is not its URN",
    )
    oneroster.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    oneroster.add_argument("--skip-conflicts", action="store_true", help=SKIP_CONFLICTS_HELP)
    ctf = kinds.add_parser(
        "ctf",
        help="pupils, SEN and FSM history and key stage results from a Common Transfer File",
        description="Import a DfE Common Transfer File (XML) into the destination school.",
    )
    ctf.add_argument("path", type=Path, help="the CTF .xml file")
    ctf.add_argument("--school", type=int, help="URN (default: the file's destination school)")
    ctf.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    ctf.add_argument("--skip-conflicts", action="store_true", help=SKIP_CONFLICTS_HELP)
    for kind, what in (
        ("pupils", "pupils and their characteristics"),
        ("classes", "classes"),
        ("enrolments", "pupils' places in classes"),
    ):
        sheet = kinds.add_parser(
            kind,
            help=f"{what} from a CSV or XLSX spreadsheet (management-system headers recognised)",
            description=f"Import {what} from a CSV or XLSX spreadsheet.",
        )
        sheet.add_argument("path", type=Path)
        sheet.add_argument("--school", type=int, required=True, help="the school's URN")
        sheet.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
        if kind == "pupils":
            sheet.add_argument("--skip-conflicts", action="store_true", help=SKIP_CONFLICTS_HELP)
    marks = kinds.add_parser(
        "marks",
        help="a test's marks from a CSV or XLSX spreadsheet (a column per question, or a total)",
        description=(
            "Import a test's marks from a CSV or XLSX spreadsheet: a row per pupil with their "
            "UPN, and a column per question (headed Q1, Question 1 or 1) or a Total column for "
            "a test of one question. Empty cells leave marks as they are."
        ),
    )
    marks.add_argument("path", type=Path)
    marks.add_argument("--school", type=int, required=True, help="the school's URN")
    marks.add_argument(
        "--assessment", required=True, metavar="ID|NAME", help="the test's id, or its exact name"
    )
    marks.add_argument(
        "--taken-on", type=_date, metavar="YYYY-MM-DD", help="the date sat, when names repeat"
    )
    marks.add_argument("--dry-run", action="store_true", help="check and count; write nothing")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def add_export_parsers(kinds: Any) -> None:
    oneroster = kinds.add_parser(
        "oneroster",
        help="a school as a OneRoster CSV set, with standings as results",
        description="Write a school's OneRoster bulk CSV set into a folder (or a .zip).",
    )
    oneroster.add_argument("path", type=Path, help="a folder to write into, or a .zip file")
    oneroster.add_argument(
        "--school", required=True, help="the school's URN or its OneRoster sourcedId"
    )
    oneroster.add_argument(
        "--version", dest="oneroster_version", choices=["1.1", "1.2"], default="1.2"
    )
    ctf = kinds.add_parser(
        "ctf",
        help="a Common Transfer File for leavers",
        description="Write a Common Transfer File (XML) for one or more pupils.",
    )
    ctf.add_argument("path", type=Path, help="the .xml file to write")
    ctf.add_argument("--school", type=int, required=True, help="the school's URN")
    ctf.add_argument(
        "--pupil", action="append", required=True, metavar="UPN", help="a pupil's UPN (repeat)"
    )
    ctf.add_argument("--to", dest="destination", default="", help="destination LA and estab")


class Bar:
    """Progress through tqdm: one bar per stage, on standard error."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, unit=" rows", leave=False)
        if self.bar is not None:
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def school_by_id(identifier: str | int) -> School:
    """A school by URN, or by the OneRoster sourcedId it was imported with."""
    from nextsteps.interop.models import SourcedId

    text = str(identifier).strip()
    school = School.objects.filter(urn=int(text)).first() if text.isdigit() else None
    if school is None:
        entry = SourcedId.objects.filter(kind=SourcedId.Kind.ORG, sourced_id=text).first()
        school = School.objects.filter(pk=entry.school_id).first() if entry else None
    if school is None:
        raise CommandError(f"no school with URN or sourcedId {text!r}")
    return school


def run_import(command: BaseCommand, options: dict[str, Any]) -> None:
    kind, path = options["kind"], options["path"]
    bar = Bar(enabled=options.get("verbosity", 1) > 0)
    try:
        if kind == "oneroster":
            lines = _import_oneroster(path, options, bar)
        elif kind == "ctf":
            lines = _import_ctf(path, options)
        elif kind == "marks":
            lines = _import_marks(path, options)
        else:
            lines = _import_sheet(kind, path, options)
    except IdentityConflicts as conflicts:
        bar.close()
        raise CommandError(
            f"Nothing was imported: {len(conflicts.conflicts)} rows name an existing pupil who is "
            "someone else (the UPN or sourcedId matches, the legal surname and date of birth "
            f"do not).\n{conflicts.describe()}\n"
            "Check these pupils. To import everything else and leave them unchanged, run the "
            "same command again with --skip-conflicts."
        ) from conflicts
    except ImportProblems as problems:
        bar.close()
        count = len(problems.problems)
        raise CommandError(
            f"Nothing was imported: {count} problem{'' if count == 1 else 's'}.\n"
            f"{problems.describe()}"
        ) from problems
    except (OSError, ValueError) as error:
        bar.close()
        raise CommandError(str(error)) from error
    bar.close()
    for line in lines:
        command.stdout.write(line)


def _import_oneroster(path: Path, options: dict[str, Any], bar: Bar) -> list[str]:
    from nextsteps.interop.kernels.oneroster import OneRosterSet
    from nextsteps.interop.oneroster_import import oneroster_import, parse_urn_options

    if not path.exists():
        raise OSError(f"{path} does not exist")
    summary = oneroster_import(
        source=OneRosterSet.from_path(path),
        by=None,
        dry_run=options["dry_run"],
        skip_conflicts=options.get("skip_conflicts", False),
        progress=bar,
        urns=parse_urn_options(options.get("urn") or []),
    )
    return summary.lines() + summary.identity.lines()


def _import_ctf(path: Path, options: dict[str, Any]) -> list[str]:
    from nextsteps.interop.ctf_import import ctf_import

    school = school_by_id(options["school"]) if options.get("school") else None
    summary = ctf_import(
        data=path.read_bytes(),
        filename=path.name,
        school=school,
        by=None,
        dry_run=options["dry_run"],
        skip_conflicts=options.get("skip_conflicts", False),
    )
    return summary.lines() + summary.identity.lines()


def _import_sheet(kind: str, path: Path, options: dict[str, Any]) -> list[str]:
    from nextsteps.interop.kernels.sheets import read_table
    from nextsteps.interop.sheets_import import sheet_import

    school = school_by_id(options["school"])
    table = read_table(path.read_bytes(), path.name)
    summary = sheet_import(
        school=school,
        kind=kind,
        table=table,
        mapping=None,
        by=None,
        dry_run=options["dry_run"],
        skip_conflicts=options.get("skip_conflicts", False),
    )
    return summary.lines() + summary.identity.lines()


def _import_marks(path: Path, options: dict[str, Any]) -> list[str]:
    from nextsteps.interop.kernels.sheets import read_table
    from nextsteps.interop.sheets_marks import marks_sheet_import

    school = school_by_id(options["school"])
    assessment = assessment_by_id(school, options["assessment"], options.get("taken_on"))
    table = read_table(path.read_bytes(), path.name)
    summary = marks_sheet_import(
        assessment=assessment, table=table, mapping=None, by=None, dry_run=options["dry_run"]
    )
    return summary.lines()


def assessment_by_id(school: School, identifier: str, taken_on: dt.date | None = None) -> Any:
    """A school's test by its id, or by its exact name (and date, when the name repeats)."""
    from nextsteps.assessments.models import Assessment

    tests = Assessment.objects.filter(school=school)
    text = identifier.strip()
    found = list(tests.filter(pk=int(text))) if text.isdigit() and len(text) < 10 else []
    if not found:
        found = list(tests.filter(name__iexact=text).order_by("-taken_on"))
        if taken_on is not None:
            found = [test for test in found if test.taken_on == taken_on]
    if not found:
        raise CommandError(f"{school.name} has no test with the id or name {text!r}")
    if len(found) > 1:
        dates = ", ".join(f"{test.taken_on} (id {test.pk})" for test in found)
        raise CommandError(
            f"{school.name} has {len(found)} tests named {text!r}: {dates}; "
            "choose one with --taken-on or its id"
        )
    return found[0]


def run_export(command: BaseCommand, options: dict[str, Any]) -> None:
    if options["kind"] == "oneroster":
        _export_oneroster(command, options)
    else:
        _export_ctf(command, options)


def _export_oneroster(command: BaseCommand, options: dict[str, Any]) -> None:
    from nextsteps.interop.oneroster_export import oneroster_export, oneroster_zip

    school = school_by_id(options["school"])
    bar = Bar(enabled=options.get("verbosity", 1) > 0)
    files = oneroster_export(school=school, version=options["oneroster_version"], progress=bar)
    bar.close()
    path: Path = options["path"]
    if path.suffix.lower() == ".zip":
        path.write_bytes(oneroster_zip(files))
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (path / name).write_bytes(data)
    rows = {name: data.count(b"\r\n") - 1 for name, data in files.items() if name != "manifest.csv"}
    command.stdout.write(
        f"Wrote OneRoster {options['oneroster_version']} for {school.name} to {path}: "
        + ", ".join(f"{name} {count}" for name, count in sorted(rows.items()))
    )


def _export_ctf(command: BaseCommand, options: dict[str, Any]) -> None:
    from nextsteps.interop.ctf_export import ctf_export

    school = school_by_id(options["school"])
    try:
        data = ctf_export(school=school, upns=options["pupil"], destination=options["destination"])
    except ValueError as error:
        raise CommandError(str(error)) from error
    options["path"].write_bytes(data)
    command.stdout.write(
        f"Wrote a CTF for {len(options['pupil'])} pupils of {school.name} to {options['path']}"
    )
