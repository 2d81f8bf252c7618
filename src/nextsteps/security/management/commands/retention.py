"""`nextsteps retention [--school URN] [--dry-run] [--today DATE]`: erase leavers' data once the
school's retention period has passed, and report what was (or would be) erased."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nextsteps.schools.models import School
from nextsteps.security.services import retention_run


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2027-09-01, not {value!r}") from error


class Command(BaseCommand):
    help = "Erase the data of pupils who left longer ago than their school keeps it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, metavar="URN", help="one school (default: all)")
        parser.add_argument("--dry-run", action="store_true", help="report only; erase nothing")
        parser.add_argument("--today", help="the date to judge by (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        schools = School.objects.order_by("name")
        if options["school"] is not None:
            schools = schools.filter(urn=options["school"])
            if not schools.exists():
                raise CommandError(f"no school with URN {options['school']}")
        dry = options["dry_run"]
        total = 0
        for school in schools:
            run = retention_run(school=school, today=today, by=None, dry_run=dry)
            verb = "would erase" if dry else "erased"
            self.stdout.write(
                f"{school.name} (URN {school.urn}): keeps leavers' data {run.months} months; "
                f"{verb} {len(run.pupils)} pupils who left on or before "
                f"{run.left_on_or_before.isoformat()}"
            )
            for pupil, erasure in zip(
                run.pupils,
                run.erased or [None] * len(run.pupils),  # type: ignore[list-item]
                strict=True,
            ):
                rows = erasure.rows if erasure is not None else pupil["records"]
                self.stdout.write(
                    f"  {pupil['upn']}  {pupil['name']}  left {pupil['left'].isoformat()}  "
                    f"{rows} records"
                    + (f", {len(erasure.files)} files" if erasure is not None else "")
                )
            total += len(run.pupils)
        self.stdout.write(
            f"{'Dry run: ' if dry else ''}{total} pupils {'would be ' if dry else ''}erased in all."
        )
