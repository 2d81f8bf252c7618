"""`nextsteps backup` and `nextsteps restore` round-trip the database and the stored files, on
SQLite (online backup API) and on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import copy
import io
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend

from nextsteps.ops.backup import BackupError, backup_create, backup_restore, read_manifest
from tests.conftest import Cast
from tests.security.conftest import PNG


@pytest.fixture
def restore_target(tmp_path: Path) -> Iterator[str]:
    """A second, empty database to restore into: a new SQLite file or PostgreSQL database."""
    default = copy.deepcopy(connections["default"].settings_dict)
    alias = "restore_target"
    created = None
    if connections["default"].vendor == "sqlite":
        target = {**default, "NAME": str(tmp_path / "restored.sqlite3")}
    else:
        import psycopg

        created = f"nextsteps_restore_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            host=default["HOST"],
            port=default["PORT"] or None,
            user=default["USER"],
            password=default["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(f'CREATE DATABASE "{created}"')
        target = {**default, "NAME": created}
    # Made directly rather than added to settings: Django's test case allows such connections.
    connections[alias] = load_backend(target["ENGINE"]).DatabaseWrapper(target, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        if created:
            import psycopg

            with psycopg.connect(
                host=default["HOST"],
                port=default["PORT"] or None,
                user=default["USER"],
                password=default["PASSWORD"] or None,
                dbname="postgres",
                autocommit=True,
            ) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def count(alias: str, sql: str, *params: object) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def test_backup_and_restore_round_trip_the_database_and_files(
    cast: Cast, media: Path, restore_target: str, tmp_path: Path
) -> None:
    stored = default_storage.save("evidence/2026/11/working.png", ContentFile(PNG))
    archive = tmp_path / "backup.tar.gz"
    manifest = backup_create(archive)
    assert manifest.files == 1
    assert manifest.tables["people_pupil"] >= 30
    assert manifest.tables["markbook_judgement"] > 0
    restored_media = FileSystemStorage(location=tmp_path / "restored-media")
    restored = backup_restore(archive, alias=restore_target, storage=restored_media)
    assert restored.tables == manifest.tables  # backup_restore checks every table's count too
    assert (
        count(restore_target, "SELECT COUNT(*) FROM people_pupil WHERE upn = %s", cast.amara.upn)
        == 1
    )
    for table in ("markbook_judgement", "markbook_standing", "accounts_user", "django_migrations"):
        assert count(restore_target, f"SELECT COUNT(*) FROM {table}") == manifest.tables[table]  # noqa: S608
    with restored_media.open(stored, "rb") as handle:
        assert handle.read() == PNG


def test_restore_refuses_to_overwrite_a_database_unless_forced(
    cast: Cast, media: Path, restore_target: str, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    backup_create(archive)
    storage = FileSystemStorage(location=tmp_path / "restored-media")
    backup_restore(archive, alias=restore_target, storage=storage)
    with pytest.raises(BackupError, match="already has tables; restore with --force"):
        backup_restore(archive, alias=restore_target, storage=storage)
    again = backup_restore(archive, alias=restore_target, storage=storage, force=True)
    assert again.rows == read_manifest(archive).rows


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "holiday.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        info = tarfile.TarInfo("photo.jpg")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(CommandError, match="is not a nextsteps backup"):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_backup_command_reports_what_it_wrote(cast: Cast, media: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "nightly.tar.gz"
    call_command("backup", str(target), stdout=out)
    assert target.exists()
    assert "tables" in out.getvalue() and "rows" in out.getvalue()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target))
