from __future__ import annotations

import subprocess
import sys

import pytest

from nextsteps.cli import main


def test_top_level_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("serve", "demo", "import", "export", "progress", "cj", "mtc", "token"):
        assert f"  {command}" in out


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["import", "--help"], "usage: nextsteps import "),
        (["import", "ctf", "--help"], "usage: nextsteps import ctf "),
        (["export", "--help"], "usage: nextsteps export "),
    ],
)
def test_subcommand_help_names_the_public_command(args: list[str], usage: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "nextsteps.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(usage), result.stdout.splitlines()[0]
    assert "_data" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--help"],
        ["demo", "--help"],
        ["import", "--help"],
        ["import", "framework", "--help"],
        ["import", "curriculum-oak", "--help"],
        ["export", "--help"],
        ["export", "framework", "--help"],
        ["migrate", "--help"],
    ],
)
def test_every_command_has_help(args: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "nextsteps.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
