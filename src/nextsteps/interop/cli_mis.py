"""The MIS subcommands of `nextsteps import`: attendance and the DfE register of schools.

    nextsteps import attendance FILE --school URN [--dry-run]
    nextsteps import gias FILE

(`nextsteps sync wonde` lives in its own command: it reads no file.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nextsteps.people.kernels.problems import ImportProblems

MIS_IMPORT_KINDS = frozenset({"attendance", "gias"})


def add_mis_import_parsers(kinds: Any) -> None:
    attendance = kinds.add_parser(
        "attendance",
        help="pupils' attendance this year from a CSV file (UPN, possible and attended sessions)",
        description=(
            "Import each pupil's attendance for the year so far from a CSV file with the "
            "columns UPN, Possible sessions, Attended sessions and, optionally, Academic year "
            "(2026/27). Shown as context beside the learning figures."
        ),
    )
    attendance.add_argument("path", type=Path)
    attendance.add_argument("--school", type=int, required=True, help="the school's URN")
    attendance.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    gias = kinds.add_parser(
        "gias",
        help="the DfE register of schools (Get Information about Schools establishments CSV)",
        description=(
            "Import the establishments file you downloaded from Get Information about Schools, "
            "so that a school set up here (by hand or by a sync) takes its name, phase, type "
            "and local authority from its URN."
        ),
    )
    gias.add_argument("path", type=Path)


def run_mis_import(command: BaseCommand, options: dict[str, Any]) -> None:
    path: Path = options["path"]
    try:
        data = path.read_bytes()
        if options["kind"] == "gias":
            lines = _gias(data, path.name)
        else:
            lines = _attendance(data, path.name, options)
    except ImportProblems as problems:
        raise CommandError(
            f"Nothing was imported: {len(problems.problems)} problems.\n{problems.describe()}"
        ) from problems
    except OSError as error:
        raise CommandError(str(error)) from error
    for line in lines:
        command.stdout.write(line)


def _gias(data: bytes, name: str) -> list[str]:
    from nextsteps.interop.kernels.gias import read_establishments
    from nextsteps.schools.services import register_import

    summary = register_import(establishments=read_establishments(data, name), by=None, file=name)
    return summary.lines(name)


def _attendance(data: bytes, name: str, options: dict[str, Any]) -> list[str]:
    from nextsteps.interop.attendance_import import attendance_import
    from nextsteps.interop.cli import school_by_id

    school = school_by_id(options["school"])
    summary = attendance_import(
        data=data, filename=name, school=school, by=None, dry_run=options["dry_run"]
    )
    return summary.lines()
