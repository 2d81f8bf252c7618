"""Backups: the database and every stored file in one archive, and the way back.

SQLite is copied with its online backup API (consistent while the site is in use);
PostgreSQL with `pg_dump --format=custom` and brought back with `pg_restore`. Files are read
and written through Django's storage API, so local disk and object storage back up alike. The
manifest counts the rows of every table, and a restore checks the counts it brought back.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

FORMAT = "nextsteps-backup/1"
SQLITE_MEMBER = "database/nextsteps.sqlite3"
POSTGRES_MEMBER = "database/nextsteps.pgdump"


class BackupError(RuntimeError):
    """A backup or restore that could not be done, with the reason."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    tables: dict[str, int]
    files: int

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _engine(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


def table_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 - names from introspection
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - fixed programs, arguments we build
            command, env=env, capture_output=True, text=True, check=False, timeout=6 * 3600
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed (apt-get install postgresql-client)"
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _stored_files(storage, f"{folder}/{sub}" if folder else sub)


def _sqlite_counts(path: Path) -> dict[str, int]:
    database = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: int(database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])  # noqa: S608 - names from the catalogue
            for name in names
        }
    finally:
        database.close()


def _dump_postgres(settings_dict: dict[str, Any], dump: Path) -> dict[str, int]:
    """pg_dump and the row counts from one snapshot, so they agree while the site is in use."""
    import psycopg

    env = _pg_env(settings_dict)
    with psycopg.connect(
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
        dbname=env.get("PGDATABASE"),
    ) as database:
        database.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = database.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        names = [
            row[0]
            for row in database.execute(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = current_schema() ORDER BY tablename"
            )
        ]
        counts = {
            name: int(database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])  # type: ignore[index]  # noqa: S608
            for name in names
        }
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump}",
            ],
            env,
        )
    return counts


def backup_create(
    out: Path, *, alias: str = DEFAULT_DB_ALIAS, storage: Storage | None = None
) -> Manifest:
    """Write the database and the stored files to `out` (a .tar.gz archive)."""
    storage = storage or default_storage
    settings_dict = connections[alias].settings_dict
    engine = _engine(settings_dict)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(out, "w:gz") as archive:
        dump = Path(scratch) / "database"
        if engine == "sqlite":
            source = sqlite3.connect(settings_dict["NAME"])
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
            counts = _sqlite_counts(dump)
            archive.add(dump, SQLITE_MEMBER)
        else:
            counts = _dump_postgres(settings_dict, dump)
            archive.add(dump, POSTGRES_MEMBER)
        files = 0
        for name in _stored_files(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            info = tarfile.TarInfo(f"media/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            files += 1
        manifest = Manifest(
            engine=engine, created_at=timezone.now().isoformat(), tables=counts, files=files
        )
        body = json.dumps({"format": FORMAT, **manifest.__dict__}, indent=2).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    return manifest


def read_manifest(archive_path: Path) -> Manifest:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            data = json.loads(member.read())
    except (tarfile.TarError, KeyError, OSError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive_path} is not a nextsteps backup: {error}") from error
    if data.get("format") != FORMAT:
        raise BackupError(
            f"{archive_path} is a backup in format {data.get('format')!r}, not {FORMAT}"
        )
    return Manifest(
        engine=data["engine"],
        created_at=data["created_at"],
        tables=data["tables"],
        files=data["files"],
    )


def backup_restore(
    archive_path: Path,
    *,
    alias: str = DEFAULT_DB_ALIAS,
    storage: Storage | None = None,
    force: bool = False,
) -> Manifest:
    """Bring back the database and files from a backup, then check every table's row count.

    Refuses to overwrite a database that already has tables unless `force` is given.
    """
    storage = storage or default_storage
    manifest = read_manifest(archive_path)
    connection = connections[alias]
    settings_dict = connection.settings_dict
    engine = _engine(settings_dict)
    if engine != manifest.engine:
        raise BackupError(f"this backup is of a {manifest.engine} database, not {engine}")
    if not force and _has_tables(alias):
        raise BackupError("the database already has tables; restore with --force to replace them")
    connection.close()
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive_path, "r:gz") as archive:
        member = SQLITE_MEMBER if engine == "sqlite" else POSTGRES_MEMBER
        archive.extract(member, scratch, filter="data")
        dump = Path(scratch) / member
        if engine == "sqlite":
            _restore_sqlite(dump, Path(settings_dict["NAME"]))
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={settings_dict['NAME']}",
                    str(dump),
                ],
                _pg_env(settings_dict),
            )
        for info in archive.getmembers():
            if info.isfile() and info.name.startswith("media/"):
                name = info.name.removeprefix("media/")
                handle = archive.extractfile(info)
                if handle is None:  # a directory entry: nothing to restore
                    continue
                if storage.exists(name):
                    storage.delete(name)
                storage.save(name, ContentFile(handle.read()))
    restored = table_counts(alias)
    wrong = {t: (n, restored.get(t)) for t, n in manifest.tables.items() if restored.get(t) != n}
    if wrong:
        raise BackupError(f"restored row counts differ from the backup's: {wrong}")
    return manifest


def _has_tables(alias: str) -> bool:
    connection = connections[alias]
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        return False
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def _restore_sqlite(dump: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target)
    with destination:
        source.backup(destination)
    source.close()
    destination.close()


def default_archive_name(now: dt.datetime | None = None) -> str:
    moment = now or timezone.now()
    return f"nextsteps-backup-{moment:%Y%m%d-%H%M%S}.tar.gz"
