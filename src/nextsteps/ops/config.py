"""Settings for production services, from the environment (called by `nextsteps.settings`).

Each helper returns the plain settings value and refuses a half-configured service at start-up
rather than failing on the first request.
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPLICA = "replica"


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def replica_database(default: dict[str, Any]) -> dict[str, Any] | None:
    """The read replica from DATABASE_REPLICA_URL, or None when there is none.

    In tests the replica mirrors the default database, so reporting reads see the test's data.
    """
    url = _env("DATABASE_REPLICA_URL")
    if not url:
        return None
    replica = dj_database_url.parse(url, conn_max_age=default.get("CONN_MAX_AGE", 0))
    if replica["ENGINE"] != default["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must use the same database engine as DATABASE_URL"
        )
    replica["TEST"] = {"MIRROR": "default"}
    return dict(replica)


TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def task_settings() -> dict[str, Any]:
    """TASKS: inline by default; `TASKS_BACKEND=database` queues work for `nextsteps db_worker`."""
    name = _env("TASKS_BACKEND") or "immediate"
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be one of {', '.join(sorted(TASK_BACKENDS))}, not {name!r}"
        )
    return {"default": {"BACKEND": TASK_BACKENDS[name], "QUEUES": ["default", "reports"]}}


def file_storage() -> dict[str, Any]:
    """The default storage: local disk, or S3-compatible object storage when S3_BUCKET is set.

    Files stay private: every link is a short-lived signed URL (querystring auth), no public
    ACL, and files are never overwritten (a new upload gets a new name).
    """
    bucket = _env("S3_BUCKET")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(_env("S3_URL_EXPIRY_SECONDS") or 300),
        "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": "AES256"}
        if _env("S3_SERVER_SIDE_ENCRYPTION").lower() in {"1", "true", "yes"}
        else {},
    }
    for variable, option in (
        ("S3_ENDPOINT_URL", "endpoint_url"),
        ("S3_REGION", "region_name"),
        ("S3_ACCESS_KEY_ID", "access_key"),
        ("S3_SECRET_ACCESS_KEY", "secret_key"),
        ("S3_PREFIX", "location"),
    ):
        if _env(variable):
            options[option] = _env(variable)
    if bool(options.get("access_key")) != bool(options.get("secret_key")):
        raise ImproperlyConfigured("set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
