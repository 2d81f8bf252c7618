"""Backups: the database and every stored file in one archive, and the way back.

SQLite is copied with its online backup API (consistent while the site is in use);
PostgreSQL with `pg_dump --format=custom` and brought back with `pg_restore`. Files are read
and written through Django's storage API, so local disk and object storage back up alike. The
manifest counts the rows of every table and holds the SHA-256 of every member.

A restore is all or nothing: the whole archive is read and checked first (every member's
name and kind, its checksum, the database's tables and row counts) and only then is anything
replaced; a bad archive changes nothing and the error names the member at fault.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

FORMAT = "nextsteps-backup/2"
# Format 1 had no checksums; its archives are still read, with every other check.
READABLE_FORMATS = frozenset({"nextsteps-backup/1", FORMAT})
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
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
    checksums: dict[str, str] = field(default_factory=dict)  # member name -> SHA-256

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
            member = SQLITE_MEMBER
        else:
            counts = _dump_postgres(settings_dict, dump)
            member = POSTGRES_MEMBER
        archive.add(dump, member)
        checksums = {member: _sha256_of_file(dump)}
        for name in _stored_files(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            info = tarfile.TarInfo(f"{MEDIA_PREFIX}{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            checksums[info.name] = hashlib.sha256(data).hexdigest()
        manifest = Manifest(
            engine=engine,
            created_at=timezone.now().isoformat(),
            tables=counts,
            files=len(checksums) - 1,
            checksums=checksums,
        )
        body = json.dumps({"format": FORMAT, **manifest.__dict__}, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST_MEMBER)
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    return manifest


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# What reading a damaged or cut-short gzip or tar stream raises.
_DAMAGED = (tarfile.TarError, EOFError, zlib.error, OSError)


def read_manifest(archive_path: Path) -> Manifest:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST_MEMBER)
            if member is None:
                raise KeyError(MANIFEST_MEMBER)
            data = json.loads(member.read())
    except (EOFError, zlib.error) as error:
        raise BackupError(f"{archive_path} is damaged or cut short: {error}") from error
    except (*_DAMAGED, KeyError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive_path} is not a nextsteps backup: {error}") from error
    if not isinstance(data, dict) or data.get("format") not in READABLE_FORMATS:
        found = data.get("format") if isinstance(data, dict) else None
        raise BackupError(f"{archive_path} is a backup in format {found!r}, not {FORMAT}")
    try:
        return Manifest(
            engine=str(data["engine"]),
            created_at=str(data["created_at"]),
            tables={str(name): int(rows) for name, rows in data["tables"].items()},
            files=int(data["files"]),
            checksums={str(name): str(sha) for name, sha in data.get("checksums", {}).items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{archive_path}: its manifest is incomplete ({error})") from error


def _member_problem(info: tarfile.TarInfo, database_member: str) -> str | None:
    """Why this member may not be restored, or None: only regular files, under the names a
    backup writes, with no absolute path and no `..` (they would write outside the folder)."""
    name = info.name
    parts = PurePosixPath(name).parts
    if name.startswith("/") or "\\" in name or (parts and parts[0].endswith(":")):
        return "has an absolute path"
    if ".." in parts:
        return "climbs out of its folder with '..'"
    if info.issym() or info.islnk():
        return "is a link"
    if info.isdir():
        inside_media = name.rstrip("/") == "media" or name.startswith(MEDIA_PREFIX)
        return None if inside_media else "is a folder a backup does not hold"
    if not info.isreg():
        return "is a device, pipe or other special file"
    if name in {MANIFEST_MEMBER, database_member}:
        return None
    if name.startswith(MEDIA_PREFIX) and len(parts) > 1:
        return None
    return "is not part of a nextsteps backup"


def _unpack_checked(archive_path: Path, manifest: Manifest, scratch: Path) -> list[str]:
    """Read every member into `scratch`, checking names, kinds and checksums; return the
    stored files' names. Nothing outside `scratch` is touched."""
    database_member = SQLITE_MEMBER if manifest.engine == "sqlite" else POSTGRES_MEMBER
    seen: dict[str, str] = {}
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for info in archive:
                problem = _member_problem(info, database_member)
                if problem is not None:
                    raise BackupError(f"{archive_path}: the member {info.name!r} {problem}")
                if not info.isreg():
                    continue
                if info.name in seen:
                    raise BackupError(f"{archive_path}: the member {info.name!r} appears twice")
                seen[info.name] = _unpack_member(archive, info, scratch)
    except _DAMAGED as error:
        raise BackupError(f"{archive_path} is damaged or cut short: {error}") from error
    _check_members(archive_path, manifest, seen, database_member)
    return sorted(name for name in seen if name.startswith(MEDIA_PREFIX))


def _unpack_member(archive: tarfile.TarFile, info: tarfile.TarInfo, scratch: Path) -> str:
    handle = archive.extractfile(info)
    if handle is None:
        raise tarfile.ReadError(f"cannot read {info.name}")
    target = scratch.joinpath(*PurePosixPath(info.name).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _check_members(
    archive_path: Path, manifest: Manifest, seen: dict[str, str], database_member: str
) -> None:
    if database_member not in seen:
        raise BackupError(f"{archive_path}: the member {database_member!r} is missing")
    if manifest.checksums:  # format 1 has none: the gzip stream's own check is all there is
        _check_checksums(archive_path, manifest, seen)
    files = [name for name in seen if name.startswith(MEDIA_PREFIX)]
    if len(files) != manifest.files:
        raise BackupError(
            f"{archive_path} holds {len(files)} stored files; its manifest lists {manifest.files}"
        )


def _check_checksums(archive_path: Path, manifest: Manifest, seen: dict[str, str]) -> None:
    for name, sha in sorted(seen.items()):
        if name == MANIFEST_MEMBER:
            continue
        if name not in manifest.checksums:
            raise BackupError(f"{archive_path}: the member {name!r} is not in its manifest")
        if manifest.checksums[name] != sha:
            raise BackupError(
                f"{archive_path}: the member {name!r} does not match its checksum"
                " (the archive was changed or damaged)"
            )
    missing = sorted(set(manifest.checksums) - set(seen))
    if missing:
        raise BackupError(f"{archive_path}: the member {missing[0]!r} is missing")


def _check_database(archive_path: Path, manifest: Manifest, dump: Path) -> None:
    """The database member restores as it is described, checked before anything is replaced."""
    if manifest.engine == "postgresql":
        try:
            _run(["pg_restore", "--list", str(dump)], os.environ.copy())
        except BackupError as error:
            raise BackupError(f"{archive_path}: the member {POSTGRES_MEMBER!r}: {error}") from error
        return
    try:
        database = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            verdict = database.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            database.close()
        counts = _sqlite_counts(dump)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{archive_path}: the member {SQLITE_MEMBER!r}: {error}") from error
    if verdict != "ok":
        raise BackupError(f"{archive_path}: the member {SQLITE_MEMBER!r} is damaged: {verdict}")
    wrong = {t: (n, counts.get(t)) for t, n in manifest.tables.items() if counts.get(t) != n}
    if wrong or set(counts) != set(manifest.tables):
        raise BackupError(
            f"{archive_path}: the member {SQLITE_MEMBER!r} does not hold the tables and rows"
            f" its manifest lists: {wrong or sorted(set(counts) ^ set(manifest.tables))}"
        )


def backup_restore(
    archive_path: Path,
    *,
    alias: str = DEFAULT_DB_ALIAS,
    storage: Storage | None = None,
    force: bool = False,
) -> Manifest:
    """Bring back the database and files from a backup, then check every table's row count.

    The whole archive is checked first; a bad one raises `BackupError` with nothing replaced.
    Refuses to overwrite a database that already has tables unless `force` is given.
    """
    storage = storage or default_storage
    manifest = read_manifest(archive_path)
    connection = connections[alias]
    settings_dict = connection.settings_dict
    engine = _engine(settings_dict)
    if engine != manifest.engine:
        raise BackupError(f"this backup is of a {manifest.engine} database, not {engine}")
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        stored = _unpack_checked(archive_path, manifest, scratch)
        dump = scratch / (SQLITE_MEMBER if engine == "sqlite" else POSTGRES_MEMBER)
        _check_database(archive_path, manifest, dump)
        if not force and _has_tables(alias):
            raise BackupError(
                "the database already has tables; restore with --force to replace them"
            )
        connection.close()
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
        for member in stored:
            name = member.removeprefix(MEDIA_PREFIX)
            if storage.exists(name):
                storage.delete(name)
            storage.save(
                name, ContentFile(scratch.joinpath(*PurePosixPath(member).parts).read_bytes())
            )
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
