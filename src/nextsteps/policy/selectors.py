"""Reads for the policy pages, batch-loaded so that query counts do not grow with rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from nextsteps.curriculum.models import Framework
from nextsteps.policy.kernels.guidance import guidance_subject_for
from nextsteps.policy.models import (
    CollectionPoint,
    Decision,
    DepartmentSettings,
    GuidanceSubject,
    KeyQuestion,
    MarkingExpectation,
    PolicyDocument,
    PolicySettings,
    Response,
    ResponseComment,
    ResponseVersion,
    Review,
    Stage,
    Status,
    Structure,
    SubjectGuidance,
)
from nextsteps.policy.structures import describe
from nextsteps.schools.models import Department, School

REMINDER_DAYS = 14


def settings_for(school: School) -> PolicySettings:
    """The school's policy settings, or the defaults when leaders have not set any."""
    return PolicySettings.objects.filter(school=school).first() or PolicySettings(school=school)


def stages_with_questions(school: School, *, include_retired: bool = False) -> list[Stage]:
    """The school's stages with their questions in order, in two queries."""
    questions = KeyQuestion.objects.order_by("position", "pk")
    if not include_retired:
        questions = questions.filter(active=True)
    return list(
        Stage.objects.filter(school=school).prefetch_related(
            Prefetch("questions", queryset=questions)
        )
    )


def stage_in(school: School, stage_id: int) -> Stage | None:
    """One of the school's stages (None: not the school's)."""
    return Stage.objects.filter(school=school, pk=stage_id).first()


def question_guidance(question: KeyQuestion) -> dict[str, str]:
    """The question's guidance for each subject that has its own."""
    return {g.subject: g.text for g in question.guidance_set.all()}


def active_questions(school: School) -> list[KeyQuestion]:
    return list(
        KeyQuestion.objects.filter(school=school, active=True)
        .select_related("stage")
        .order_by("stage__position", "position", "pk")
    )


def guidance_subjects(departments: list[Department]) -> dict[int, str]:
    """Each department's guidance subject (saved, or guessed from its name), in one query."""
    saved = dict(
        DepartmentSettings.objects.filter(department__in=departments).values_list(
            "department_id", "guidance_subject"
        )
    )
    return {d.pk: saved.get(d.pk) or guidance_subject_for(d.name, []) for d in departments}


# ---------------------------------------------------------------------------- overview


# Statuses in which a department's answer has been submitted (the synthesis counts these).
SUBMITTED_STATUSES = frozenset({Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.AGREED})


@dataclass
class Cell:
    question: KeyQuestion
    status: str  # "" when not answered yet
    agreed_before: bool = False  # an agreed version stands while a new draft is written

    @property
    def counted(self) -> bool:
        """The synthesis counts this answer: submitted, or agreed and now being redrafted."""
        return self.status in SUBMITTED_STATUSES or self.agreed_before

    @property
    def label(self) -> str:
        return str(Status(self.status).label) if self.status else ""


@dataclass
class DepartmentRow:
    department: Department
    cells: list[Cell]

    @property
    def answered(self) -> int:
        return sum(1 for c in self.cells if c.status)

    @property
    def agreed(self) -> int:
        return sum(1 for c in self.cells if c.status == Status.AGREED)

    @property
    def submitted(self) -> int:
        return sum(1 for c in self.cells if c.status == Status.SUBMITTED)


@dataclass
class QuestionColumn:
    question: KeyQuestion
    answered: int  # submitted answers: drafts are not counted
    agreed: int
    decided: bool


@dataclass
class Overview:
    questions: list[KeyQuestion]
    rows: list[DepartmentRow]
    decided: set[int]
    latest_document: PolicyDocument | None
    awaiting: int  # answers submitted and waiting for a leader

    @property
    def columns(self) -> list[QuestionColumn]:
        """Each question with how many departments answered it and agreed it."""
        return [
            QuestionColumn(
                question=question,
                answered=sum(1 for row in self.rows if row.cells[index].counted),
                agreed=sum(1 for row in self.rows if row.cells[index].status == Status.AGREED),
                decided=question.pk in self.decided,
            )
            for index, question in enumerate(self.questions)
        ]


def overview(school: School, departments: list[Department]) -> Overview:
    """Departments × questions with each answer's status, in a fixed number of queries."""
    questions = active_questions(school)
    statuses = {
        (department_id, question_id): (status, agreed_id is not None)
        for department_id, question_id, status, agreed_id in Response.objects.filter(
            school=school, department__in=departments
        ).values_list("department_id", "question_id", "status", "agreed_version_id")
    }
    rows = [
        DepartmentRow(
            department=department,
            cells=[Cell(q, *statuses.get((department.pk, q.pk), ("", False))) for q in questions],
        )
        for department in departments
    ]
    decided = set(
        Decision.objects.filter(school=school).values_list("question_id", flat=True).distinct()
    )
    return Overview(
        questions=questions,
        rows=rows,
        decided=decided,
        latest_document=PolicyDocument.objects.filter(school=school).first(),
        awaiting=sum(row.submitted for row in rows),
    )


# ---------------------------------------------------------------------------- a department


@dataclass
class QuestionRow:
    question: KeyQuestion
    response: Response | None
    comment_count: int = 0

    @property
    def status(self) -> str:
        return self.response.status if self.response else ""


@dataclass
class StageRows:
    stage: Stage
    rows: list[QuestionRow]


@dataclass
class Configuration:
    frameworks: list[Framework]
    points: list[CollectionPoint]
    marking: list[MarkingExpectation]


@dataclass
class DepartmentDashboard:
    department: Department
    guidance_subject: str
    settings: DepartmentSettings | None
    stages: list[StageRows]
    configuration: Configuration
    counts: dict[str, int]
    total: int
    reviews: list[Review]

    @property
    def answered(self) -> int:
        return self.total - self.counts.get("", 0)

    @property
    def not_started(self) -> int:
        return self.counts.get("", 0)

    @property
    def percent_answered(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def percent_agreed(self) -> int:
        return round(100 * self.counts.get(Status.AGREED, 0) / self.total) if self.total else 0


def department_dashboard(school: School, department: Department) -> DepartmentDashboard:
    """What the department has answered, in what state, and the configuration in force."""
    stages = stages_with_questions(school)
    responses = {
        r.question_id: r
        for r in Response.objects.filter(department=department)
        .select_related("latest_version__author")
        .annotate(comment_count=Count("comments", filter=~Q(comments__body="")))
    }
    stage_rows: list[StageRows] = []
    counts: dict[str, int] = defaultdict(int)
    for stage in stages:
        rows = []
        for question in stage.questions.all():
            response = responses.get(question.pk)
            rows.append(QuestionRow(question, response, getattr(response, "comment_count", 0) or 0))
            counts[response.status if response else ""] += 1
        stage_rows.append(StageRows(stage, rows))
    settings = DepartmentSettings.objects.filter(department=department).first()
    return DepartmentDashboard(
        department=department,
        guidance_subject=settings.guidance_subject
        if settings
        else guidance_subject_for(department.name, []),
        settings=settings,
        stages=stage_rows,
        configuration=configuration(department),
        counts=dict(counts),
        total=sum(len(s.rows) for s in stage_rows),
        reviews=list(Review.objects.filter(department=department).order_by("-due_on")[:6]),
    )


def configuration(department: Department) -> Configuration:
    """The scale, method, assessment points and marking the department's answers have set."""
    return Configuration(
        frameworks=list(
            Framework.objects.filter(school_id=department.school_id, subject__department=department)
            .select_related("scale", "subject")
            .order_by("name")
        ),
        points=list(CollectionPoint.objects.filter(department=department)),
        marking=list(MarkingExpectation.objects.filter(department=department)),
    )


# ---------------------------------------------------------------------------- an answer


@dataclass
class HistoryEntry:
    at: dt.datetime
    version: ResponseVersion | None = None
    comment: ResponseComment | None = None
    lines: list[str] = field(default_factory=list)


@dataclass
class AnswerPage:
    department: Department
    question: KeyQuestion
    response: Response | None
    subject: str
    subject_guidance: str
    history: list[HistoryEntry]
    versions: list[ResponseVersion]
    context_frameworks: Sequence[Framework] = field(default_factory=list)

    @property
    def latest(self) -> ResponseVersion | None:
        return self.response.latest_version if self.response else None

    @property
    def subject_label(self) -> str:
        return str(GuidanceSubject(self.subject).label)

    @property
    def latest_lines(self) -> list[str]:
        latest = self.latest
        return describe(self.question.structure, latest.structured) if latest else []


def _history_order(entry: HistoryEntry) -> tuple[dt.datetime, bool, int]:
    """When it happened; at the same moment a comment follows the version it is about."""
    row = entry.comment or entry.version
    return (entry.at, entry.comment is not None, row.pk if row else 0)


def answer_page(department: Department, question: KeyQuestion) -> AnswerPage:
    """The answer with every version and comment (newest first) and the guidance beside it."""
    subject = guidance_subjects([department])[department.pk]
    guidance = SubjectGuidance.objects.filter(question=question, subject=subject).first()
    response = (
        Response.objects.filter(department=department, question=question)
        .select_related("latest_version__author", "agreed_version")
        .first()
    )
    versions: list[ResponseVersion] = []
    comments: list[ResponseComment] = []
    if response is not None:
        versions = list(response.versions.select_related("author").order_by("-number"))
        comments = list(response.comments.select_related("author", "version"))
    history = [
        HistoryEntry(at=v.created_at, version=v, lines=describe(question.structure, v.structured))
        for v in versions
    ] + [HistoryEntry(at=c.created_at, comment=c) for c in comments]
    history.sort(key=_history_order, reverse=True)
    frameworks = []
    if question.structure == Structure.PROGRESS or question.key == "core-learning":
        frameworks = list(
            Framework.objects.filter(school_id=department.school_id, subject__department=department)
            .select_related("scale")
            .annotate(
                objective_count=Count("objectives", distinct=True),
                core_count=Count("objectives", filter=Q(objectives__core=True), distinct=True),
            )
        )
    return AnswerPage(
        department=department,
        question=question,
        response=response,
        subject=subject,
        subject_guidance=guidance.text if guidance else "",
        history=history,
        versions=versions,
        context_frameworks=frameworks,
    )


# ---------------------------------------------------------------------------- reviews


@dataclass
class Reminder:
    review: Review
    days: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def overdue_days(self) -> int:
        return -self.days


def reviews_for(school: School, department_ids: set[int] | None = None) -> list[Review]:
    reviews = Review.objects.filter(school=school).select_related("department", "completed_by")
    if department_ids is not None:
        reviews = reviews.filter(department_id__in=department_ids)
    return list(reviews.order_by("completed_on", "due_on", "pk"))


@dataclass
class SecureShare:
    share: Decimal  # percentage of standings on core learning that are secure
    standings: int


def secure_share(school: School, department: Department | None) -> SecureShare | None:
    """How much of the core learning pupils have secured now (one aggregate query).

    Reviews record it, so that each evaluation can be read against the one before. None
    when there are no standings on core learning yet.
    """
    from nextsteps.markbook.models import Standing

    standings = Standing.objects.filter(school=school, objective__core=True)
    if department is not None:
        standings = standings.filter(objective__framework__subject__department=department)
    totals = standings.aggregate(total=Count("pk"), secure=Count("pk", filter=Q(mastered=True)))
    if not totals["total"]:
        return None
    share = (Decimal(100) * totals["secure"] / totals["total"]).quantize(Decimal("0.1"))
    return SecureShare(share=share, standings=totals["total"])


def previous_reviews(review: Review) -> list[Review]:
    """The completed reviews of the same scope, newest first."""
    return list(
        Review.objects.filter(
            Q(department_id=review.department_id)
            if review.department_id
            else Q(department__isnull=True),
            school_id=review.school_id,
            completed_on__isnull=False,
        )
        .select_related("completed_by")
        .order_by("-completed_on")[:5]
    )


def reminders(
    school: School,
    *,
    department_ids: set[int] | None = None,
    whole_school: bool = False,
    today: dt.date | None = None,
) -> list[Reminder]:
    """Reviews not yet done that are due within two weeks, or overdue, soonest first.

    Leaders (`whole_school`) see every review; a head of department sees their departments'.
    """
    today = today or timezone.localdate()
    due = Review.objects.filter(
        school=school,
        completed_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=REMINDER_DAYS),
    ).select_related("department")
    if not whole_school:
        due = due.filter(department_id__in=department_ids or set())
    return [Reminder(review, (review.due_on - today).days) for review in due.order_by("due_on")]
