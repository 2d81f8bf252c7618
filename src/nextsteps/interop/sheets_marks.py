"""Import a test's marks from a spreadsheet: a row per pupil, a column per question or a total.

The same steps as the other spreadsheets: columns matched (headers such as `Q3`, `Question 3`
or `3` find question 3; `Total`, `Mark` or `Score` the total), every value checked, every
problem listed by file, line and column, then all marks saved or none. Pupils are found by UPN
among those sitting the test. An empty cell is "not marked" and leaves the mark as it is.

A total is saved as the mark of a one-question test; on a test with several questions it is
checked against the sum of the question marks of a fully marked row (a total alone cannot be
shared between questions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.assessments import selectors
from nextsteps.assessments.models import Assessment, Question
from nextsteps.assessments.services import MarkChange, marks_save
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.interop.kernels.sheets import (
    Field,
    Table,
    mapped_rows,
    normalise_header,
    suggest_mapping,
)
from nextsteps.interop.models import ImportRun
from nextsteps.interop.sheets_import import SheetSummary
from nextsteps.people.kernels.problems import ProblemList
from nextsteps.people.models import Pupil
from nextsteps.people.upn import UpnError, upn_clean

KIND = "marks"
TOTAL = "total"
QUESTION_HEADER = re.compile(r"^(q|question) ?\d+[a-z]?$")
TOTAL_ALIASES = ("total", "total mark", "total marks", "mark", "marks", "score", "raw score")


@dataclass
class MarksSummary(SheetSummary):
    assessment: str = ""

    def lines(self) -> list[str]:
        lines = super().lines()
        lines[0] = lines[0].removesuffix(":") + f" for {self.assessment}:"
        return lines


def question_field(question: Question) -> str:
    """The field name of a question's column: its id (labels may be any text), with a hyphen,
    which a normalised header never has, so that the name itself matches no header."""
    return f"question-{question.pk}"


def marks_fields(questions: Sequence[Question]) -> tuple[Field, ...]:
    """UPN, a column per question (out of its marks) and a total (out of the test's marks)."""
    upn = Field("upn", "UPN", True, ("upn", "unique pupil number", "pupil upn"))
    per_question = tuple(
        Field(
            question_field(q),
            f"Question {q.label} (out of {q.max_marks})",
            False,
            _spellings(q.label),
            "mark",
            q.max_marks,
        )
        for q in questions
    )
    total = Field(
        TOTAL,
        f"Total (out of {sum(q.max_marks for q in questions)})",
        False,
        TOTAL_ALIASES,
        "mark",
        sum(q.max_marks for q in questions),
    )
    return (upn, *per_question, total)


def _spellings(label: str) -> tuple[str, ...]:
    key = normalise_header(label)
    return (f"q{key}", f"q {key}", f"question {key}", key)


def suggested_marks_mapping(questions: Sequence[Question], headers: list[str]) -> dict[str, str]:
    return suggest_mapping(KIND, headers, marks_fields(questions))


def marks_sheet_import(
    *,
    assessment: Assessment,
    table: Table,
    mapping: dict[str, str] | None,
    by: Actor | None,
    dry_run: bool = False,
) -> MarksSummary:
    """Check every row against the test and its pupils, then save every mark or none.

    Raises ImportProblems listing what is wrong by file, line and column.
    """
    questions = list(assessment.questions.order_by("position"))
    fields = marks_fields(questions)
    chosen = mapping if mapping is not None else suggest_mapping(KIND, table.headers, fields)
    problems = ProblemList()
    rows = mapped_rows(table, KIND, chosen, problems, fields)
    _check_columns(assessment, table, questions, chosen, problems)
    if mapping is None:  # matched by header alone: a question column that matched nothing
        _unknown_questions(assessment, table, chosen, problems)
    pupils = _pupils_by_upn(assessment, table, rows, chosen.get("upn", "UPN"), problems)
    changes = _changes(table, questions, rows, pupils, chosen, problems)
    problems.raise_if_any()
    summary = MarksSummary(KIND, dry_run, assessment=str(assessment))
    current = selectors.marks_of(assessment, {change.pupil_id for change in changes})
    for change in changes:
        before = current.get((change.pupil_id, change.question.pk))
        outcome = "created" if before is None else "unchanged" if before == change.marks else ""
        summary.add("marks", outcome or "updated")
    if not dry_run:
        _save(assessment, table, changes, summary, by)
    return summary


@transaction.atomic
def _save(
    assessment: Assessment,
    table: Table,
    changes: list[MarkChange],
    summary: MarksSummary,
    by: Actor | None,
) -> None:
    marks_save(
        assessment=assessment,
        changes=changes,
        by=by,
        action=AuditAction.MARKS_IMPORT,
        note=table.filename[:200],
    )
    after = {**summary.as_dict(), "assessment": assessment.pk}
    ImportRun.objects.create(
        school_id=assessment.school_id,
        kind=ImportRun.Kind.SPREADSHEET,
        outcome=ImportRun.Outcome.IMPORTED,
        filename=table.filename[:255],
        summary=after,
        by=acting_user(by) if getattr(by, "pk", None) else None,
    )
    audit_write(
        actor=by,
        action=AuditAction.SPREADSHEET_IMPORT_MARKS,
        target=assessment,
        target_label=f"Spreadsheet {table.filename} for {assessment}"[:200],
        after=after,
    )


def _check_columns(
    assessment: Assessment,
    table: Table,
    questions: list[Question],
    chosen: dict[str, str],
    problems: ProblemList,
) -> None:
    """A file with marks in it: at least one question or the total, and a total alone only
    for a test of one question."""
    headers = set(table.headers)
    by_question = [q for q in questions if chosen.get(question_field(q)) in headers]
    total = chosen.get(TOTAL) if chosen.get(TOTAL) in headers else None
    if not questions:
        problems.add(
            table.filename,
            0,
            "",
            gettext("%(assessment)s has no questions yet; add them first")
            % {"assessment": assessment},
        )
    elif not by_question and total is None:
        problems.add(
            table.filename, 1, "", gettext("no column is chosen for any question or for the total")
        )
    elif total is not None and not by_question and len(questions) > 1:
        problems.add(
            table.filename,
            1,
            total,
            gettext(
                "%(assessment)s has %(count)s questions; a total alone cannot be shared "
                "between them, so give a column per question"
            )
            % {"assessment": assessment, "count": len(questions)},
        )


def _unknown_questions(
    assessment: Assessment, table: Table, chosen: dict[str, str], problems: ProblemList
) -> None:
    used = set(chosen.values())
    for header in table.headers:
        if header not in used and QUESTION_HEADER.match(normalise_header(header)):
            problems.add(
                table.filename,
                1,
                header,
                gettext("%(assessment)s has no question %(header)s")
                % {"assessment": assessment, "header": header},
            )


Rows = list[tuple[int, dict[str, Any]]]


def _pupils_by_upn(
    assessment: Assessment, table: Table, rows: Rows, column: str, problems: ProblemList
) -> dict[int, Pupil]:
    """Line → the pupil it names, who must sit the test; each pupil on one line only."""
    sitting = {
        p.upn: p for p in selectors.cohort(assessment, selectors.assessment_classes(assessment))
    }
    wanted: dict[int, str] = {}
    for line, record in rows:
        if "upn" not in record:
            continue  # an empty UPN cell is already a problem
        try:
            wanted[line] = upn_clean(str(record["upn"]))
        except UpnError as error:
            problems.add(
                table.filename, line, column, gettext("the UPN %(error)s") % {"error": error}
            )
    elsewhere = {
        p.upn: p
        for p in Pupil.objects.filter(school_id=assessment.school_id, upn__in=set(wanted.values()))
        if p.upn not in sitting
    }
    found: dict[int, Pupil] = {}
    first_line: dict[str, int] = {}
    for line, upn in wanted.items():
        if upn in first_line:
            problems.add(
                table.filename,
                line,
                column,
                gettext("the UPN %(upn)s is also on line %(line)s")
                % {"upn": upn, "line": first_line[upn]},
            )
            continue
        first_line[upn] = line
        if upn in sitting:
            found[line] = sitting[upn]
        elif upn in elsewhere:
            problems.add(
                table.filename,
                line,
                column,
                gettext("%(pupil)s (%(upn)s) is not in a class sitting %(assessment)s")
                % {"pupil": elsewhere[upn].name, "upn": upn, "assessment": assessment},
            )
        else:
            problems.add(
                table.filename,
                line,
                column,
                gettext("no pupil here has the UPN %(upn)s") % {"upn": upn},
            )
    return found


def _changes(
    table: Table,
    questions: list[Question],
    rows: Rows,
    pupils: dict[int, Pupil],
    chosen: dict[str, str],
    problems: ProblemList,
) -> list[MarkChange]:
    mapped = [q for q in questions if chosen.get(question_field(q)) in table.headers]
    changes: list[MarkChange] = []
    for line, record in rows:
        pupil = pupils.get(line)
        given = {q: record[question_field(q)] for q in mapped if question_field(q) in record}
        total = record.get(TOTAL)
        if total is not None and not mapped:
            given = {questions[0]: total}  # a one-question test (checked in _check_columns)
        elif total is not None and len(given) == len(questions):
            added = sum(given.values())
            if added != total:
                problems.add(
                    table.filename,
                    line,
                    chosen[TOTAL],
                    gettext("the total %(total)s is not the sum of the question marks (%(added)s)")
                    % {"total": total, "added": added},
                )
        if pupil is not None:
            changes += [
                MarkChange(pupil_id=pupil.pk, question=q, marks=m) for q, m in given.items()
            ]
    return changes
