"""`nextsteps cj fit` on files: output formats, anchors, and errors that name file, line, column."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nextsteps import cli as top_level
from nextsteps.judging.cli import main
from nextsteps.judging.kernels.bradley_terry import Comparisons, fit

ROWS = [
    ("Ms Patel", "S1", "S2"),
    ("Ms Patel", "S2", "S3"),
    ("Ms Patel", "S3", "S1"),
    ("Mr Jones", "S1", "S3"),
    ("Mr Jones", "S2", "S1"),
    ("Mr Jones", "S1", "S4"),
    ("Ms Patel", "S4", "S2"),
    ("Mr Jones", "S3", "S4"),
    ("Ms Patel", "S5", "S4"),
    ("Mr Jones", "S5", "S1"),
]


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def comparisons(tmp_path: Path) -> str:
    lines = ["judge,winner,loser,seconds"] + [
        f"{j},{w},{lo},{30 + k}" for k, (j, w, lo) in enumerate(ROWS)
    ]
    return write(tmp_path / "comparisons.csv", "\n".join(lines) + "\n")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_fit_writes_scripts_reliability_and_judges_as_json(capsys, comparisons) -> None:
    status, out, err = run(capsys, "fit", "--comparisons", comparisons)
    assert status == 0 and err == ""
    document = json.loads(out)
    assert set(document) == {"scripts", "reliability", "judges", "warnings"}
    assert set(document["scripts"][0]) == {
        "script", "theta", "se", "infit", "outfit", "comparisons", "wins", "extreme",
    }  # fmt: skip
    assert set(document["judges"][0]) == {"judge", "infit", "outfit", "comparisons", "misfit"}
    thetas = [s["theta"] for s in document["scripts"]]
    assert thetas == sorted(thetas, reverse=True)
    expected = {s.script: s for s in fit(Comparisons.from_labels(ROWS)).scripts}
    for script in document["scripts"]:
        assert script["theta"] == pytest.approx(expected[script["script"]].theta)
        assert script["extreme"] == expected[script["script"]].extreme
    s5 = next(s for s in document["scripts"] if s["script"] == "S5")
    assert (s5["comparisons"], s5["wins"], s5["extreme"]) == (2, 2, True)
    assert abs(sum(thetas)) < 1e-9
    assert isinstance(document["reliability"]["ssr"], float)
    assert [j["judge"] for j in document["judges"]] == ["Mr Jones", "Ms Patel"]


def test_fit_writes_the_scripts_table_as_csv(capsys, comparisons) -> None:
    status, out, _ = run(capsys, "fit", "--comparisons", comparisons, "--format", "csv")
    assert status == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0]) == [
        "script",
        "theta",
        "se",
        "infit",
        "outfit",
        "comparisons",
        "wins",
        "extreme",
    ]
    assert {row["script"] for row in table} == {"S1", "S2", "S3", "S4", "S5"}
    assert {row["extreme"] for row in table} == {"true", "false"}


def test_nmm_and_prior_options_change_the_estimates(capsys, comparisons) -> None:
    def thetas(*options: str) -> dict[str, float]:
        status, out, _ = run(capsys, "fit", "--comparisons", comparisons, *options)
        assert status == 0
        return {s["script"]: s["theta"] for s in json.loads(out)["scripts"]}

    mle, nmm, prior = thetas(), thetas("--estimator", "nmm"), thetas("--prior", "1")
    assert mle["S5"] != nmm["S5"] and abs(prior["S5"]) < abs(mle["S5"])


def test_anchors_fix_scripts_on_the_scale(capsys, comparisons, tmp_path) -> None:
    anchors = write(tmp_path / "anchors.csv", "script,theta\nS1,1.5\nS3,-0.5\n")
    status, out, _ = run(capsys, "fit", "--comparisons", comparisons, "--anchors", anchors)
    assert status == 0
    scripts = {s["script"]: s for s in json.loads(out)["scripts"]}
    assert scripts["S1"]["theta"] == 1.5 and scripts["S3"]["theta"] == -0.5


def test_the_nextsteps_command_dispatches_cj_to_this_module(capsys, comparisons) -> None:
    assert top_level.main(["cj", "fit", "--comparisons", comparisons, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("script,theta,")


def test_help_describes_the_columns(capsys) -> None:
    status, out, _ = run(capsys, "fit", "--help")
    assert status == 0
    assert "judge, winner and loser" in out and "--estimator" in out
    assert run(capsys, "--help")[0] == 0


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("judge,winner\nJ,A\n", "line 1, column 'loser': missing column"),
        ("", "line 1: the file is empty"),
        ("judge,winner,loser\n", "has a header but no comparisons"),
        ("judge,winner,loser\nJ,C,C\nJ,C,C\n", "no comparisons (every row was skipped)"),
        ("judge,winner,loser\nJ,A,B\nJ,,B\n", "line 3, column 'winner': the value is missing"),
        ("judge,winner,loser\nJ,A,B\nJ,C,D\n", "2 groups never compared"),
    ],
)
def test_bad_comparisons_fail_with_status_two_naming_the_place(
    capsys, tmp_path, text, where
) -> None:
    path = write(tmp_path / "bad.csv", text)
    status, out, err = run(capsys, "fit", "--comparisons", path)
    assert status == 2 and out == ""
    assert path in err and where in err


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("script,theta\nS1,1.0\nS2,high\n", "line 3, column 'theta': 'high' is not a number"),
        ("script,theta\nS1,nan\n", "line 2, column 'theta': 'nan' is not a number"),
        ("script,theta\nS9,1.0\n", "line 2, column 'script': script 'S9' does not appear"),
        ("script,theta\nS1,1\nS1,2\n", "line 3, column 'script': script 'S1' is already anchored"),
        ("script\nS1\n", "line 1, column 'theta': missing column"),
    ],
)
def test_bad_anchors_fail_with_status_two_naming_the_place(
    capsys, comparisons, tmp_path, text, where
) -> None:
    anchors = write(tmp_path / "anchors.csv", text)
    status, out, err = run(capsys, "fit", "--comparisons", comparisons, "--anchors", anchors)
    assert status == 2 and out == ""
    assert anchors in err and where in err


def test_missing_file_and_bad_options_fail_with_status_two(capsys, comparisons, tmp_path) -> None:
    status, out, err = run(capsys, "fit", "--comparisons", str(tmp_path / "nowhere.csv"))
    assert status == 2 and out == "" and "nowhere.csv" in err and "cannot be read" in err
    assert run(capsys, "fit", "--comparisons", comparisons, "--prior", "-1")[0] == 2
    assert run(capsys, "fit", "--comparisons", comparisons, "--estimator", "bayes")[0] == 2
    assert run(capsys, "fit")[0] == 2
    assert run(capsys)[0] == 2


def test_spreadsheet_exports_with_a_byte_order_mark_and_capitalised_headers_are_read(
    capsys, tmp_path
) -> None:
    text = "\ufeffJudge, Winner ,LOSER\r\nJ,A,B\r\nJ,B,A\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("utf-8"))
    status, out, _ = run(capsys, "fit", "--comparisons", str(path))
    assert status == 0
    assert [s["theta"] for s in json.loads(out)["scripts"]] == pytest.approx([0.0, 0.0])


def test_a_large_file_is_fitted(capsys, tmp_path) -> None:
    rng = np.random.default_rng(1)
    true = rng.normal(size=300)
    lines = ["judge,winner,loser"]
    for k in range(6000):
        a, b = rng.choice(300, 2, replace=False)
        w, lo = (a, b) if rng.random() < 1 / (1 + np.exp(true[b] - true[a])) else (b, a)
        lines.append(f"J{k % 20},S{w},S{lo}")
    path = write(tmp_path / "big.csv", "\n".join(lines))
    status, out, _ = run(capsys, "fit", "--comparisons", path, "--estimator", "nmm")
    assert status == 0
    document = json.loads(out)
    assert len(document["scripts"]) == 300 and document["reliability"]["ssr"] > 0.8


# --------------------------------------------------------------------------- warnings


def test_one_consistent_judge_is_warned_about_and_only_true_extremes_are_flagged(
    capsys, tmp_path
) -> None:
    # One judge, perfectly consistent: every pair of six scripts, the better always winning.
    scripts = ["S1", "S2", "S3", "S4", "S5", "S6"]
    lines = ["judge,winner,loser"] + [
        f"Ms Patel,{scripts[i]},{scripts[j]}" for i in range(6) for j in range(i + 1, 6)
    ]
    path = write(tmp_path / "consistent.csv", "\n".join(lines) + "\n")
    status, out, err = run(capsys, "fit", "--comparisons", path)
    assert status == 0 and err == ""
    document = json.loads(out)
    extreme = {s["script"] for s in document["scripts"] if s["extreme"]}
    assert extreme == {"S1", "S6"}  # won every time, lost every time; the rest did both
    warnings = document["warnings"]
    assert any("no finite maximum-likelihood scale" in w for w in warnings)
    assert any("One judge, Ms Patel, made 15 of the 15 judgements (100%)" in w for w in warnings)
    assert document["reliability"]["warnings"] == warnings
    assert all(w.endswith(".") for w in warnings)


def test_a_well_judged_file_has_no_warnings(capsys, tmp_path) -> None:
    rng = np.random.default_rng(3)
    lines = ["judge,winner,loser,seconds"]
    for k in range(400):
        a, b = rng.choice(20, 2, replace=False)
        winner, loser = (a, b) if rng.random() < 1 / (1 + np.exp((b - a) / 5)) else (b, a)
        lines.append(f"J{k % 4},S{winner},S{loser},{20 + k}")
    path = write(tmp_path / "good.csv", "\n".join(lines) + "\n")
    status, out, _ = run(capsys, "fit", "--comparisons", path)
    document = json.loads(out)
    assert status == 0
    assert document["warnings"] == [] and document["reliability"]["warnings"] == []


def test_self_comparisons_and_repeated_rows_are_skipped_naming_their_lines(
    capsys, comparisons, tmp_path
) -> None:
    text = Path(comparisons).read_text(encoding="utf-8")
    extra = [
        "Ms Patel,S2,S2,31",  # line 12: a script against itself
        "Ms Patel,S1,S2,30",  # line 13: line 2 again, every column the same
        "Mr Jones,S1,S2,30",  # line 14: the same pair by another judge, kept
        "Ms Patel,S1,S2,44",  # line 15: the same judge at another time, kept
    ]
    path = write(tmp_path / "export.csv", text + "\n".join(extra) + "\n")
    status, out, _ = run(capsys, "fit", "--comparisons", path)
    assert status == 0
    document = json.loads(out)
    skipped = [w for w in document["warnings"] if "skipped" in w]
    assert skipped == [
        f"{path}, line 12 compares script 'S2' with itself, so it is skipped.",
        f"{path}, line 13 repeats line 2 exactly, so it is skipped.",
    ]
    s1 = next(s for s in document["scripts"] if s["script"] == "S1")
    assert s1["comparisons"] == 6 + 2
    assert all(w not in document["reliability"]["warnings"] for w in skipped)


def test_csv_output_writes_the_warnings_to_standard_error(capsys, tmp_path) -> None:
    path = write(tmp_path / "few.csv", "judge,winner,loser\nJ,A,B\nJ,B,C\nJ,C,A\nJ,A,A\n")
    status, out, err = run(capsys, "fit", "--comparisons", path, "--format", "csv")
    assert status == 0 and out.startswith("script,theta,")
    assert f"warning: {path}, line 5 compares script 'A' with itself" in err
    assert "warning: Scripts with fewer than 5 comparisons: 3 of 3 (A, B, C)." in err


@pytest.mark.parametrize(("asked", "threads"), [(None, 1), ("2", 2)])
def test_file_commands_run_numpy_on_one_blas_thread_unless_told(
    tmp_path: Path, asked: str | None, threads: int
) -> None:
    path = tmp_path / "comparisons.csv"
    path.write_text("judge,winner,loser\nJ,A,B\nJ,B,C\nJ,C,A\nJ,A,C\n", encoding="utf-8")
    code = (
        "import sys; from nextsteps import cli; from threadpoolctl import threadpool_info; "
        f"status = cli.main(['cj', 'fit', '--comparisons', {str(path)!r}, '--format', 'csv']); "
        "blas = [p['num_threads'] for p in threadpool_info() if p['internal_api'] == 'openblas']; "
        "print(status, blas, file=sys.stderr)"
    )
    environment = {"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    if asked is not None:
        environment["OPENBLAS_NUM_THREADS"] = asked
    done = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    assert done.stderr.splitlines()[-1] == f"0 [{threads}]"


def test_the_scripts_table_is_what_the_csv_module_writes() -> None:
    """Labels that need quoting, non-finite numbers and ties come out as the csv writer has them."""
    from nextsteps.judging import cli
    from nextsteps.judging.kernels.bradley_terry import Fit, ScriptEstimate

    labels = ["S1", "a,b", 'q"8', " lead", "trail ", "é", "x\ny", "a\rb", "日本", "", "S-1.5_x"]
    values = [0.5, -1.25, math.nan, math.inf, -math.inf, 1e-7, 1e16, 0.1, 0.5, 2.0, 3.0]
    scripts = [
        ScriptEstimate(
            script=label,
            theta=theta,
            se=values[(k + 1) % len(values)],
            infit=values[(k + 2) % len(values)],
            outfit=values[(k + 3) % len(values)],
            comparisons=k + 3,
            wins=k,
            extreme=k % 2 == 0,
            anchored=False,
        )
        for k, (label, theta) in enumerate(zip(labels, values, strict=True))
    ]
    result = Fit(estimator="mle", scripts=scripts, judges=[], ssr=None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(cli.SCRIPT_COLUMNS)
    for s in sorted(scripts, key=lambda s: (-s.theta, s.script)):
        numbers = [v if math.isfinite(v) else None for v in (s.theta, s.se, s.infit, s.outfit)]
        flag = "true" if s.extreme else "false"
        writer.writerow([s.script, *numbers, s.comparisons, s.wins, flag])
    assert cli._csv(result) == buffer.getvalue()
