"""`nextsteps mtc form`: the JSON contract, the text form and errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nextsteps import cli as top_level
from nextsteps.mtc.kernels.check_form import form
from nextsteps.mtc.kernels.rules import CHECK_RULES_FILE


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = top_level.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_form_prints_exactly_practice_and_items_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "mtc", "form", "--seed", "7", "--format", "json")
    assert status == 0 and err == ""
    document = json.loads(out)
    assert list(document) == ["practice", "items"]
    assert len(document["practice"]) == 3 and len(document["items"]) == 25
    for pair in document["practice"] + document["items"]:
        assert isinstance(pair, list) and len(pair) == 2
        assert all(isinstance(number, int) for number in pair)
    made = form(7)
    assert document == {
        "practice": [list(q) for q in made.practice],
        "items": [list(q) for q in made.items],
    }


def test_json_is_the_default_and_the_same_for_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    _, first, _ = run(capsys, "mtc", "form", "--seed", "7")
    _, again, _ = run(capsys, "mtc", "form", "--seed", "7", "--format", "json")
    _, other, _ = run(capsys, "mtc", "form", "--seed", "8")
    assert first == again != other


def test_text_lists_the_questions_with_the_timing(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "mtc", "form", "--seed", "7", "--format", "text")
    assert status == 0
    assert "6 seconds each, 3-second pause" in out
    a, b = form(7).items[24]
    assert f"25. {a} × {b}" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["form"], "--seed"),
        (["form", "--seed", "seven"], "'seven' is not a whole number"),
        (["form", "--seed", "-3"], "'-3' is not a whole number of 0 or more"),
        (["form", "--seed", "7", "--format", "xml"], "invalid choice"),
        ([], "choose a command (form)"),
        (["shuffle"], "invalid choice"),
    ],
)
def test_bad_options_exit_2_with_a_message_and_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, "mtc", *args)
    assert status == 2 and out == ""
    assert message in err


def test_an_unusable_rules_file_exits_2_naming_file_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        CHECK_RULES_FILE.read_text(encoding="utf-8").replace("items: 25", "items: 0"),
        encoding="utf-8",
    )
    status, out, err = run(capsys, "mtc", "form", "--seed", "1", "--rules", str(path))
    assert status == 2 and out == ""
    assert f"{path}: items:" in err


def test_help_is_available(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "mtc", "form", "--help")
    assert status == 0 and "usage: nextsteps mtc form" in out


def test_the_kernel_and_the_command_import_no_django() -> None:
    code = (
        "import sys\n"
        "import nextsteps.cli, nextsteps.mtc.cli, nextsteps.mtc.kernels.check_form\n"
        "import nextsteps.mtc.kernels.fact_map, nextsteps.mtc.kernels.scores\n"
        "import nextsteps.mtc.kernels.rules\n"
        "from nextsteps.mtc.kernels.fact_map import Answer, fact_map\n"
        "assert nextsteps.cli.main(['mtc', 'form', '--seed', '3']) == 0\n"
        "fact_map([Answer(6, 7, True, 2.0)])\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'\n"
    )
    result = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
