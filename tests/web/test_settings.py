from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from nextsteps import settings


def test_booleans_from_the_environment_refuse_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "yes")
    assert settings.env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        settings.env_bool("FLAG", False)


def test_numbers_from_the_environment_refuse_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a whole number"):
        settings.env_int("COUNT", 1)


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests' conftest allows async-unsafe calls in this process; not in production.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full = {key: value for key, value in os.environ.items() if key not in dropped}
    full.update(env)
    return subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [sys.executable, "-m", "nextsteps.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_check(tmp_path: object) -> None:
    result = run_check(
        {
            "NEXTSTEPS_PRODUCTION": "true",
            "SECRET_KEY": "k7#Qp2vX9z!mR4tL8wB1nJ6yH3cF5dG0sA2eU7iO9pK4qW8rT1xZ3vN6bM5",
            "ALLOWED_HOSTS": "nextsteps.example.org",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_check({"NEXTSTEPS_PRODUCTION": "true", "SECRET_KEY": "", "ALLOWED_HOSTS": "x.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
