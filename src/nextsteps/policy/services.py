"""Writes for the assessment policy: questions, answers, decisions, publishing, reviews.

Every function is keyword-only, runs in one transaction and writes the audit log. A refused
change raises `PolicyError` with a message that says what is wrong, and changes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Scale
from nextsteps.policy.configuration import configuration_apply
from nextsteps.policy.document_selectors import policy_content
from nextsteps.policy.errors import PolicyError as PolicyError  # the services' one error
from nextsteps.policy.kernels import defaults
from nextsteps.policy.kernels.guidance import guidance_subject_for
from nextsteps.policy.models import (
    Decision,
    DepartmentSettings,
    Effect,
    GuidanceSubject,
    KeyQuestion,
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
from nextsteps.policy.selectors import settings_for
from nextsteps.policy.structures import AnswerProblems, clean_structured
from nextsteps.schools.models import AcademicYear, Department, School

MAX_ANSWER_LENGTH = 20_000


# ---------------------------------------------------------------------------- settings


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


@transaction.atomic(durable=True)
def policy_settings_update(
    *,
    school: School,
    by: Actor | None,
    workload_limit_hours: Decimal,
    review_interval_months: int,
    data_drops_limit: int | None = None,
) -> PolicySettings:
    """Set the school's workload limit, the time between reviews and its own limit on data
    drops a year (none: the default rule)."""
    if not Decimal("0.5") <= workload_limit_hours <= Decimal(40):
        raise PolicyError(_("The workload limit must be from 0.5 to 40 hours a week."))
    if not 1 <= review_interval_months <= 24:
        raise PolicyError(_("Reviews must be from 1 to 24 months apart."))
    if data_drops_limit is not None and not 1 <= data_drops_limit <= 12:
        raise PolicyError(_("The limit on data drops must be from 1 to 12 a year."))
    settings, _created = PolicySettings.objects.get_or_create(school=school)
    before = {
        "workload_limit_hours": str(settings.workload_limit_hours),
        "review_interval_months": settings.review_interval_months,
        "data_drops_limit": settings.data_drops_limit,
    }
    settings.workload_limit_hours = workload_limit_hours
    settings.review_interval_months = review_interval_months
    settings.data_drops_limit = data_drops_limit
    settings.save()
    audit_write(actor=by, action=AuditAction.POLICY_SETTINGS_UPDATE, target=settings, before=before)
    return settings


def department_settings_ensure(*, department: Department) -> DepartmentSettings:
    """The department's policy settings, created with its guidance guessed from its name."""
    existing = DepartmentSettings.objects.filter(department=department).first()
    if existing is not None:
        return existing
    subjects = list(department.subjects.values_list("name", flat=True))
    return DepartmentSettings.objects.create(
        school_id=department.school_id,
        department=department,
        guidance_subject=guidance_subject_for(department.name, subjects),
    )


@transaction.atomic(durable=True)
def department_settings_update(
    *,
    department: Department,
    by: Actor | None,
    guidance_subject: str,
    pupils_per_class: int | None,
    compare_teachers: bool | None = None,
) -> DepartmentSettings:
    """Set the department's guidance, its class size for workload and (when given) whether
    its data page shows figures by teacher."""
    if guidance_subject not in GuidanceSubject.values:
        raise PolicyError(_("Choose which subject's guidance the department reads."))
    if pupils_per_class is not None and not 1 <= pupils_per_class <= 60:
        raise PolicyError(_("Pupils per class must be from 1 to 60."))
    settings = department_settings_ensure(department=department)
    settings.guidance_subject = guidance_subject
    settings.pupils_per_class = pupils_per_class
    if compare_teachers is not None:
        settings.compare_teachers = compare_teachers
    settings.save()
    audit_write(actor=by, action=AuditAction.POLICY_DEPARTMENT_SETTINGS_UPDATE, target=settings)
    return settings


# ---------------------------------------------------------------------------- key questions


def key_questions_ensure(*, school: School, by: Actor | None = None) -> bool:
    """Give the school the default key questions the first time; True when they were added.

    Checked outside a transaction, so that reading a policy page never takes a write lock.
    """
    if Stage.objects.filter(school=school).exists():
        return False
    return _key_questions_seed(school=school, by=by)


@transaction.atomic(durable=True)
def _key_questions_seed(*, school: School, by: Actor | None) -> bool:
    # Two first visits at once: the second waits here, then finds the questions there.
    School.objects.select_for_update().filter(pk=school.pk).first()
    if Stage.objects.filter(school=school).exists():
        return False
    for s_position, stage_spec in enumerate(defaults.default_questions(), start=1):
        stage = Stage.objects.create(
            school=school, position=s_position, title=stage_spec.title, summary=stage_spec.summary
        )
        for q_position, spec in enumerate(stage_spec.questions, start=1):
            question = KeyQuestion.objects.create(
                school=school,
                stage=stage,
                key=spec.key,
                position=q_position,
                text=spec.text,
                guidance=spec.guidance,
                prompts="\n".join(spec.prompts),
                structure=spec.structure,
            )
            SubjectGuidance.objects.bulk_create(
                SubjectGuidance(school=school, question=question, subject=subject, text=text)
                for subject, text in spec.subjects.items()
            )
    audit_write(
        actor=by,
        action=AuditAction.POLICY_QUESTIONS_SEED,
        school=school,
        target_type="policy.keyquestion",
        target_label=_("Default key questions"),
    )
    return True


def _question_fields(text: str, guidance: str, prompts: str) -> tuple[str, str, str]:
    text = " ".join(text.split())
    if not text:
        raise PolicyError(_("The question needs some words."))
    if len(text) > 300:
        raise PolicyError(_("The question is longer than 300 characters."))
    prompt_lines = [" ".join(line.split()) for line in prompts.splitlines() if line.strip()]
    return text, guidance.strip(), "\n".join(prompt_lines)


@transaction.atomic(durable=True)
def key_question_update(
    *,
    question: KeyQuestion,
    by: Actor | None,
    text: str,
    guidance: str,
    prompts: str,
    stage: Stage,
    position: int,
    active: bool,
    subject_guidance: dict[str, str] | None = None,
) -> KeyQuestion:
    """Edit a school's key question and its guidance; its answers stay with it."""
    if stage.school_id != question.school_id:
        raise PolicyError(_("That stage belongs to another school."))
    before = {"text": question.text, "stage": question.stage_id, "active": question.active}
    question.text, question.guidance, question.prompts = _question_fields(text, guidance, prompts)
    question.stage, question.position, question.active = stage, position, active
    question.save()
    for subject, words in (subject_guidance or {}).items():
        if subject not in GuidanceSubject.values or subject == GuidanceSubject.GENERAL:
            raise PolicyError(_("There is no guidance for “%(s)s”.") % {"s": subject})
        if words.strip():
            SubjectGuidance.objects.update_or_create(
                question=question,
                subject=subject,
                defaults={"school_id": question.school_id, "text": words.strip()},
            )
        else:
            SubjectGuidance.objects.filter(question=question, subject=subject).delete()
    audit_write(actor=by, action=AuditAction.POLICY_QUESTION_UPDATE, target=question, before=before)
    return question


@transaction.atomic(durable=True)
def key_question_create(
    *, school: School, by: Actor | None, stage: Stage, text: str, guidance: str, prompts: str
) -> KeyQuestion:
    """Add a school's own (text-only) key question at the end of a stage."""
    if stage.school_id != school.pk:
        raise PolicyError(_("That stage belongs to another school."))
    text, guidance, prompts = _question_fields(text, guidance, prompts)
    base = slugify(text)[:50] or "question"
    key, n = base, 1
    while KeyQuestion.objects.filter(school=school, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    last = stage.questions.aggregate(last=Max("position"))["last"] or 0
    question = KeyQuestion.objects.create(
        school=school,
        stage=stage,
        key=key,
        position=last + 1,
        text=text,
        guidance=guidance,
        prompts=prompts,
        structure=Structure.TEXT,
    )
    audit_write(actor=by, action=AuditAction.POLICY_QUESTION_CREATE, target=question)
    return question


# ---------------------------------------------------------------------------- answers


def academic_year_bounds(
    school: School, on: dt.date | None = None
) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the academic year in progress (or the latest one)."""
    on = on or timezone.localdate()
    years = AcademicYear.objects.filter(school=school)
    year = years.filter(starts_on__lte=on, ends_on__gte=on).first() or years.first()
    return (year.starts_on, year.ends_on) if year else None


def scale_names(school: School) -> list[str]:
    return list(
        Scale.objects.filter(school=school, kind=Scale.Kind.TEACHER).values_list("name", flat=True)
    )


def structured_clean(
    *, question: KeyQuestion, structured: dict[str, Any], on: dt.date | None = None
) -> dict[str, Any]:
    """The structured part checked against the school (its scales, its academic year)."""
    school = question.school
    try:
        return clean_structured(
            question.structure,
            structured,
            scale_names=scale_names(school) if question.structure == Structure.PROGRESS else (),
            year=academic_year_bounds(school, on)
            if question.structure == Structure.COLLECTION
            else None,
        )
    except AnswerProblems as problems:
        raise PolicyError(" ".join(problems.problems)) from problems


def _same_department_school(department: Department, question: KeyQuestion) -> None:
    if department.school_id != question.school_id:
        raise PolicyError(_("That question belongs to another school."))
    if not question.active:
        raise PolicyError(_("The school no longer asks this question."))


@transaction.atomic(durable=True)
def response_save(
    *,
    department: Department,
    question: KeyQuestion,
    by: Actor | None,
    text: str,
    structured: dict[str, Any] | None = None,
    on: dt.date | None = None,
) -> Response:
    """Save a department's answer as a new draft version (nothing changes if it is the same).

    Editing an agreed answer makes it a draft again; the agreed version stays in force (and
    in the published policy) until the new one is agreed.
    """
    _same_department_school(department, question)
    text = text.strip()
    if not text:
        raise PolicyError(_("Write the department's answer before saving."))
    if len(text) > MAX_ANSWER_LENGTH:
        raise PolicyError(_("The answer is longer than 20,000 characters."))
    cleaned = structured_clean(question=question, structured=structured or {}, on=on)
    response, created = Response.objects.select_for_update().get_or_create(
        department=department,
        question=question,
        defaults={"school_id": department.school_id, "status": Status.DRAFT},
    )
    latest = response.latest_version
    if latest is not None and latest.text == text and latest.structured == cleaned:
        return response
    number = (latest.number if latest else 0) + 1
    version = ResponseVersion.objects.create(
        school_id=department.school_id,
        response=response,
        number=number,
        text=text,
        structured=cleaned,
        author=acting_user(by),
    )
    if response.status != Status.DRAFT:
        ResponseComment.objects.create(
            school_id=department.school_id,
            response=response,
            version=version,
            author=acting_user(by),
            status=Status.DRAFT,
            body=_("Revised as version %(n)d.") % {"n": number},
        )
    response.latest_version = version
    response.status = Status.DRAFT
    response.updated_at = timezone.now()
    response.save()
    audit_write(actor=by, action=AuditAction.POLICY_RESPONSE_SAVE, target=version)
    return response


def _transition(
    response: Response, by: Actor | None, status: str, allowed: set[str], body: str
) -> ResponseComment:
    if response.status not in allowed:
        raise PolicyError(
            _("This answer is %(now)s, so it cannot be %(then)s.")
            % {
                "now": Status(response.status).label.lower(),
                "then": Status(status).label.lower(),
            }
        )
    if response.latest_version is None:
        raise PolicyError(_("There is no answer to change yet."))
    response.status = status
    response.updated_at = timezone.now()
    comment = ResponseComment.objects.create(
        school_id=response.school_id,
        response=response,
        version=response.latest_version,
        author=acting_user(by),
        status=status,
        body=body.strip(),
    )
    return comment


@transaction.atomic(durable=True)
def response_submit(*, response: Response, by: Actor | None, note: str = "") -> Response:
    """The head of department submits the latest version for leaders to agree."""
    _transition(response, by, Status.SUBMITTED, {Status.DRAFT, Status.CHANGES_REQUESTED}, note)
    response.save()
    audit_write(actor=by, action=AuditAction.POLICY_RESPONSE_SUBMIT, target=response)
    return response


@transaction.atomic(durable=True)
def response_request_changes(*, response: Response, by: Actor | None, comment: str) -> Response:
    """A leader sends a submitted answer back, saying what to change."""
    if not comment.strip():
        raise PolicyError(_("Say what the department should change."))
    _transition(response, by, Status.CHANGES_REQUESTED, {Status.SUBMITTED}, comment)
    response.save()
    audit_write(actor=by, action=AuditAction.POLICY_RESPONSE_REQUEST_CHANGES, target=response)
    return response


@transaction.atomic(durable=True)
def response_agree(*, response: Response, by: Actor | None, note: str = "") -> Response:
    """A leader agrees the submitted answer; its structured part becomes configuration."""
    _transition(response, by, Status.AGREED, {Status.SUBMITTED}, note)
    response.agreed_version = response.latest_version
    response.save()
    configuration_apply(response=response, by=by)
    audit_write(actor=by, action=AuditAction.POLICY_RESPONSE_AGREE, target=response)
    return response


@transaction.atomic(durable=True)
def response_comment(*, response: Response, by: Actor | None, body: str) -> ResponseComment:
    body = body.strip()
    if not body:
        raise PolicyError(_("Write a comment before sending it."))
    if len(body) > 5000:
        raise PolicyError(_("The comment is longer than 5,000 characters."))
    comment = ResponseComment.objects.create(
        school_id=response.school_id,
        response=response,
        version=response.latest_version,
        author=acting_user(by),
        body=body,
    )
    audit_write(actor=by, action=AuditAction.POLICY_RESPONSE_COMMENT, target=comment)
    return comment


# ---------------------------------------------------------------------------- decisions


@transaction.atomic(durable=True)
def decision_record(*, question: KeyQuestion, by: Actor | None, text: str) -> Decision:
    """Record the whole-school decision on a question; earlier decisions are kept."""
    text = text.strip()
    if not text:
        raise PolicyError(_("Write the decision before recording it."))
    if len(text) > MAX_ANSWER_LENGTH:
        raise PolicyError(_("The decision is longer than 20,000 characters."))
    decision = Decision.objects.create(
        school_id=question.school_id, question=question, text=text, decided_by=acting_user(by)
    )
    audit_write(actor=by, action=AuditAction.POLICY_DECISION_RECORD, target=decision)
    return decision


# ---------------------------------------------------------------------------- publishing


@transaction.atomic(durable=True)
def policy_publish(
    *,
    school: School,
    by: Actor | None,
    today: dt.date | None = None,
    without: frozenset[int] | None = None,
) -> PolicyDocument:
    """Publish the policy as the next version, frozen as it reads now, with a review date.

    Departments with no agreed approach are named in the document. Publishing without them is
    refused unless `without` holds exactly those departments' ids: the leader saw the warning
    naming them, and nobody has gone missing since it was shown.
    """
    today = today or timezone.localdate()
    # Lock the school's documents so two leaders publishing at once get different numbers.
    last = (
        PolicyDocument.objects.select_for_update()
        .filter(school=school)
        .order_by("-version")
        .first()
    )
    version = (last.version if last else 0) + 1
    review = (
        Review.objects.filter(school=school, department__isnull=True, completed_on__isnull=True)
        .order_by("due_on")
        .first()
    )
    if review is None:
        interval = settings_for(school).review_interval_months
        review = Review.objects.create(
            school=school,
            due_on=add_months(today, interval),
            focus=_("Review the whole-school assessment policy (version %(v)d)") % {"v": version},
        )
    content = policy_content(school, version=version, published_on=today)
    if not content.has_content:
        raise PolicyError(
            _("There is nothing to publish yet: record a decision or agree an answer first.")
        )
    missing = content.without_approach
    if missing and frozenset(d.pk for d in missing) != (without or frozenset()):
        raise PolicyError(
            _(
                "%(names)s have no agreed approach yet. Confirm that you are publishing "
                "without them; the policy will say so."
            )
            % {"names": ", ".join(d.name for d in missing)}
        )
    content.next_review_on = review.due_on
    document = PolicyDocument.objects.create(
        school=school,
        version=version,
        title=content.title,
        body_html=render_to_string("policy/document_body.html", {"content": content}),
        published_at=timezone.now(),
        published_by=acting_user(by),
        next_review_on=review.due_on,
    )
    audit_write(actor=by, action=AuditAction.POLICY_PUBLISH, target=document)
    return document


# ---------------------------------------------------------------------------- reviews


@transaction.atomic(durable=True)
def review_schedule(
    *,
    school: School,
    by: Actor | None,
    due_on: dt.date,
    focus: str,
    department: Department | None = None,
) -> Review:
    focus = " ".join(focus.split())
    if not focus:
        raise PolicyError(_("Say what the review will look at."))
    if department is not None and department.school_id != school.pk:
        raise PolicyError(_("That department belongs to another school."))
    review = Review.objects.create(school=school, department=department, due_on=due_on, focus=focus)
    audit_write(actor=by, action=AuditAction.POLICY_REVIEW_SCHEDULE, target=review)
    return review


@transaction.atomic(durable=True)
def review_complete(
    *,
    review: Review,
    by: Actor | None,
    effect: str,
    evidence: str,
    actions: str,
    completed_on: dt.date | None = None,
    secure_share: Decimal | None = None,
) -> Review:
    """Record a review's evaluation and schedule the next review of the same scope."""
    if review.completed_on is not None:
        raise PolicyError(_("This review was completed on %(d)s.") % {"d": review.completed_on})
    if effect not in Effect.values:
        raise PolicyError(_("Say what effect the policy has had on pupils' progress."))
    if not evidence.strip():
        raise PolicyError(_("Say what evidence the evaluation rests on."))
    completed_on = completed_on or timezone.localdate()
    review.effect, review.evidence, review.actions = effect, evidence.strip(), actions.strip()
    review.completed_on, review.completed_by = completed_on, acting_user(by)
    review.secure_share = secure_share
    review.save()
    interval = settings_for(review.school).review_interval_months
    following = Review.objects.create(
        school_id=review.school_id,
        department=review.department,
        due_on=add_months(completed_on, interval),
        focus=review.focus,
    )
    audit_write(actor=by, action=AuditAction.POLICY_REVIEW_COMPLETE, target=review)
    return following
