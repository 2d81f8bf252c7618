"""`nextsteps restore ARCHIVE [--force]`: check a whole backup, then bring it back (or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nextsteps.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and files from a `nextsteps backup` archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already has tables"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file")
        try:
            manifest = backup_restore(archive, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest.created_at}: {len(manifest.tables)} tables and "
            f"{manifest.rows} rows checked, {manifest.files} files."
        )
