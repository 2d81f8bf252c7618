"""Every refusal the services raise for a person to read is marked for translation.

The check reads the source of every module and looks at each `raise` of an error that a page
shows: any class whose name ends in "Refused", and the classes below. Its message must come
from gettext (`_("...") % {...}`) or be passed on from elsewhere (a variable, `str(error)`);
a string literal or an f-string written straight into the `raise` could not be translated.
The same holds for the problems found in an uploaded file (the importers' problem lists, the
progress uploads' errors), which a data manager reads on the page or in the command's output.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.web.test_translation import PACKAGE, is_bare_text

# Errors a page shows, besides the *Refused ones.
SHOWN_ERRORS = frozenset(
    {
        "ValidationError",
        "PermissionDenied",
        "PolicyError",
        "FormatError",  # curriculum files
        "_Problem",  # a curriculum file's bad cell, made into a FormatError
        "FrameworkExists",
        "UpnError",
        "CellError",  # progress uploads
        "EstimatesError",
    }
)
# Modules whose built-in errors carry a message for a person, and which ones.
SHOWN_IN_MODULE = {
    "interop/kernels/sheets.py": frozenset({"ValueError"}),  # a spreadsheet that cannot be read
    "interop/kernels/oneroster.py": frozenset({"OSError"}),  # a OneRoster upload that is not a zip
}
# Calls that record a problem in an input file, by package, and which argument (counting from
# 0) is the message: `problems.add(file, line, column, message)`, `Problem(...)` and the
# importers' own helpers in interop; `collector.add(line, column, message)` and
# `InputError(path, line, column, message)` in progress (`nextsteps.i18n.translate`, imported
# as `_`, marks them in the modules the file command also uses).
PROBLEM_CALLS = {
    "filereading.py": {"Unreadable": 3},  # a file that is not text, or not a zip
    "interop/": {"add": 3, "Problem": 3, "refer": 3, "_bad": 2},
    "progress/": {"add": 2, "InputError": 3},
}


def is_skipped(module: Path) -> bool:
    name = module.relative_to(PACKAGE).as_posix()
    return "migrations" in module.parts or "/management/commands/" in name


def called_name(node: ast.expr | None) -> str:
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def is_unmarked(value: ast.expr) -> bool:
    """A message written out in English: a literal, an f-string, or a literal formatted."""
    if isinstance(value, ast.BinOp):
        return is_unmarked(value.left)
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "format"
    ):
        return is_unmarked(value.func.value)
    return is_bare_text(value)


def unmarked_raises(tree: ast.AST, shown: frozenset[str]) -> list[int]:
    """Lines that raise an error a page shows with a message not marked for translation."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise):
            continue
        name = called_name(node.exc)
        if not (name.endswith("Refused") or name in shown):
            continue
        assert isinstance(node.exc, ast.Call)
        messages = node.exc.args[:1] + [kw.value for kw in node.exc.keywords if kw.arg == "message"]
        for message in messages:
            values = message.values if isinstance(message, ast.Dict) else [message]
            if any(is_unmarked(value) for value in values if value is not None):
                lines.append(node.lineno)
                break
    return lines


def unmarked_problems(tree: ast.AST, calls: dict[str, int]) -> list[int]:
    """Lines that record a problem in an input file with a message not marked for translation."""
    lines = []
    for node in ast.walk(tree):
        position = calls.get(called_name(node)) if isinstance(node, ast.Call) else None
        if position is None:
            continue
        assert isinstance(node, ast.Call)
        messages = node.args[position : position + 1]
        messages += [kw.value for kw in node.keywords if kw.arg == "message"]
        if any(is_unmarked(message) for message in messages):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_bare_refusals_and_accepts_marked_ones() -> None:
    bare = """
raise CJRefused("this pair was already judged")
raise JudgementRefused(f"{point.name} was locked on {point.locked_at:%d %B %Y}")
raise ValidationError({"upn": f"UPN {upn} is in use"})
raise PolicyError("%s is not a scale" % name)
raise UpnError("{} is not a UPN".format(value))
"""
    marked = """
raise CJRefused(_("this pair was already judged"))
raise JudgementRefused(_("%(name)s was locked") % {"name": point.name})
raise ValidationError({"upn": gettext("UPN %(upn)s is in use") % {"upn": upn}})
raise FeedbackRefused(str(error)) from error
raise MarkRefused(message)
raise ValueError(f"unknown role {role!r}")
"""
    assert unmarked_raises(ast.parse(bare), SHOWN_ERRORS) == [2, 3, 4, 5, 6]
    assert unmarked_raises(ast.parse(marked), SHOWN_ERRORS) == []


def test_the_check_finds_bare_import_problems_and_accepts_marked_ones() -> None:
    bare = """
problems.add(file, 1, "", "a column name appears twice")
problems.add(file, line, "", f"expected 2 values, found {len(row)}")
problems.add(file, 1, "", "the columns must be in this order: " + ",".join(expected))
Problem(filename, 0, "", message="the file could not be read")
self._bad(row, column, "{} is required".format(column))
"""
    marked = """
problems.add(file, 1, "", gettext("a column name appears twice"))
problems.add(file, line, "", gettext("expected 2 values, found %(found)s") % {"found": n})
Problem(filename, 0, "", _("the file could not be read"))
problems.add(table.filename, line, header, str(error))
self.problems.add(row.file, row.line, column, message)
summary.add("pupils", "created")
seen.add("sourcedId")
"""
    calls = PROBLEM_CALLS["interop/"]
    assert unmarked_problems(ast.parse(bare), calls) == [2, 3, 4, 5, 6]
    assert unmarked_problems(ast.parse(marked), calls) == []


def test_every_refusal_shown_to_a_person_is_marked_for_translation() -> None:
    problems = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if is_skipped(module):
            continue
        name = module.relative_to(PACKAGE).as_posix()
        shown = SHOWN_ERRORS | SHOWN_IN_MODULE.get(name, frozenset())
        tree = ast.parse(module.read_text(encoding="utf-8"))
        problems += [f"{name}:{line}" for line in unmarked_raises(tree, shown)]
        for package, calls in PROBLEM_CALLS.items():
            if name.startswith(package):
                problems += [f"{name}:{line}" for line in unmarked_problems(tree, calls)]
    assert not problems, "wrap these messages in gettext: " + ", ".join(problems)
