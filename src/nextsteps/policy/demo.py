"""Demo policy work: Kingsmead's six departments part-way through refocusing assessment,
a published policy at each school, a review due soon, and a planned unit in 4 Oak.

Mathematics has agreed every answer (so its scale, method, assessment points and marking
are set by them); the others are in various states, with leaders' comments. Everything is
written through the services, so it is validated and audited like real use, and the builder
only adds what is missing: running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

from nextsteps.accounts.models import Membership, Role, User
from nextsteps.curriculum.models import Objective
from nextsteps.policy import planning_services, services
from nextsteps.policy.document_selectors import policy_content
from nextsteps.policy.models import (
    Decision,
    KeyQuestion,
    PolicyDocument,
    Response,
    ResponseComment,
    ResponseVersion,
    Review,
    Unit,
)
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class, ClassStaff, PupilGroup

AGREED, SUBMITTED, CHANGES, DRAFT = "agreed", "submitted", "changes", "draft"


@dataclass
class Answer:
    """One department's answer: its versions (text, structured) and where it ended up."""

    versions: list[tuple[str, dict[str, Any]]]
    status: str
    comments: list[tuple[int, str]] = field(default_factory=list)  # (after version n, comment)
    changes: str = ""  # a leader's request for changes, when the status is CHANGES


DEMO_FILE = Path(__file__).parent / "data" / "demo_policy.yaml"


def _answer_from(entry: dict[str, Any], start: int) -> Answer:
    versions = []
    for version in entry["versions"]:
        structured = dict(version.get("structured") or {})
        if "points" in structured:
            structured["points"] = [
                {
                    "name": p["name"],
                    "date": dt.date(start + p["year"], p["month"], p["day"]).isoformat(),
                }
                for p in structured["points"]
            ]
        versions.append((" ".join(version["text"].split()), structured))
    return Answer(
        versions=versions,
        status=entry["status"],
        comments=[(c["after"], " ".join(c["text"].split())) for c in entry.get("comments", [])],
        changes=" ".join(entry.get("changes", "").split()),
    )


def demo_calendar(start: int) -> dict[str, list[tuple[str, dt.date]]]:
    """The assessment points departments scheduled in the calendar, dated in the academic
    year starting in `start`."""
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    return {
        department: [(p["name"], dt.date(start + p["year"], p["month"], p["day"])) for p in points]
        for department, points in (data.get("calendar") or {}).items()
    }


def demo_policy(start: int) -> tuple[dict[str, dict[str, Answer]], dict[str, dict[str, str]]]:
    """The departments' answers (dated in the academic year starting in `start`) and the
    schools' whole-school decisions, from the demo data file."""
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    answers = {
        department: {key: _answer_from(entry, start) for key, entry in questions.items()}
        for department, questions in data["departments"].items()
    }
    decisions = {
        school: {key: " ".join(text.split()) for key, text in by_key.items()}
        for school, by_key in data["decisions"].items()
    }
    return answers, decisions


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    start = today.year if today.month >= 9 else today.year - 1
    for school in (primary, secondary):
        services.key_questions_ensure(school=school, by=None)
    answers, decisions = demo_policy(start)
    leader = User.objects.filter(username="leader").first()
    head = User.objects.filter(username="primaryhead").first()
    _kingsmead(secondary, answers, decisions["kingsmead"], today, leader)
    _calendar(secondary, demo_calendar(start))
    _decisions(primary, decisions["hollins-park"], head, today)
    _publish(primary, head, today)
    _four_oak(primary, today)


def _at(today: dt.date, days_ago: int, hour: int = 16) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=tz)


def _head_of(department: Department) -> User | None:
    """The department's head: a demo account where there is one, else its first teacher."""
    existing = Membership.objects.filter(department=department, role=Role.HOD).first()
    if existing is not None:
        return existing.user
    link = (
        ClassStaff.objects.filter(
            teaching_class__subjects__department=department,
            role=ClassStaff.Role.TEACHER,
            staff__user__isnull=False,
        )
        .select_related("staff__user")
        .order_by("staff__surname", "staff__forename")
        .first()
    )
    if link is None or link.staff.user is None:
        return None
    user = link.staff.user
    Membership.objects.get_or_create(
        user=user, school_id=department.school_id, role=Role.HOD, department=department
    )
    return user


def _kingsmead(
    school: School,
    answers_by_department: dict[str, dict[str, Answer]],
    decisions: dict[str, str],
    today: dt.date,
    leader: User | None,
) -> None:
    questions = {q.key: q for q in KeyQuestion.objects.filter(school=school)}
    for index, (name, answers) in enumerate(answers_by_department.items()):
        department = Department.objects.filter(school=school, name=name).first()
        if department is None:
            continue
        head = _head_of(department)
        for offset, (key, answer) in enumerate(answers.items()):
            if key in questions:
                _answer(
                    department, questions[key], answer, head, leader, today, 60 - index - offset * 4
                )
    _decisions(school, decisions, leader, today)
    _publish(school, leader, today)
    _reviews(school, leader, today)


def _calendar(school: School, calendar: dict[str, list[tuple[str, dt.date]]]) -> None:
    """Departments' own assessment points, through the markbook's service; only the missing."""
    from nextsteps.markbook.models import AssessmentPoint
    from nextsteps.markbook.services import assessment_point_create

    for name, points in calendar.items():
        department = Department.objects.filter(school=school, name=name).first()
        if department is None:
            continue
        head = _head_of(department)
        known = set(
            AssessmentPoint.objects.filter(department=department).values_list("name", flat=True)
        )
        for point_name, date in points:
            if point_name not in known:
                assessment_point_create(
                    school_id=school.pk,
                    name=point_name,
                    date=date,
                    by=head,
                    department_id=department.pk,
                )


def _answer(
    department: Department,
    question: KeyQuestion,
    answer: Answer,
    head: User | None,
    leader: User | None,
    today: dt.date,
    days_ago: int,
) -> None:
    if Response.objects.filter(department=department, question=question).exists():
        return
    response = None
    for number, (text, structured) in enumerate(answer.versions, start=1):
        response = services.response_save(
            department=department,
            question=question,
            by=head,
            text=text,
            structured=structured,
            on=today,
        )
        ResponseVersion.objects.filter(response=response, number=number).update(
            created_at=_at(today, days_ago - 3 * (number - 1))
        )
        for after, body in answer.comments:
            if after == number:
                comment = services.response_comment(response=response, by=leader, body=body)
                ResponseComment.objects.filter(pk=comment.pk).update(
                    created_at=_at(today, days_ago - 3 * (number - 1) - 1, 9)
                )
    assert response is not None  # noqa: S101 - every answer has a version
    when = _at(today, max(days_ago - 3 * len(answer.versions), 4), 11)
    if answer.status in (SUBMITTED, AGREED, CHANGES):
        services.response_submit(response=response, by=head)
    if answer.status == AGREED:
        services.response_agree(response=response, by=leader)
    elif answer.status == CHANGES:
        services.response_request_changes(response=response, by=leader, comment=answer.changes)
    # Each change of status a day after the one before, as they happen in a school.
    changes = ResponseComment.objects.filter(response=response).exclude(status="").order_by("pk")
    for offset, comment in enumerate(changes):
        ResponseComment.objects.filter(pk=comment.pk).update(
            created_at=when + dt.timedelta(days=offset)
        )
    Response.objects.filter(pk=response.pk).update(
        updated_at=when + dt.timedelta(days=max(len(changes) - 1, 0))
    )


def _decisions(school: School, decisions: dict[str, str], by: User | None, today: dt.date) -> None:
    for key, text in decisions.items():
        question = KeyQuestion.objects.filter(school=school, key=key).first()
        if question is None or Decision.objects.filter(question=question).exists():
            continue
        decision = services.decision_record(question=question, by=by, text=text)
        Decision.objects.filter(pk=decision.pk).update(decided_at=_at(today, 25, 17))


def _publish(school: School, by: User | None, today: dt.date) -> None:
    if PolicyDocument.objects.filter(school=school).exists():
        return
    published_on = today - dt.timedelta(days=21)
    # Published, as schools do, before every department had agreed an approach: the document
    # names the departments still without one.
    pending = policy_content(school, version=1, published_on=published_on).without_approach
    document = services.policy_publish(
        school=school, by=by, today=published_on, without=frozenset(d.pk for d in pending)
    )
    PolicyDocument.objects.filter(pk=document.pk).update(published_at=_at(today, 21, 18))


def _reviews(school: School, leader: User | None, today: dt.date) -> None:
    maths = Department.objects.filter(school=school, name="Mathematics").first()
    english = Department.objects.filter(school=school, name="English").first()
    if maths is not None and not Review.objects.filter(department=maths).exists():
        services.review_schedule(
            school=school,
            by=leader,
            department=maths,
            due_on=today + dt.timedelta(days=9),
            focus="Is mastery shown twice giving a truer picture of core learning in maths?",
        )
    if english is not None and not Review.objects.filter(department=english).exists():
        review = services.review_schedule(
            school=school,
            by=leader,
            department=english,
            due_on=today - dt.timedelta(days=120),
            focus="Has redrafting with purple pen improved pupils' extended writing?",
        )
        services.review_complete(
            review=review,
            by=leader,
            effect="improved",
            evidence=(
                "Year 8 comparative judgement of a common piece of writing rose between the "
                "autumn and spring sessions, and pupils' redrafts show more deliberate "
                "choices. Pupils say they know what to improve."
            ),
            actions="Keep redrafting; reduce detailed written comments to save time.",
            completed_on=today - dt.timedelta(days=110),
        )


def _four_oak(school: School, today: dt.date) -> None:
    """Ms Okafor's multiplication unit, with intentions for each group, up to today."""
    four_oak = Class.objects.filter(school=school, name="4 Oak").first()
    if four_oak is None or Unit.objects.filter(teaching_class=four_oak).exists():
        return
    teacher = User.objects.filter(username="teacher").first()
    objectives = {
        o.code: o
        for o in Objective.objects.filter(
            school=school, code__in=["Y4-MD-01", "Y4-MD-03", "Y4-MD-04", "Y4-MD-05"]
        ).prefetch_related("success_criteria")
    }
    if len(objectives) < 4:
        return
    groups = {g.name: g for g in PupilGroup.objects.filter(teaching_class=four_oak)}
    unit = planning_services.unit_create(
        teaching_class=four_oak,
        by=teacher,
        title="Multiplication and division",
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=21),
        summary=(
            "From recalling facts to short multiplication: factor pairs, the distributive "
            "law, and written methods with carrying."
        ),
    )
    plan: list[tuple[int, str, list[tuple[str, str | None]]]] = [
        (9, "Factor pairs", [("Y4-MD-03", None)]),
        (
            4,
            "Splitting to multiply",
            [
                ("Y4-MD-04", "Circles"),
                ("Y4-MD-04", "Triangles"),
                ("Y4-MD-01", "Squares"),
            ],
        ),
        (
            0,
            "Short multiplication",
            [
                ("Y4-MD-05", "Circles"),
                ("Y4-MD-05", "Triangles"),
                ("Y4-MD-04", "Squares"),
            ],
        ),
    ]
    for days_ago, title, intentions in plan:
        lesson = planning_services.lesson_create(
            unit=unit,
            by=teacher,
            title=title,
            taught_on=_weekday(today - dt.timedelta(days=days_ago)),
        )
        for code, group_name in intentions:
            objective = objectives[code]
            steps = list(objective.success_criteria.all())
            planning_services.intention_add(
                lesson=lesson,
                by=teacher,
                objective=objective,
                group=groups.get(group_name) if group_name else None,
                # The group still building confidence starts with the first steps only.
                criteria=steps[:2] if group_name == "Squares" else (),
            )


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the Friday before it when it falls at a weekend."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day
