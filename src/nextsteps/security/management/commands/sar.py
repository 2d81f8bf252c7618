"""`nextsteps sar --school URN --upn UPN OUT.zip`: a pupil's subject access export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.people.models import Pupil
from nextsteps.security.sar import subject_access_export


class Command(BaseCommand):
    help = "Write everything held about one pupil to a zip file (subject access request)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, required=True, metavar="URN")
        parser.add_argument("--upn", required=True, help="the pupil's unique pupil number")
        parser.add_argument("out", type=Path, help="the zip file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        upn = options["upn"].strip().upper()
        pupil = (
            Pupil.objects.select_related("school")
            .filter(school__urn=options["school"], upn=upn)
            .first()
        )
        if pupil is None:
            raise CommandError(
                f"no pupil with UPN {upn} at the school with URN {options['school']}"
            )
        out: Path = options["out"]
        if out.exists():
            raise CommandError(f"{out} already exists; choose a new file name")
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent} is not a folder")
        with out.open("wb") as handle:
            summary = subject_access_export(pupil=pupil, out=handle)
        audit_write(
            actor=None,
            action=AuditAction.PUPIL_EXPORT,
            target=pupil,
            after={
                "rows": summary.rows,
                "files": summary.files,
                "kind": "subject access",
                "by": "command line",
            },
        )
        self.stdout.write(
            f"{out}: {summary.rows} records of {summary.models} kinds and {summary.files} files "
            f"about {pupil.name} ({pupil.upn})"
        )
