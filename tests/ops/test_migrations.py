"""The migrations build a working database from nothing, on the database the suite runs on.

The rest of the suite makes its test databases straight from the models (pytest-django's
`--nomigrations`: applying every migration takes about half a minute, once per worker and run),
and `makemigrations --check` in `make unit` proves the migrations describe those same models.
This test is what shows the migrations themselves run: `nextsteps migrate` on an empty
database, as `make run` and an upgrade do, then the shipped DfE tables are there and nothing
is left to migrate.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

NEXTSTEPS = Path(sys.executable).parent / "nextsteps"


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL for a new, empty database of the kind the suite runs on."""
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"nextsteps_migrate_{uuid.uuid4().hex[:8]}"
    server = {
        "host": default.get("HOST") or "127.0.0.1",
        "port": default.get("PORT") or 5432,
        "user": default.get("USER") or "postgres",
        "password": default.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{server['password']}" if server["password"] else ""
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def nextsteps(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DATABASE_REPLICA_URL", None)
    return subprocess.run(  # noqa: S603 - the product's own command
        [str(NEXTSTEPS), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_migrations_build_an_empty_database_with_the_shipped_tables(empty_database: str) -> None:
    migrated = nextsteps(empty_database, "migrate", "--noinput", "-v", "1")
    assert migrated.returncode == 0, migrated.stderr
    assert "Applying progress.0002_shipped_tables... OK" in migrated.stdout
    left = nextsteps(empty_database, "migrate", "--check", "--plan")
    assert left.returncode == 0, left.stdout + left.stderr
    tables = nextsteps(
        empty_database,
        "shell",
        "--no-imports",
        "-c",
        "from nextsteps.progress.models import ReferenceTable; "
        "print(ReferenceTable.objects.filter(source='dfe').count())",
    )
    assert tables.returncode == 0, tables.stderr
    assert int(tables.stdout.strip()) > 0
