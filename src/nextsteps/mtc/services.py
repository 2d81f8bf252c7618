"""Writes for multiplication tables check practice: start an attempt, hand it in, set the
access arrangements. Every write is one transaction with an audit record.

Handing in is one idempotent request carrying every answer (the page keeps them in the
browser's storage until the server says they are saved). The server knows the facts from the
attempt's seed, marks each answer itself, and checks that the times are possible: no answer
longer than the time allowed (with a little grace for a slow device), a time-out only at the
limit, and no more answering time in all than has passed since the attempt began.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.idempotency import IdempotencyConflict, replay_or_refuse, request_digest
from nextsteps.mtc.kernels.check_form import Form, form
from nextsteps.mtc.kernels.fact_map import Answer
from nextsteps.mtc.kernels.rules import CheckRules, read_check_rules
from nextsteps.mtc.kernels.scores import check_score
from nextsteps.mtc.models import AccessArrangements, Colours, PracticeAnswer, PracticeAttempt
from nextsteps.people.models import Pupil

# A device that is slow to paint or to send a key press may report a little over the limit.
GRACE_MS = 750
# The page's clock and the server's may drift apart over a check of about four minutes.
TOTAL_GRACE_MS = 5_000
SEED_LIMIT = 2**31
DIGITS = re.compile(r"\d{0,3}")

__all__ = ["IdempotencyConflict", "PracticeRefused", "SubmittedAnswer"]


class PracticeRefused(ValueError):
    """A hand-in that cannot be stored, with every problem named; nothing was written."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class SubmittedAnswer:
    """What the page sends for one question (its position in the form, not its fact)."""

    position: int
    answer: str
    time_ms: int | None  # None when answered without the timer
    timed_out: bool = False


def attempt_form(attempt: PracticeAttempt, rules: CheckRules | None = None) -> Form:
    """The form the attempt's seed makes: the facts the pupil is (or was) asked."""
    return form(attempt.seed, rules or read_check_rules())


@transaction.atomic(durable=True)
def attempt_start(
    *, pupil: Pupil, by: Actor | None, seed: int | None = None, now: dt.datetime | None = None
) -> PracticeAttempt:
    """Start a practice check for the pupil with a new form (a fresh seed unless given)."""
    arrangements = AccessArrangements.objects.filter(pupil=pupil).first()
    attempt = PracticeAttempt.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        seed=secrets.randbelow(SEED_LIMIT) if seed is None else seed,
        started_at=now or timezone.now(),
        next_button=bool(arrangements and arrangements.next_button),
    )
    attempt_form(attempt)  # a seed that makes no form is refused here, not mid-check
    audit_write(actor=by, action=AuditAction.MTC_PRACTICE_START, target=attempt)
    return attempt


@transaction.atomic(durable=True)
def attempt_submit(
    *,
    attempt: PracticeAttempt,
    answers: Sequence[SubmittedAnswer],
    timed: bool,
    idempotency_key: str,
    by: Actor | None,
    now: dt.datetime | None = None,
) -> PracticeAttempt:
    """Hand in every answer of the attempt at once; mark them; return the finished attempt.

    The same key with the same answers again returns the attempt as first stored (a retry);
    the same key with other answers raises IdempotencyConflict; an attempt already handed in
    with another key, or answers that break a rule, raise PracticeRefused. Nothing is written
    unless everything is right.
    """
    digest = request_digest(
        {"attempt": attempt.pk, "timed": timed, "answers": [vars(a) for a in answers]}
    )
    attempt = PracticeAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.finished:
        if attempt.idempotency_key and attempt.idempotency_key == idempotency_key:
            replay_or_refuse(
                key=idempotency_key, stored_digest=attempt.idempotency_digest, digest=digest
            )
            return attempt
        raise PracticeRefused([_("This practice has already been handed in.")])
    rules = read_check_rules()
    made = attempt_form(attempt, rules)
    now = now or timezone.now()
    _check(attempt, made, answers, timed, rules, now)
    rows = _rows(attempt, made, answers, timed)
    PracticeAnswer.objects.bulk_create(rows)
    scored = [Answer(r.a, r.b, r.correct, (r.time_ms or 0) / 1000) for r in rows if not r.practice]
    attempt.score = check_score(scored, rules)
    attempt.timed = timed
    attempt.finished_at = now
    attempt.idempotency_key = idempotency_key or None
    attempt.idempotency_digest = digest if idempotency_key else ""
    attempt.save(
        update_fields=["score", "timed", "finished_at", "idempotency_key", "idempotency_digest"]
    )
    audit_write(actor=by, action=AuditAction.MTC_PRACTICE_SUBMIT, target=attempt)
    return attempt


def _check(
    attempt: PracticeAttempt,
    made: Form,
    answers: Sequence[SubmittedAnswer],
    timed: bool,
    rules: CheckRules,
    now: dt.datetime,
) -> None:
    questions = len(made.practice) + len(made.items)
    problems: list[str] = []
    positions = sorted(a.position for a in answers)
    if positions != list(range(questions)):
        problems.append(
            _("Every one of the %(n)d questions needs exactly one answer (blank is allowed).")
            % {"n": questions}
        )
    limit_ms = rules.seconds_per_item * 1000
    for answer in answers:
        problems += _answer_problems(answer, timed, limit_ms)
    if timed and not problems:
        answering = sum(a.time_ms or 0 for a in answers)
        elapsed = (now - attempt.started_at).total_seconds() * 1000
        if answering > elapsed + TOTAL_GRACE_MS:
            problems.append(
                _(
                    "The answers took %(answering)d seconds in all, but the practice began "
                    "only %(elapsed)d seconds ago."
                )
                % {"answering": answering // 1000, "elapsed": max(0, int(elapsed // 1000))}
            )
    if problems:
        raise PracticeRefused(problems)


def _answer_problems(answer: SubmittedAnswer, timed: bool, limit_ms: int) -> list[str]:
    where = _("Question %(n)d") % {"n": answer.position + 1}
    problems = []
    if not DIGITS.fullmatch(answer.answer):
        problems.append(_("%(where)s: an answer is up to 3 digits.") % {"where": where})
    if not timed:
        if answer.time_ms is not None or answer.timed_out:
            problems.append(_("%(where)s: an untimed answer has no time.") % {"where": where})
        return problems
    if answer.time_ms is None or not 0 <= answer.time_ms <= limit_ms + GRACE_MS:
        problems.append(
            _("%(where)s: the time must be 0 to %(limit)d milliseconds.")
            % {"where": where, "limit": limit_ms + GRACE_MS}
        )
    elif answer.timed_out and answer.time_ms < limit_ms - GRACE_MS:
        problems.append(
            _("%(where)s: a question runs out of time only at the limit.") % {"where": where}
        )
    return problems


def _rows(
    attempt: PracticeAttempt, made: Form, answers: Sequence[SubmittedAnswer], timed: bool
) -> list[PracticeAnswer]:
    questions = [(True, fact) for fact in made.practice] + [(False, fact) for fact in made.items]
    rows = []
    for answer in sorted(answers, key=lambda a: a.position):
        practice, (a, b) = questions[answer.position]
        rows.append(
            PracticeAnswer(
                school_id=attempt.school_id,
                attempt=attempt,
                position=answer.position,
                practice=practice,
                a=a,
                b=b,
                answer=answer.answer,
                correct=not answer.timed_out and answer.answer == str(a * b),
                time_ms=answer.time_ms if timed else None,
                timed_out=answer.timed_out if timed else False,
            )
        )
    return rows


@transaction.atomic(durable=True)
def arrangements_set(
    *, pupil: Pupil, next_button: bool, large_text: bool, colours: str, by: Actor | None
) -> AccessArrangements:
    """Set how the practice screen works for the pupil (by their teacher or by themselves)."""
    if colours not in Colours.values:
        raise PracticeRefused([_("“%(value)s” is not a colour choice.") % {"value": colours}])
    arrangements, _created = AccessArrangements.objects.get_or_create(
        pupil=pupil, defaults={"school_id": pupil.school_id}
    )
    before = {
        "next_button": arrangements.next_button,
        "large_text": arrangements.large_text,
        "colours": arrangements.colours,
    }
    arrangements.next_button = next_button
    arrangements.large_text = large_text
    arrangements.colours = colours
    arrangements.updated_by = by if getattr(by, "pk", None) else None  # type: ignore[assignment]
    arrangements.save()
    audit_write(
        actor=by, action=AuditAction.MTC_ARRANGEMENTS_SET, target=arrangements, before=before
    )
    return arrangements
