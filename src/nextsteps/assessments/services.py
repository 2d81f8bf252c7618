"""Writes for tests and challenges: each in one transaction, each written to the audit log.

Bad input raises `AssessmentRefused` (or a subclass) with every problem in words a teacher can
act on, before anything is changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor
from nextsteps.assessments.kernels import conversion
from nextsteps.assessments.models import (
    Assessment,
    AssessmentClass,
    Attempt,
    Challenge,
    JudgementThreshold,
    Mark,
    Question,
    QuestionObjective,
    ScoreBand,
    ScoreTable,
    ScoreTableEntry,
)
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.models import AuditEvent
from nextsteps.audit.services import audit_write, snapshot
from nextsteps.curriculum.models import Objective, Scale, ScaleLevel
from nextsteps.markbook.models import Judgement, JudgementSource, Method
from nextsteps.markbook.services import JudgementEntry, judgements_record_bulk
from nextsteps.people.models import Pupil
from nextsteps.schools.models import Department, School, Subject
from nextsteps.teaching.models import Class

DATA_DIR = Path(__file__).parent / "data"


class AssessmentRefused(ValueError):
    """A change that cannot be made; `problems` lists every reason."""

    def __init__(self, problems: Sequence[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


def _user(by: Actor | None) -> Any:
    return by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) else None


# ---------------------------------------------------------------------------- assessments


@dataclass(frozen=True)
class QuestionRow:
    label: str
    max_marks: int
    objective_ids: tuple[int, ...] = ()


@transaction.atomic(durable=True)
def assessment_create(
    *,
    school: School,
    name: str,
    taken_on: dt.date,
    classes: Sequence[Class],
    by: Actor | None,
    kind: str = Assessment.Kind.TEST,
    subject: Subject | None = None,
    year_group: int | None = None,
    score_table: ScoreTable | None = None,
    questions: Sequence[QuestionRow] = (),
) -> Assessment:
    """Add a test sat by these classes, with its questions when given."""
    _check_details(
        school=school, name=name, classes=classes, subject=subject, score_table=score_table
    )
    if Assessment.objects.filter(school=school, name=name.strip(), taken_on=taken_on).exists():
        raise AssessmentRefused(
            _("There is already a test called “%(name)s” on %(date)s.")
            % {"name": name.strip(), "date": taken_on.strftime("%d %B %Y")}
        )
    assessment = Assessment.objects.create(
        school=school,
        name=name.strip(),
        kind=kind,
        subject=subject,
        year_group=year_group,
        taken_on=taken_on,
        score_table=score_table,
        created_by=_user(by),
    )
    AssessmentClass.objects.bulk_create(
        AssessmentClass(school=school, assessment=assessment, teaching_class=c) for c in classes
    )
    audit_write(actor=by, action=AuditAction.ASSESSMENT_CREATE, target=assessment)
    if questions:
        questions_save(assessment=assessment, rows=questions, by=by)
    return assessment


@transaction.atomic(durable=True)
def assessment_update(
    *,
    assessment: Assessment,
    name: str,
    taken_on: dt.date,
    classes: Sequence[Class],
    by: Actor | None,
    kind: str,
    subject: Subject | None,
    year_group: int | None,
    score_table: ScoreTable | None,
) -> Assessment:
    """Change a test's details; a class whose pupils already have marks cannot be taken off."""
    school = assessment.school
    _check_details(
        school=school, name=name, classes=classes, subject=subject, score_table=score_table
    )
    clash = Assessment.objects.filter(school=school, name=name.strip(), taken_on=taken_on)
    if clash.exclude(pk=assessment.pk).exists():
        raise AssessmentRefused(
            _("There is already a test called “%(name)s” on %(date)s.")
            % {"name": name.strip(), "date": taken_on.strftime("%d %B %Y")}
        )
    before = snapshot(assessment)
    kept = {c.pk for c in classes}
    dropped = list(
        Class.objects.filter(pk__in=assessment.class_links.values("teaching_class_id")).exclude(
            pk__in=kept
        )
    )
    for teaching_class in dropped:
        if Mark.objects.filter(
            assessment=assessment, pupil__enrolments__teaching_class=teaching_class
        ).exists():
            raise AssessmentRefused(
                _("%(class)s cannot be taken off this test: its pupils already have marks.")
                % {"class": teaching_class.name}
            )
    AssessmentClass.objects.filter(assessment=assessment, teaching_class__in=dropped).delete()
    existing = set(assessment.class_links.values_list("teaching_class_id", flat=True))
    AssessmentClass.objects.bulk_create(
        AssessmentClass(school=school, assessment=assessment, teaching_class=c)
        for c in classes
        if c.pk not in existing
    )
    assessment.name, assessment.taken_on, assessment.kind = name.strip(), taken_on, kind
    assessment.subject, assessment.year_group = subject, year_group
    assessment.score_table = score_table
    assessment.save()
    audit_write(actor=by, action=AuditAction.ASSESSMENT_UPDATE, target=assessment, before=before)
    return assessment


def _check_details(
    *,
    school: School,
    name: str,
    classes: Sequence[Class],
    subject: Subject | None,
    score_table: ScoreTable | None,
) -> None:
    problems = []
    if not name.strip():
        problems.append(_("Give the test a name."))
    if not classes:
        problems.append(_("Choose at least one class that sits the test."))
    if any(c.school_id != school.pk for c in classes):
        problems.append(_("Every class must be in %(school)s.") % {"school": school.name})
    if subject is not None and subject.school_id != school.pk:
        problems.append(_("The subject must be one of %(school)s's.") % {"school": school.name})
    if score_table is not None and score_table.school_id != school.pk:
        problems.append(
            _("The score table must be one loaded for %(school)s.") % {"school": school.name}
        )
    if problems:
        raise AssessmentRefused(problems)


# A savepoint: assessment_create holds the transaction when a new test brings its questions.
@transaction.atomic
def questions_save(
    *, assessment: Assessment, rows: Sequence[QuestionRow], by: Actor | None
) -> list[Question]:
    """Set the test's questions, in order. Questions are matched by label; one that already
    has marks keeps them, cannot be removed and cannot be worth less than a mark it holds."""
    problems = _question_problems(assessment, rows)
    existing = {q.label: q for q in assessment.questions.all()}
    wanted = {row.label.strip() for row in rows}
    highest = _highest_marks(assessment)
    for label, question in existing.items():
        if label not in wanted and question.pk in highest:
            problems.append(
                _("Question %(label)s cannot be removed: pupils already have marks for it.")
                % {"label": label}
            )
    for row in rows:
        held = existing.get(row.label.strip())
        if held is not None and highest.get(held.pk, 0) > row.max_marks:
            problems.append(
                _("Question %(label)s cannot be worth %(max)s: a pupil already has %(mark)s.")
                % {"label": row.label, "max": row.max_marks, "mark": highest[held.pk]}
            )
    if problems:
        raise AssessmentRefused(problems)
    before = [[q.label, q.max_marks] for q in existing.values()]
    Question.objects.filter(assessment=assessment).exclude(label__in=wanted).delete()
    # Park positions out of the way first: positions are unique within a test.
    Question.objects.filter(assessment=assessment).update(position=F("position") + 1000)
    saved = []
    for position, row in enumerate(rows, start=1):
        question = existing.get(row.label.strip()) or Question(
            school=assessment.school, assessment=assessment, label=row.label.strip()
        )
        question.position, question.max_marks = position, row.max_marks
        question.save()
        saved.append(question)
    QuestionObjective.objects.filter(question__assessment=assessment).delete()
    QuestionObjective.objects.bulk_create(
        QuestionObjective(school=assessment.school, question=question, objective_id=objective_id)
        for question, row in zip(saved, rows, strict=True)
        for objective_id in dict.fromkeys(row.objective_ids)
    )
    audit_write(
        actor=by,
        action=AuditAction.ASSESSMENT_QUESTIONS,
        target=assessment,
        before={"questions": before},
        after={
            "questions": [
                [q.label, q.max_marks, list(r.objective_ids)]
                for q, r in zip(saved, rows, strict=True)
            ]
        },
    )
    return saved


def _question_problems(assessment: Assessment, rows: Sequence[QuestionRow]) -> list[str]:
    problems = []
    if not rows:
        problems.append(_("A test needs at least one question."))
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        label = row.label.strip()
        if not label:
            problems.append(
                _("Row %(n)s: give the question a label, such as 1 or 2a.") % {"n": number}
            )
        elif len(label) > 20:
            problems.append(_("Row %(n)s: a label is at most 20 characters.") % {"n": number})
        elif label.lower() in seen:
            problems.append(
                _("Row %(n)s: question %(label)s appears twice.") % {"n": number, "label": label}
            )
        seen.add(label.lower())
        if not 1 <= row.max_marks <= 100:
            problems.append(
                _("Row %(n)s: a question is worth from 1 to 100 marks, not %(max)s.")
                % {"n": number, "max": row.max_marks}
            )
    objective_ids = {o for row in rows for o in row.objective_ids}
    known = set(
        Objective.objects.filter(school=assessment.school, pk__in=objective_ids).values_list(
            "pk", flat=True
        )
    )
    if objective_ids - known:
        problems.append(_("Some objectives are not in this school's curriculum."))
    return problems


def _highest_marks(assessment: Assessment) -> dict[int, int]:
    return dict(
        Mark.objects.filter(assessment=assessment)
        .values("question_id")
        .annotate(top=Max("marks"))
        .values_list("question_id", "top")
    )


# ---------------------------------------------------------------------------- marks


class MarkRefused(AssessmentRefused):
    """A mark that cannot be saved (above the maximum, negative, not a whole number)."""


def mark_problem(question: Question, marks: int) -> str | None:
    """Why this many marks cannot be given for the question, or None when they can."""
    if marks < 0:
        return _("%(value)s is negative; marks start at 0.") % {"value": marks}
    if marks > question.max_marks:
        return _("%(value)s is more than the %(max)s marks question %(label)s is worth.") % {
            "value": marks,
            "max": question.max_marks,
            "label": question.label,
        }
    return None


@transaction.atomic(durable=True)
def mark_set(
    *, assessment: Assessment, question: Question, pupil: Pupil, marks: int | None, by: Actor | None
) -> Mark | None:
    """Give a pupil marks on a question (None clears the cell)."""
    if question.assessment_id != assessment.pk or pupil.school_id != assessment.school_id:
        raise MarkRefused(_("That question or pupil is not part of this test."))
    existing = Mark.objects.select_for_update().filter(question=question, pupil=pupil).first()
    before = snapshot(existing) if existing else None
    if marks is None:
        if existing is not None:
            existing.delete()
            audit_write(
                actor=by,
                action=AuditAction.MARK_CLEAR,
                school=assessment.school,
                before=before,
                target_type="assessments.mark",
                target_label=f"{pupil} · {assessment} · {question}",
            )
        return None
    problem = mark_problem(question, marks)
    if problem:
        raise MarkRefused(problem)
    if existing is not None and existing.marks == marks:
        return existing
    mark = existing or Mark(
        school=assessment.school, assessment=assessment, question=question, pupil=pupil
    )
    mark.marks, mark.recorded_by, mark.recorded_at = marks, _user(by), timezone.now()
    mark.save()
    audit_write(
        actor=by,
        action=AuditAction.MARK_SET,
        target=mark,
        before=before,
        target_label=f"{pupil} · {assessment} · {question}",
    )
    return mark


@dataclass(frozen=True)
class MarkChange:
    pupil_id: int
    question: Question
    marks: int | None


# A savepoint: the API's idempotent_write and the spreadsheet marks import hold the
# transaction.
@transaction.atomic
def marks_save(
    *,
    assessment: Assessment,
    changes: Sequence[MarkChange],
    by: Actor | None,
    action: AuditAction = AuditAction.MARKS_SAVE,
    note: str = "",
) -> int:
    """Save many cells at once (a whole grid or an uploaded file): all of them or none.

    Returns how many cells changed. One audit event lists every change with its before value.
    """
    problems = []
    for change in changes:
        if change.question.assessment_id != assessment.pk:
            problems.append(
                _("Question %(label)s is not on this test.") % {"label": change.question.label}
            )
        elif change.marks is not None and (problem := mark_problem(change.question, change.marks)):
            problems.append(problem)
    if problems:
        raise MarkRefused(problems)
    current = {
        (pupil_id, question_id): marks
        for pupil_id, question_id, marks in Mark.objects.filter(assessment=assessment).values_list(
            "pupil_id", "question_id", "marks"
        )
    }
    now, user = timezone.now(), _user(by)
    user_id = user.pk if user is not None else None
    to_write, to_clear, log = [], [], []
    for change in changes:
        key = (change.pupil_id, change.question.pk)
        before = current.get(key)
        if before == change.marks:
            continue
        log.append([change.pupil_id, change.question.pk, before, change.marks])
        if change.marks is None:
            to_clear.append(key)
        else:
            to_write.append(
                # Ids, not instances: ten thousand rows build noticeably faster this way.
                Mark(
                    school_id=assessment.school_id,
                    assessment_id=assessment.pk,
                    question_id=change.question.pk,
                    pupil_id=change.pupil_id,
                    marks=change.marks,
                    recorded_by_id=user_id,
                    recorded_at=now,
                )
            )
    Mark.objects.bulk_create(
        to_write,
        update_conflicts=True,
        unique_fields=["question", "pupil"],
        update_fields=["marks", "recorded_by", "recorded_at"],
        batch_size=2000,
    )
    for pupil_id, question_id in to_clear:
        Mark.objects.filter(
            assessment=assessment, pupil_id=pupil_id, question_id=question_id
        ).delete()
    if log:
        audit_write(
            actor=by,
            action=action,
            target=assessment,
            after={
                "note": note,
                "changes": log,
                "columns": ["pupil", "question", "before", "after"],
            },
        )
    return len(log)


# ---------------------------------------------------------------------------- score tables


@dataclass(frozen=True)
class ShippedTable:
    file: str
    name: str
    year: int
    kind: str
    source: str
    licence: str


SHIPPED_TABLES = {
    "ks2-2024-gps": ShippedTable(
        file="ks2_2024_gps_raw_to_scaled.csv",
        name="KS2 English grammar, punctuation and spelling",
        year=2024,
        kind=ScoreTable.Kind.SCALED,
        source="Standards and Testing Agency, 2024 scaled score tables",
        licence=(
            "Crown copyright. Contains public sector information licensed under the Open "
            "Government Licence v3.0."
        ),
    ),
}


# A savepoint: score_table_install holds the transaction.
@transaction.atomic
def score_table_load(
    *,
    school: School,
    name: str,
    year: int,
    kind: str,
    text: str,
    by: Actor | None,
    source: str = "",
    licence: str = "",
) -> ScoreTable:
    """Load a conversion table from its CSV text, with the usual bands for its kind.

    Raises conversion.TableRefused listing every problem in the file.
    """
    if not name.strip():
        raise AssessmentRefused(_("Name the test the table is for."))
    if not 1990 <= year <= 2100:
        raise AssessmentRefused(_("%(year)s is not a year.") % {"year": year})
    if ScoreTable.objects.filter(school=school, name=name.strip(), year=year).exists():
        raise AssessmentRefused(
            _("A %(year)s table for “%(name)s” is already loaded.")
            % {"year": year, "name": name.strip()}
        )
    rows: list[tuple[int, int | None, int | None]]
    bands: Sequence[conversion.Band]
    if kind == ScoreTable.Kind.SCALED:
        scaled = conversion.read_scaled_table(text)
        rows = [(raw, None, score) for raw, score in scaled.scores.items()]
        max_raw, bands = scaled.max_raw, conversion.DEFAULT_SCALED_BANDS
    else:
        standardised = conversion.read_standardised_table(text)
        rows = [(raw, age, score) for (raw, age), score in standardised.scores.items()]
        max_raw, bands = standardised.max_raw, conversion.DEFAULT_STANDARDISED_BANDS
    table = ScoreTable.objects.create(
        school=school,
        name=name.strip(),
        year=year,
        kind=kind,
        source=source,
        licence=licence,
        max_raw=max_raw,
        loaded_by=_user(by),
    )
    ScoreTableEntry.objects.bulk_create(
        ScoreTableEntry(school=school, table=table, raw_mark=raw, age_months=age, score=score)
        for raw, age, score in rows
    )
    ScoreBand.objects.bulk_create(
        ScoreBand(school=school, table=table, label=_(band.label), lowest=band.lowest)
        for band in bands
    )
    audit_write(actor=by, action=AuditAction.SCORE_TABLE_LOAD, target=table)
    return table


@transaction.atomic(durable=True)
def score_table_install(*, school: School, key: str, by: Actor | None) -> ScoreTable:
    """Load a table shipped with nextsteps (data/README.md); a second load changes nothing."""
    shipped = SHIPPED_TABLES[key]
    existing = ScoreTable.objects.filter(
        school=school, name=shipped.name, year=shipped.year
    ).first()
    if existing is not None:
        return existing
    return score_table_load(
        school=school,
        name=shipped.name,
        year=shipped.year,
        kind=shipped.kind,
        text=(DATA_DIR / shipped.file).read_text(encoding="utf-8"),
        by=by,
        source=shipped.source,
        licence=shipped.licence,
    )


@transaction.atomic(durable=True)
def score_bands_save(
    *, table: ScoreTable, bands: Sequence[tuple[str, int]], by: Actor | None
) -> list[ScoreBand]:
    """Replace a table's attainment bands; each runs from its lowest score to the next band's."""
    problems = []
    if not bands:
        problems.append(_("Keep at least one band."))
    lowests = [lowest for _label, lowest in bands]
    for label, lowest in bands:
        if not label.strip():
            problems.append(_("The band from %(lowest)s needs a name.") % {"lowest": lowest})
        if not 0 <= lowest <= 999:
            problems.append(_("%(lowest)s is not a score.") % {"lowest": lowest})
    if len(set(lowests)) != len(lowests):
        problems.append(_("Two bands start at the same score."))
    if problems:
        raise AssessmentRefused(problems)
    before = list(table.bands.values_list("label", "lowest"))
    table.bands.all().delete()
    saved = ScoreBand.objects.bulk_create(
        ScoreBand(school_id=table.school_id, table=table, label=label.strip(), lowest=lowest)
        for label, lowest in sorted(bands, key=lambda b: b[1])
    )
    audit_write(
        actor=by,
        action=AuditAction.SCORE_TABLE_BANDS,
        target=table,
        before={"bands": before},
        after={"bands": [[b.label, b.lowest] for b in saved]},
    )
    return saved


# ---------------------------------------------------------------------------- thresholds


@transaction.atomic(durable=True)
def thresholds_save(
    *,
    school: School,
    department: Department | None,
    scale: Scale,
    percents: Mapping[int, int | None],
    by: Actor | None,
) -> list[JudgementThreshold]:
    """Set, for one scale, the share of an objective's marks from which a test shows each level.

    `percents` maps level ids to a percentage, or None for a level a test cannot show. Higher
    levels need higher percentages, and the lowest level given starts at 0 so every pupil
    with marks gets a level.
    """
    levels = list(scale.levels.order_by("value"))
    given = [
        (level, percents.get(level.pk)) for level in levels if percents.get(level.pk) is not None
    ]
    problems = []
    if set(percents) - {level.pk for level in levels}:
        problems.append(_("Some levels are not on the scale %(scale)s.") % {"scale": scale.name})
    if not given:
        problems.append(_("Give a percentage for at least one level."))
    for level, percent in given:
        if percent is not None and not 0 <= percent <= 100:
            problems.append(
                _("%(level)s: %(p)s is not a percentage.") % {"level": level.label, "p": percent}
            )
    for (lower, low), (higher, high) in zip(given, given[1:], strict=False):
        if low is not None and high is not None and high <= low:
            problems.append(
                _("%(higher)s must start above %(lower)s (%(low)s%%).")
                % {"higher": higher.label, "lower": lower.label, "low": low}
            )
    if given and given[0][1] != 0:
        problems.append(
            _("%(level)s is the lowest level a test shows, so it starts at 0%%.")
            % {"level": given[0][0].label}
        )
    if department is not None and department.school_id != school.pk:
        problems.append(_("That department is not in this school."))
    if problems:
        raise AssessmentRefused(problems)
    current = JudgementThreshold.objects.filter(
        school=school, department=department, level__scale=scale
    )
    before = list(current.values_list("level__label", "min_percent"))
    current.delete()
    saved = JudgementThreshold.objects.bulk_create(
        JudgementThreshold(school=school, department=department, level=level, min_percent=percent)
        for level, percent in given
        if percent is not None
    )
    audit_write(
        actor=by,
        action=AuditAction.THRESHOLDS_SAVE,
        school=school,
        target_type="assessments.judgementthreshold",
        target_label=f"{department or school} · {scale}",
        before={"thresholds": before},
        after={"thresholds": [[t.level.label, t.min_percent] for t in saved]},
    )
    return saved


@transaction.atomic(durable=True)
def assessment_judgements_record(
    *,
    assessment: Assessment,
    teaching_class: Class,
    entries: Sequence[JudgementEntry],
    by: Actor | None,
) -> list[Judgement]:
    """Record a test's judgements (source *test*) for a class; submitting the same twice adds
    nothing the second time."""
    if not entries:
        raise AssessmentRefused(_("There are no complete marks to turn into judgements yet."))
    digest = hashlib.sha256(
        "|".join(f"{e.pupil.pk}:{e.objective.pk}:{e.level.pk}" for e in entries).encode()
    ).hexdigest()[:24]
    judgements = judgements_record_bulk(
        entries=entries,
        by=by,
        source=JudgementSource.TEST,
        teaching_class=teaching_class,
        idempotency_key=f"test{assessment.pk}-c{teaching_class.pk}-{digest}",
    )
    audit_write(
        actor=by,
        action=AuditAction.ASSESSMENT_JUDGEMENTS,
        target=assessment,
        after={"class": teaching_class.pk, "judgements": len(judgements)},
    )
    return judgements


def judgement_entry_from_test(
    *, pupil: Pupil, objective: Objective, level: ScaleLevel, percent: int, assessment: Assessment
) -> JudgementEntry:
    """A judgement entry from a test result, dated the day the test was sat."""
    shown_at = timezone.make_aware(dt.datetime.combine(assessment.taken_on, dt.time(12, 0)))
    note = _("%(test)s: %(percent)s%% of the marks") % {"test": assessment.name, "percent": percent}
    return JudgementEntry(
        pupil=pupil,
        objective=objective,
        level=level,
        method=Method.TEST,
        note=note,
        shown_at=shown_at,
    )


# ---------------------------------------------------------------------------- challenges


@transaction.atomic(durable=True)
def challenge_create(
    *,
    school: School,
    name: str,
    kind: str,
    max_score: int,
    time_limit_seconds: int,
    by: Actor | None,
    description: str = "",
) -> Challenge:
    problems = []
    if not name.strip():
        problems.append(_("Give the challenge a name."))
    if not 1 <= max_score <= 500:
        problems.append(_("A challenge has from 1 to 500 questions."))
    if not 10 <= time_limit_seconds <= 3600:
        problems.append(_("Allow from 10 seconds to an hour."))
    if Challenge.objects.filter(school=school, name=name.strip()).exists():
        problems.append(
            _("There is already a challenge called “%(name)s”.") % {"name": name.strip()}
        )
    if problems:
        raise AssessmentRefused(problems)
    try:
        challenge = Challenge.objects.create(
            school=school,
            name=name.strip(),
            kind=kind,
            max_score=max_score,
            time_limit_seconds=time_limit_seconds,
            description=description,
            created_by=_user(by),
        )
    except IntegrityError as error:  # a colleague saved the same name a moment ago
        raise AssessmentRefused(
            _("There is already a challenge called “%(name)s”.") % {"name": name}
        ) from error
    audit_write(actor=by, action=AuditAction.CHALLENGE_CREATE, target=challenge)
    return challenge


@dataclass(frozen=True)
class AttemptEntry:
    pupil: Pupil
    score: int
    seconds: int


def attempt_problem(challenge: Challenge, entry: AttemptEntry) -> str | None:
    if not 0 <= entry.score <= challenge.max_score:
        return _("%(pupil)s: a score is from 0 to %(max)s, not %(score)s.") % {
            "pupil": entry.pupil.name,
            "max": challenge.max_score,
            "score": entry.score,
        }
    if not 1 <= entry.seconds <= challenge.time_limit_seconds:
        return _(
            "%(pupil)s: the time must be from 1 to the %(limit)s seconds allowed, not %(seconds)s."
        ) % {
            "pupil": entry.pupil.name,
            "limit": challenge.time_limit_seconds,
            "seconds": entry.seconds,
        }
    if entry.pupil.school_id != challenge.school_id:
        return _("%(pupil)s is not in this school.") % {"pupil": entry.pupil.name}
    return None


@transaction.atomic(durable=True)
def attempts_record(
    *,
    challenge: Challenge,
    entries: Iterable[AttemptEntry],
    taken_at: dt.datetime,
    by: Actor | None,
    teaching_class: Class | None = None,
) -> list[Attempt]:
    """Record a round of attempts (a class's go at the challenge): all of them or none."""
    entries = list(entries)
    problems = [p for p in (attempt_problem(challenge, e) for e in entries) if p]
    if not entries:
        problems.append(_("Enter at least one pupil's score."))
    if problems:
        raise AssessmentRefused(problems)
    user = _user(by)
    attempts = Attempt.objects.bulk_create(
        Attempt(
            school_id=challenge.school_id,
            challenge=challenge,
            pupil=entry.pupil,
            score=entry.score,
            seconds=entry.seconds,
            taken_at=taken_at,
            teaching_class=teaching_class,
            recorded_by=user,
        )
        for entry in entries
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            school_id=challenge.school_id,
            actor=user,
            action=AuditAction.ATTEMPT_RECORD,
            target_type="assessments.attempt",
            target_id=str(attempt.pk),
            target_label=f"{attempt.pupil} · {challenge}"[:200],
            after=snapshot(attempt),
        )
        for attempt in attempts
    )
    return attempts
