"""Reads for the published policy: the document as it would read if published now."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from nextsteps.curriculum.models import Framework
from nextsteps.policy.kernels import glossary
from nextsteps.policy.models import (
    CollectionPoint,
    Decision,
    KeyQuestion,
    MarkingExpectation,
    PolicyDocument,
    Response,
    ResponseVersion,
    Stage,
)
from nextsteps.policy.selectors import Configuration, settings_for, stages_with_questions
from nextsteps.policy.structures import describe
from nextsteps.policy.workload_selectors import WorkloadRow, workload_rows
from nextsteps.schools.models import Department, School


@dataclass
class ContentQuestion:
    question: KeyQuestion
    decision: Decision | None


@dataclass
class ContentStage:
    stage: Stage
    questions: list[ContentQuestion]


@dataclass
class ContentAnswer:
    question: KeyQuestion
    version: ResponseVersion
    lines: list[str]


@dataclass
class ContentDepartment:
    department: Department
    answers: list[ContentAnswer]
    configuration: Configuration
    workload: WorkloadRow | None


@dataclass
class DepartmentGap:
    """A department and the key questions it has no agreed answer to (all of them: no agreed
    approach at all)."""

    department: Department
    questions: list[KeyQuestion]
    none_agreed: bool


@dataclass
class PolicyContent:
    school: School
    title: str
    version: int
    published_on: dt.date
    stages: list[ContentStage]
    departments: list[ContentDepartment]
    terms: list[glossary.Term]
    next_review_on: dt.date | None = None
    limit_hours: Decimal = Decimal(0)
    gaps: list[DepartmentGap] = field(default_factory=list)

    @property
    def without_approach(self) -> list[Department]:
        """Departments with no agreed answer at all: absent from the document's approaches."""
        return [gap.department for gap in self.gaps if gap.none_agreed]

    @property
    def partly_agreed(self) -> list[DepartmentGap]:
        return [gap for gap in self.gaps if not gap.none_agreed]

    @property
    def has_content(self) -> bool:
        decided = any(q.decision for s in self.stages for q in s.questions)
        return decided or any(d.answers for d in self.departments)


def policy_content(school: School, *, version: int, published_on: dt.date) -> PolicyContent:
    """The policy as it would be published now: decisions, then each department's agreed part."""
    from django.utils.translation import gettext as _

    stages = stages_with_questions(school)
    latest_decisions: dict[int, Decision] = {}
    for decision in Decision.objects.filter(school=school).order_by("decided_at", "pk"):
        latest_decisions[decision.question_id] = decision
    content_stages = [
        ContentStage(
            stage, [ContentQuestion(q, latest_decisions.get(q.pk)) for q in stage.questions.all()]
        )
        for stage in stages
    ]
    departments = list(Department.objects.filter(school=school).order_by("name"))
    agreed = defaultdict(list)
    order = {q.question.pk: i for i, q in enumerate(q for s in content_stages for q in s.questions)}
    for response in Response.objects.filter(
        school=school, agreed_version__isnull=False, question__active=True
    ).select_related("agreed_version", "question"):
        version_row = response.agreed_version
        assert version_row is not None  # noqa: S101 - filtered above
        agreed[response.department_id].append(
            ContentAnswer(
                response.question,
                version_row,
                describe(response.question.structure, version_row.structured),
            )
        )
    workloads = {row.department.pk: row for row in workload_rows(school, departments)}
    points = defaultdict(list)
    for point in CollectionPoint.objects.filter(school=school):
        points[point.department_id].append(point)
    marking = defaultdict(list)
    for expectation in MarkingExpectation.objects.filter(school=school):
        marking[expectation.department_id].append(expectation)
    frameworks = defaultdict(list)
    for framework in Framework.objects.filter(
        school=school, subject__department__isnull=False
    ).select_related("scale", "subject"):
        frameworks[framework.subject.department_id].append(framework)
    content_departments = [
        ContentDepartment(
            department=d,
            answers=sorted(agreed[d.pk], key=lambda a: order.get(a.question.pk, 0)),
            configuration=Configuration(frameworks[d.pk], points[d.pk], marking[d.pk]),
            workload=workloads.get(d.pk),
        )
        for d in departments
        if agreed[d.pk]
    ]
    questions = [q.question for s in content_stages for q in s.questions]
    gaps = []
    for d in departments:
        agreed_ids = {answer.question.pk for answer in agreed[d.pk]}
        missing = [q for q in questions if q.pk not in agreed_ids]
        if missing:
            gaps.append(DepartmentGap(d, missing, none_agreed=not agreed[d.pk]))
    texts = [q.decision.text for s in content_stages for q in s.questions if q.decision]
    texts += [a.version.text for d in content_departments for a in d.answers]
    used = set(glossary.terms_in("\n".join(texts)))
    return PolicyContent(
        school=school,
        title=_("Assessment policy — %(school)s") % {"school": school.name},
        version=version,
        published_on=published_on,
        stages=content_stages,
        departments=content_departments,
        terms=[t for t in glossary.glossary() if t.key in used],
        limit_hours=settings_for(school).workload_limit_hours,
        gaps=gaps,
    )


def published(school: School) -> list[PolicyDocument]:
    return list(PolicyDocument.objects.filter(school=school).select_related("published_by"))


def versions(school: School) -> list[dict[str, Any]]:
    """Every published version's number and time, newest first."""
    return [
        {"version": row["version"], "published_at": row["published_at"]}
        for row in PolicyDocument.objects.filter(school=school).values("version", "published_at")
    ]


def is_latest(document: PolicyDocument) -> bool:
    """Whether no later version has been published."""
    return not PolicyDocument.objects.filter(
        school_id=document.school_id, version__gt=document.version
    ).exists()
