"""Every refusal the services raise for a person to read is marked for translation.

The check reads the source of every module and looks at each `raise` of an error that a page
shows: any class whose name ends in "Refused", and the classes below. Its message must come
from gettext (`_("...") % {...}`) or be passed on from elsewhere (a variable, `str(error)`);
a string literal or an f-string written straight into the `raise` could not be translated.
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
    "interop/sheets.py": frozenset({"ValueError"}),  # a spreadsheet that cannot be read
    "interop/oneroster.py": frozenset({"OSError"}),  # a OneRoster upload that is not a zip
}
# Modules left out, and why:
# - the tables of `nextsteps progress`, a file command that runs with no Django set-up, so
#   gettext cannot be called there (its errors name command-line options).
LEFT_OUT = frozenset({"progress/tables.py"})


def is_skipped(module: Path) -> bool:
    name = module.relative_to(PACKAGE).as_posix()
    return "migrations" in module.parts or "/management/commands/" in name or name in LEFT_OUT


def raised_name(node: ast.Raise) -> str:
    if not isinstance(node.exc, ast.Call):
        return ""
    func = node.exc.func
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
        name = raised_name(node)
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


def test_every_refusal_shown_to_a_person_is_marked_for_translation() -> None:
    problems = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if is_skipped(module):
            continue
        name = module.relative_to(PACKAGE).as_posix()
        shown = SHOWN_ERRORS | SHOWN_IN_MODULE.get(name, frozenset())
        tree = ast.parse(module.read_text(encoding="utf-8"))
        problems += [f"{name}:{line}" for line in unmarked_raises(tree, shown)]
    assert not problems, "wrap these messages in gettext: " + ", ".join(problems)
