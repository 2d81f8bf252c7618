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


def test_top_level_help_gives_every_product_command_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every management command the product ships is listed under its public name, once."""
    from django.core.management import get_commands

    from nextsteps.cli import INTERNAL_NAMES

    shipped = {
        INTERNAL_NAMES.get(name, name)
        for name, app in get_commands().items()
        if app.startswith("nextsteps")
    }
    assert {"token", "sync", "import", "export", "backup"} <= shipped
    assert main(["--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = [line.split()[0] for line in lines if line.startswith("  ")]
    for command in shipped | {"progress", "cj", "mtc"}:
        assert listed.count(command) == 1, f"{command} is not listed once in nextsteps --help"
    for line in lines:
        if line.startswith("  "):
            assert len(line.split(maxsplit=1)) == 2, f"{line!r} has no description"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "nextsteps.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["token", "--help"], "usage: nextsteps token "),
        (["token", "create", "--help"], "usage: nextsteps token create "),
        (["sync", "--help"], "usage: nextsteps sync "),
        (["mtc", "--help"], "usage: nextsteps mtc "),
        (["mtc", "form", "--help"], "usage: nextsteps mtc form "),
        (["progress", "p8", "--help"], "usage: nextsteps progress p8 "),
        (["cj", "--help"], "usage: nextsteps cj "),
        (["backup", "--help"], "usage: nextsteps backup "),
        (["retention", "--help"], "usage: nextsteps retention "),
        (["import_data", "--help"], "usage: nextsteps import "),
        (["help", "export"], "usage: nextsteps export "),
    ],
)
def test_each_command_help_names_itself_as_typed(args: list[str], usage: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(usage), result.stdout.splitlines()[0]
    assert "_data" not in result.stdout


def test_a_mistyped_subcommand_is_named_under_the_public_command() -> None:
    result = run_cli("import", "spreadsheet-of-doom")
    assert result.returncode != 0
    assert "nextsteps import: error:" in result.stderr
    assert "invalid choice: 'spreadsheet-of-doom'" in result.stderr
