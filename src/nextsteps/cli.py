"""The `nextsteps` command.

File commands (`progress`, `cj`, `mtc`) work on files with no database and no Django set-up.
Everything else runs through Django's management commands, so `nextsteps migrate`,
`nextsteps createsuperuser` and the product's own commands share one entry point.
"""

from __future__ import annotations

import importlib
import os
import sys

# Commands that read files and write to standard output without a database.
FILE_COMMANDS: dict[str, tuple[str, str]] = {
    "progress": (
        "nextsteps.progress.cli",
        "Progress 8, KS1-KS2 progress and estimates from CSV files",
    ),
    "cj": ("nextsteps.judging.cli", "fit a comparative judgement scale from a comparisons CSV"),
    "mtc": ("nextsteps.mtc.cli", "multiplication tables check practice forms"),
}

# Product commands whose names are Python keywords or too generic for Django's namespace.
ALIASES: dict[str, str] = {
    "import": "import_data",
    "export": "export_data",
}

PRODUCT_COMMANDS: dict[str, str] = {
    "serve": "serve the web application",
    "demo": "build (or bring up to date) the demo trust and its schools",
    "import": "import data: frameworks, Oak, OneRoster, CTF, spreadsheets, attendance, GIAS",
    "export": "export data: curriculum frameworks, OneRoster, CTF",
    "sync": "keep a school in step with its MIS through Wonde (--dry-run; daily with --all)",
    "backup": "back up the database and uploaded files to one archive",
    "restore": "restore a backup archive, all or nothing (checks the whole archive first)",
    "sar": "a pupil's subject access export (zip of JSON, HTML and files)",
    "retention": "erase leavers' data after the school's retention period (--dry-run)",
    "token": "make (read-only, with an expiry), list and revoke API tokens",
    "db_worker": "run queued background tasks (when TASKS_BACKEND=database)",
    "notify": "e-mail the daily summary to those who chose it (notify digest; once a day)",
}


def usage() -> str:
    """One line for every command, file commands (no database) first."""
    lines = ["usage: nextsteps COMMAND [options]", "", "on files, with no database:"]
    for name, (_, text) in FILE_COMMANDS.items():
        lines.append(f"  {name:<10} {text}")
    lines += ["", "on the school's database:"]
    for name, text in PRODUCT_COMMANDS.items():
        lines.append(f"  {name:<10} {text}")
    lines += [
        "",
        "Django's own commands (migrate, check, createsuperuser, ...) work too.",
        "Run 'nextsteps COMMAND --help' (or 'nextsteps help COMMAND') for a command's options.",
    ]
    return "\n".join(lines)


# The management commands' own names, answered under their public names.
INTERNAL_NAMES: dict[str, str] = {internal: public for public, internal in ALIASES.items()}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["help"] and len(args) > 1:  # `nextsteps help import` = `nextsteps import -h`
        args = [args[1], "--help"]
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    command, rest = INTERNAL_NAMES.get(args[0], args[0]), args[1:]
    if command in FILE_COMMANDS:
        # Their arrays meet BLAS only in vector and sparse products, where OpenBLAS's worker
        # threads cost more to start and keep spinning than they save (a third of `cj fit`'s
        # CPU time); set before NumPy is first imported. A person's own setting stands.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        # Arrow's buffers from the C library's allocator rather than its default, mimalloc,
        # which made a third of the runs a third slower, with twice the system time
        # (`nextsteps progress p8` on 600,000 pupils, 20 runs each: slowest 0.86 s against
        # 0.62 s, the same 0.575 s median). Set before Arrow allocates anything.
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
        module = importlib.import_module(FILE_COMMANDS[command][0])
        return int(module.main(rest))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
    if command in ALIASES:
        return run_alias(command, rest)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nextsteps", command, *rest])
    return 0


def run_alias(command: str, rest: list[str]) -> int:
    """Run a product command under its public name, so its help and errors read
    `nextsteps import …` rather than the management command's own name."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    name = ALIASES[command]
    load_command_class(get_commands()[name], name).run_from_argv(["nextsteps", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
