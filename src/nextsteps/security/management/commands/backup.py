"""`nextsteps backup [OUT.tar.gz]`: the database and every stored file, in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nextsteps.ops.backup import BackupError, backup_create, default_archive_name


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "out", nargs="?", type=Path, help="archive to write (default: a dated name here)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"] or Path(default_archive_name())
        if out.exists():
            raise CommandError(f"{out} already exists; choose a new file name")
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent} is not a folder")
        try:
            manifest = backup_create(out)
        except BackupError as error:
            out.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{out}: {manifest.engine} database, {len(manifest.tables)} tables, "
            f"{manifest.rows} rows, {manifest.files} files"
        )
