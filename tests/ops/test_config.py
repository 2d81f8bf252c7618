"""Production services from the environment: object storage, the task queue, the replica."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from nextsteps.ops import config


def test_files_stay_on_local_disk_unless_a_bucket_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("S3_BUCKET", raising=False)
    assert config.file_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_gives_private_signed_never_overwritten_object_storage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("S3_BUCKET", "hollins-evidence")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "id")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "secret")
    storage = config.file_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "hollins-evidence"
    assert options["querystring_auth"] is True and options["default_acl"] is None
    assert options["file_overwrite"] is False
    assert options["endpoint_url"] == "https://s3.example.org"
    from storages.backends.s3 import S3Storage

    assert S3Storage(**options).bucket_name == "hollins-evidence"


def test_half_a_key_pair_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3_BUCKET", "b")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "id")
    monkeypatch.delenv("S3_SECRET_ACCESS_KEY", raising=False)
    with pytest.raises(
        ImproperlyConfigured, match="set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"
    ):
        config.file_storage()


def test_tasks_run_inline_unless_the_database_queue_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    assert config.task_settings()["default"]["BACKEND"].endswith("ImmediateBackend")
    monkeypatch.setenv("TASKS_BACKEND", "database")
    assert config.task_settings()["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    monkeypatch.setenv("TASKS_BACKEND", "celery")
    with pytest.raises(
        ImproperlyConfigured, match="TASKS_BACKEND must be one of database, immediate"
    ):
        config.task_settings()


def test_the_replica_must_use_the_same_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    default = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    assert config.replica_database(default) is None
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@10.0.0.12:5432/nextsteps")
    replica = config.replica_database(default)
    assert replica is not None
    assert replica["HOST"] == "10.0.0.12" and replica["TEST"] == {"MIRROR": "default"}
    monkeypatch.setenv("DATABASE_REPLICA_URL", "sqlite:///elsewhere.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="same database engine"):
        config.replica_database(default)
