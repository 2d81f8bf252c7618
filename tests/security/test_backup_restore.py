"""`nextsteps backup` and `nextsteps restore` round-trip the database and the stored files, on
SQLite (online backup API) and on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import copy
import io
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend

from nextsteps.ops.backup import (
    BackupError,
    backup_create,
    backup_restore,
    read_manifest,
    table_counts,
)
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


# ------------------------------------------------------------- a bad archive changes nothing


def rewritten(good: Path, out: Path, change: Callable[[tarfile.TarFile], None]) -> Path:
    """A copy of the archive `good` with its members, then `change` applied to the copy."""
    with tarfile.open(good, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for info in source.getmembers():
            target.addfile(info, source.extractfile(info))
        change(target)
    return out


def add_member(archive: tarfile.TarFile, info: tarfile.TarInfo, data: bytes = b"") -> None:
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data) if data else None)


def climbing(archive: tarfile.TarFile) -> None:
    add_member(archive, tarfile.TarInfo("media/../../outside.txt"), b"escaped")


def linked(archive: tarfile.TarFile) -> None:
    link = tarfile.TarInfo("media/evidence/passwords.png")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    add_member(archive, link)


def absolute(archive: tarfile.TarFile) -> None:
    add_member(archive, tarfile.TarInfo("/nextsteps-absolute.txt"), b"x")


def device(archive: tarfile.TarFile) -> None:
    node = tarfile.TarInfo("media/null")
    node.type = tarfile.CHRTYPE
    add_member(archive, node)


def tampered_database(good: Path, out: Path, scratch: Path) -> Path:
    """The database member changed (a pupil's name) and packed again under the old manifest."""
    with tarfile.open(good, "r:gz") as source:
        source.extractall(scratch, filter="data")
    for member in ("database/nextsteps.sqlite3", "database/nextsteps.pgdump"):
        dump = scratch / member
        if dump.exists():
            data = bytearray(dump.read_bytes())
            index = data.find(b"Amara")  # PostgreSQL's dump is compressed: flip a byte instead
            if index >= 0:
                data[index : index + 5] = b"Zelda"
            else:
                data[len(data) // 2] ^= 0xFF
            dump.write_bytes(bytes(data))
    with tarfile.open(out, "w:gz") as target:
        for path in sorted(scratch.rglob("*")):
            if path.is_file():
                target.add(path, path.relative_to(scratch).as_posix())
    return out


def truncated(good: Path, out: Path) -> Path:
    data = good.read_bytes()
    out.write_bytes(data[: len(data) * 2 // 3])
    return out


def state(alias: str, media_root: Path) -> tuple[dict[str, int], dict[str, bytes], str]:
    files = {
        path.relative_to(media_root).as_posix(): path.read_bytes()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT legal_forename FROM people_pupil ORDER BY id")
        names = ",".join(str(row[0]) for row in cursor.fetchall())
    return table_counts(alias), files, names


@pytest.fixture
def restored(cast: Cast, media: Path, restore_target: str, tmp_path: Path) -> tuple[Path, Path]:
    """A good archive, already restored into the second database and a media folder."""
    default_storage.save("evidence/2026/11/working.png", ContentFile(PNG))
    good = tmp_path / "good.tar.gz"
    backup_create(good)
    media_root = tmp_path / "restored-media"
    backup_restore(good, alias=restore_target, storage=FileSystemStorage(location=media_root))
    return good, media_root


@pytest.mark.parametrize(
    ("name", "member"),
    [
        ("climbing", "media/../../outside.txt"),
        ("linked", "media/evidence/passwords.png"),
        ("absolute", "/nextsteps-absolute.txt"),
        ("device", "media/null"),
        ("tampered", "database/nextsteps."),
        ("truncated", "damaged or cut short"),
    ],
)
def test_a_bad_archive_is_refused_before_anything_is_replaced(
    restored: tuple[Path, Path], restore_target: str, tmp_path: Path, name: str, member: str
) -> None:
    good, media_root = restored
    before = state(restore_target, media_root)
    bad = tmp_path / f"{name}.tar.gz"
    changes = {"climbing": climbing, "linked": linked, "absolute": absolute, "device": device}
    if name in changes:
        rewritten(good, bad, changes[name])
    elif name == "tampered":
        tampered_database(good, bad, tmp_path / "unpacked")
    else:
        truncated(good, bad)
    storage = FileSystemStorage(location=media_root)
    with pytest.raises(BackupError) as refused:
        backup_restore(bad, alias=restore_target, storage=storage, force=True)
    assert member in str(refused.value)
    if name == "tampered":
        assert "does not match its checksum" in str(refused.value)
    assert state(restore_target, media_root) == before
    assert not (tmp_path / "outside.txt").exists()
    assert not Path("/nextsteps-absolute.txt").exists()


def test_a_member_added_to_the_media_is_refused(
    restored: tuple[Path, Path], restore_target: str, tmp_path: Path
) -> None:
    """A file slipped into an archive, under a proper name, is not in the manifest's list."""
    good, media_root = restored
    before = state(restore_target, media_root)
    bad = rewritten(
        good,
        tmp_path / "added.tar.gz",
        lambda archive: add_member(archive, tarfile.TarInfo("media/evidence/new.png"), PNG),
    )
    with pytest.raises(BackupError, match="media/evidence/new.png"):
        backup_restore(
            bad, alias=restore_target, storage=FileSystemStorage(location=media_root), force=True
        )
    assert state(restore_target, media_root) == before


def test_the_restore_command_names_the_bad_member_and_changes_nothing(
    cast: Cast, media: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.tar.gz"
    backup_create(good)
    bad = rewritten(good, tmp_path / "climbing.tar.gz", climbing)
    before = table_counts()
    with pytest.raises(CommandError, match=r"the member 'media/\.\./\.\./outside\.txt' climbs"):
        call_command("restore", str(bad), "--force")
    assert table_counts() == before
    assert not (tmp_path / "outside.txt").exists()
