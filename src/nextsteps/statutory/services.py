"""Writing statutory check results: the only place that changes this app's tables.

Every write takes a list of entries and is all or nothing: each entry is checked (a phonics
mark from 0 to 40, an MTC score from 0 to 25, a known reason code, a pupil of the school, an
academic year such as 2024/25), every problem is collected with the file, line and field it
came from, and if there is any, `StatutoryProblems` is raised and nothing is written. The
single-pupil functions are the same write with one entry.

A result for a pupil and year that already exists is replaced (the latest word from the
school or the CTF stands), and the audit log keeps what it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write, snapshot
from nextsteps.i18n import translate as _
from nextsteps.people.kernels.problems import ImportProblems, Problem
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.statutory.kernels import rules
from nextsteps.statutory.kernels.rules import ItemMark
from nextsteps.statutory.models import (
    BaselineRecord,
    MtcResult,
    PhonicsItemMark,
    PhonicsResult,
    PhonicsThreshold,
    PhonicsWord,
    ResultSource,
)


class StatutoryProblems(ImportProblems):
    """The entries cannot be recorded; nothing was written. Carries every problem found."""


@dataclass(frozen=True)
class PhonicsEntry:
    """One pupil's phonics screening check: a mark (0 to 40) or a reason code, never both.

    `line` is the line of the file the entry came from (0 when typed on a page)."""

    pupil: Pupil
    academic_year: str
    year_group: int | str
    mark: int | str | None = None
    not_taken: str = ""
    items: Sequence[ItemMark] | None = None
    line: int = 0


@dataclass(frozen=True)
class MtcEntry:
    """One pupil's statutory multiplication tables check: a score (0 to 25) or a reason code."""

    pupil: Pupil
    academic_year: str
    score: int | str | None = None
    not_taken: str = ""
    line: int = 0


@dataclass(frozen=True)
class BaselineEntry:
    """The Reception baseline was administered on a date, or a reason code why not. No score."""

    pupil: Pupil
    academic_year: str
    administered_on: dt.date | None = None
    not_administered: str = ""
    line: int = 0


@dataclass(frozen=True)
class WordEntry:
    """The school's note of one word of a year's phonics check, from its own copy."""

    position: int | str
    kind: str
    word: str = ""
    grapheme: str = ""
    line: int = 0


@dataclass
class _Checker:
    school: School
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, column: str, message: str, pupil: Pupil | None = None) -> None:
        where = self.file or (pupil.name if pupil is not None else _("entry"))
        self.problems.append(Problem(where, line, column, message))

    def pupil(self, pupil: Pupil, line: int) -> None:
        if pupil.school_id != self.school.pk:
            self.add(
                line, "UPN", _("%(upn)s is not a pupil of this school") % {"upn": pupil.upn}, pupil
            )

    def year(self, value: str, line: int, pupil: Pupil | None) -> str:
        try:
            return rules.academic_year_check(value)
        except ValueError as error:
            self.add(line, "academic_year", str(error), pupil)
            return value

    def score(
        self, value: object, line: int, pupil: Pupil, *, column: str, maximum: int
    ) -> int | None:
        if value is None or value == "":
            return None
        try:
            return rules.mark_check(value, maximum=maximum, field=column)
        except ValueError as error:
            self.add(line, column, str(error), pupil)
            return None

    def reason(self, check: str, code: str, line: int, pupil: Pupil, *, column: str) -> str:
        code = code.strip()
        if code and code not in rules.shipped_reasons()[check]:
            known = ", ".join(rules.shipped_reasons()[check])
            self.add(
                line,
                column,
                _("'%(code)s' is not a reason code (%(known)s)") % {"code": code, "known": known},
                pupil,
            )
        return code

    def one_of(self, has_value: bool, code: str, line: int, pupil: Pupil, columns: str) -> None:
        if has_value == bool(code):
            self.add(
                line,
                columns,
                _("give either a result or a reason it was not taken, not both or neither"),
                pupil,
            )

    def once(
        self, seen: set[tuple[int, str]], key: tuple[int, str], line: int, pupil: Pupil
    ) -> None:
        if key in seen:
            self.add(
                line, "UPN", _("this pupil appears twice for %(year)s") % {"year": key[1]}, pupil
            )
        seen.add(key)

    def raise_if_any(self) -> None:
        if self.problems:
            raise StatutoryProblems(self.problems)


def _source(value: str) -> str:
    if value not in ResultSource.values:
        raise ValueError(f"source must be one of {', '.join(ResultSource.values)}, not {value!r}")
    return value


# ---------------------------------------------------------------------------- phonics


# A savepoint: the CTF import holds the transaction.
@transaction.atomic
def phonics_results_record(
    *,
    school: School,
    entries: Sequence[PhonicsEntry],
    source: str,
    by: Actor | None = None,
    file: str = "",
) -> list[PhonicsResult]:
    """Record (or replace) phonics results, all or nothing; item marks when given."""
    _source(source)
    checker = _Checker(school, file)
    cleaned: list[tuple[PhonicsEntry, str, int | None, str]] = []
    seen: set[tuple[int, str]] = set()
    for entry in entries:
        line, pupil = entry.line, entry.pupil
        checker.pupil(pupil, line)
        year = checker.year(entry.academic_year, line, pupil)
        checker.once(seen, (pupil.pk, year), line, pupil)
        if str(entry.year_group).strip() not in {"1", "2"}:
            checker.add(
                line,
                "year_group",
                _("the check is taken in Year 1, or retaken in Year 2, not %(value)s")
                % {"value": entry.year_group},
                pupil,
            )
        mark = checker.score(entry.mark, line, pupil, column="mark", maximum=rules.PHONICS_WORDS)
        code = checker.reason("phonics", entry.not_taken, line, pupil, column="not_taken")
        if mark is not None or entry.mark in (None, ""):
            checker.one_of(mark is not None, code, line, pupil, "mark")
        if entry.items:
            for message in rules.item_marks_problems(entry.items, mark):
                checker.add(line, "items", message, pupil)
        cleaned.append((entry, year, mark, code))
    checker.raise_if_any()
    return _phonics_write(school, cleaned, source, by)


def _phonics_write(
    school: School,
    cleaned: list[tuple[PhonicsEntry, str, int | None, str]],
    source: str,
    by: Actor | None,
) -> list[PhonicsResult]:
    existing = {
        (r.pupil_id, r.academic_year): r
        for r in PhonicsResult.objects.filter(
            school=school,
            pupil_id__in=[e.pupil.pk for e, *_ in cleaned],
            academic_year__in={year for _e, year, *_ in cleaned},
        )
    }
    user = by if by is not None and by.is_authenticated else None
    results, before, replace_items = [], [], []
    for entry, year, mark, code in cleaned:
        result = existing.get((entry.pupil.pk, year))
        if result is None:
            result = PhonicsResult(school=school, pupil=entry.pupil, academic_year=year)
        else:
            before.append(snapshot(result))
            if entry.items is not None or result.mark != mark:
                replace_items.append(result.pk)
        result.year_group = int(str(entry.year_group).strip())
        result.mark, result.not_taken = mark, code
        result.source, result.recorded_by = source, user
        result.recorded_at = timezone.now()
        results.append(result)
    _save_all(
        PhonicsResult,
        results,
        ["year_group", "mark", "not_taken", "source", "recorded_by", "recorded_at"],
    )
    PhonicsItemMark.objects.filter(result_id__in=replace_items).delete()
    PhonicsItemMark.objects.bulk_create(
        PhonicsItemMark(
            school=school, result=result, position=i.position, kind=i.kind, correct=i.correct
        )
        for (entry, *_), result in zip(cleaned, results, strict=True)
        for i in entry.items or ()
    )
    _audit(by, school, AuditAction.STATUTORY_PHONICS_RECORD, results, before, source)
    return results


def phonics_result_record(
    *,
    pupil: Pupil,
    academic_year: str,
    year_group: int | str,
    mark: int | str | None = None,
    not_taken: str = "",
    items: Sequence[ItemMark] | None = None,
    source: str = ResultSource.ENTRY,
    by: Actor | None = None,
) -> PhonicsResult:
    """One pupil's phonics result (the same checks and write as a whole class's)."""
    entry = PhonicsEntry(pupil, academic_year, year_group, mark, not_taken, items)
    return phonics_results_record(school=pupil.school, entries=[entry], source=source, by=by)[0]


@transaction.atomic(durable=True)
def phonics_threshold_enter(
    *, school: School, academic_year: str, threshold: int | str, by: Actor | None = None
) -> PhonicsThreshold:
    """The school enters a year's threshold mark as the STA publishes it (0 to 40)."""
    checker = _Checker(school, "")
    year = checker.year(academic_year, 0, None)
    value = 0
    try:
        value = rules.mark_check(threshold, maximum=rules.PHONICS_WORDS, field="threshold")
    except ValueError as error:
        checker.problems.append(Problem(_("threshold"), 0, "threshold", str(error)))
    checker.raise_if_any()
    row, _created = PhonicsThreshold.objects.update_or_create(
        school=school,
        academic_year=year,
        defaults={
            "threshold": value,
            "entered_by": by if by is not None and by.is_authenticated else None,
        },
    )
    audit_write(actor=by, action=AuditAction.STATUTORY_PHONICS_THRESHOLD, target=row)
    return row


@transaction.atomic(durable=True)
def phonics_words_set(
    *,
    school: School,
    academic_year: str,
    words: Sequence[WordEntry],
    by: Actor | None = None,
    file: str = "",
) -> list[PhonicsWord]:
    """The school's notes on a year's check words (position, real or pseudo, the word and
    the grapheme it tests), replacing any earlier list for that year; all or nothing."""
    checker = _Checker(school, file or _("word list"))
    year = checker.year(academic_year, 0, None)
    rows: list[PhonicsWord] = []
    positions: set[int] = set()
    for word in words:
        try:
            position = rules.mark_check(word.position, maximum=rules.PHONICS_WORDS, field="word")
        except ValueError as error:
            checker.add(word.line, "word", str(error))
            continue
        if position == 0 or position in positions:
            checker.add(word.line, "word", _("word %(p)s is missing or repeated") % {"p": position})
        if word.kind not in rules.WORD_KINDS:
            checker.add(
                word.line, "kind", _("a word is real or pseudo, not '%(k)s'") % {"k": word.kind}
            )
        positions.add(position)
        rows.append(
            PhonicsWord(
                school=school,
                academic_year=year,
                position=position,
                kind=word.kind,
                word=word.word.strip()[:40],
                grapheme=word.grapheme.strip()[:20],
            )
        )
    checker.raise_if_any()
    PhonicsWord.objects.filter(school=school, academic_year=year).delete()
    PhonicsWord.objects.bulk_create(rows)
    audit_write(
        actor=by,
        action=AuditAction.STATUTORY_PHONICS_WORDS,
        school=school,
        target_type="statutory.phonicsword",
        target_label=year,
        after={"words": len(rows)},
    )
    return rows


# ---------------------------------------------------------------------------- MTC


# A savepoint: the CTF import holds the transaction.
@transaction.atomic
def mtc_results_record(
    *,
    school: School,
    entries: Sequence[MtcEntry],
    source: str,
    by: Actor | None = None,
    file: str = "",
) -> list[MtcResult]:
    """Record (or replace) statutory MTC scores (0 to 25) or reason codes, all or nothing."""
    _source(source)
    checker = _Checker(school, file)
    cleaned: list[tuple[MtcEntry, str, int | None, str]] = []
    seen: set[tuple[int, str]] = set()
    for entry in entries:
        line, pupil = entry.line, entry.pupil
        checker.pupil(pupil, line)
        year = checker.year(entry.academic_year, line, pupil)
        checker.once(seen, (pupil.pk, year), line, pupil)
        score = checker.score(entry.score, line, pupil, column="score", maximum=rules.MTC_ITEMS)
        code = checker.reason("mtc", entry.not_taken, line, pupil, column="not_taken")
        if score is not None or entry.score in (None, ""):
            checker.one_of(score is not None, code, line, pupil, "score")
        cleaned.append((entry, year, score, code))
    checker.raise_if_any()
    existing = {
        (r.pupil_id, r.academic_year): r
        for r in MtcResult.objects.filter(
            school=school,
            pupil_id__in=[e.pupil.pk for e, *_ in cleaned],
            academic_year__in={year for _e, year, *_ in cleaned},
        )
    }
    user = by if by is not None and by.is_authenticated else None
    results, before = [], []
    for entry, year, score, code in cleaned:
        result = existing.get((entry.pupil.pk, year))
        if result is None:
            result = MtcResult(school=school, pupil=entry.pupil, academic_year=year)
        else:
            before.append(snapshot(result))
        result.score, result.not_taken = score, code
        result.source, result.recorded_by, result.recorded_at = source, user, timezone.now()
        results.append(result)
    _save_all(MtcResult, results, ["score", "not_taken", "source", "recorded_by", "recorded_at"])
    _audit(by, school, AuditAction.STATUTORY_MTC_RECORD, results, before, source)
    return results


def mtc_result_record(
    *,
    pupil: Pupil,
    academic_year: str,
    score: int | str | None = None,
    not_taken: str = "",
    source: str = ResultSource.ENTRY,
    by: Actor | None = None,
) -> MtcResult:
    """One pupil's statutory MTC result (the same checks and write as a class's)."""
    entry = MtcEntry(pupil, academic_year, score, not_taken)
    return mtc_results_record(school=pupil.school, entries=[entry], source=source, by=by)[0]


# ---------------------------------------------------------------------------- baseline


@transaction.atomic
def baseline_records_record(
    *,
    school: School,
    entries: Sequence[BaselineEntry],
    source: str,
    by: Actor | None = None,
    file: str = "",
    today: dt.date | None = None,
) -> list[BaselineRecord]:
    """Record that the Reception baseline was administered (a date, not in the future and
    within the academic year) or why not; all or nothing. Never a score."""
    _source(source)
    today = today or timezone.localdate()
    checker = _Checker(school, file)
    cleaned: list[tuple[BaselineEntry, str, str]] = []
    seen: set[tuple[int, str]] = set()
    for entry in entries:
        line, pupil = entry.line, entry.pupil
        checker.pupil(pupil, line)
        year = checker.year(entry.academic_year, line, pupil)
        checker.once(seen, (pupil.pk, year), line, pupil)
        code = checker.reason(
            "baseline", entry.not_administered, line, pupil, column="not_administered"
        )
        checker.one_of(entry.administered_on is not None, code, line, pupil, "administered_on")
        when = entry.administered_on
        if when is not None and (
            when > today or rules.academic_year_on(when.month, when.year) != year
        ):
            checker.add(
                line,
                "administered_on",
                _("%(date)s is not a date in %(year)s up to today")
                % {"date": when.isoformat(), "year": year},
                pupil,
            )
        cleaned.append((entry, year, code))
    checker.raise_if_any()
    existing = {
        (r.pupil_id, r.academic_year): r
        for r in BaselineRecord.objects.filter(
            school=school,
            pupil_id__in=[e.pupil.pk for e, *_ in cleaned],
            academic_year__in={year for _e, year, _c in cleaned},
        )
    }
    user = by if by is not None and by.is_authenticated else None
    records, before = [], []
    for entry, year, code in cleaned:
        record = existing.get((entry.pupil.pk, year))
        if record is None:
            record = BaselineRecord(school=school, pupil=entry.pupil, academic_year=year)
        else:
            before.append(snapshot(record))
        record.administered_on, record.not_administered = entry.administered_on, code
        record.source, record.recorded_by, record.recorded_at = source, user, timezone.now()
        records.append(record)
    fields = ["administered_on", "not_administered", "source", "recorded_by", "recorded_at"]
    _save_all(BaselineRecord, records, fields)
    _audit(by, school, AuditAction.STATUTORY_BASELINE_RECORD, records, before, source)
    return records


def baseline_record(
    *,
    pupil: Pupil,
    academic_year: str,
    administered_on: dt.date | None = None,
    not_administered: str = "",
    source: str = ResultSource.ENTRY,
    by: Actor | None = None,
) -> BaselineRecord:
    """One pupil's Reception baseline record (the same checks and write as a class's)."""
    entry = BaselineEntry(pupil, academic_year, administered_on, not_administered)
    return baseline_records_record(school=pupil.school, entries=[entry], source=source, by=by)[0]


# ---------------------------------------------------------------------------- shared


def _save_all(model: Any, rows: list[Any], fields: list[str]) -> None:
    new = [row for row in rows if row.pk is None]
    old = [row for row in rows if row.pk is not None]
    if new:
        created = model.objects.bulk_create(new)
        # SQLite and PostgreSQL both return the new keys from bulk_create.
        for row, made in zip(new, created, strict=True):
            row.pk = made.pk
    if old:
        model.objects.bulk_update(old, fields)


def _audit(
    by: Actor | None,
    school: School,
    action: AuditAction,
    rows: list[Any],
    before: list[dict[str, Any]],
    source: str,
) -> None:
    if not rows:
        return
    audit_write(
        actor=by,
        action=action,
        school=school,
        target_type=rows[0]._meta.label_lower,
        target_label=_("%(n)s pupils") % {"n": len(rows)},
        before={"replaced": before} if before else None,
        after={"source": source, "rows": [snapshot(row) for row in rows]},
    )
