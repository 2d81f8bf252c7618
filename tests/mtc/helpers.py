"""Answers to a practice attempt, as the page would send them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container

from nextsteps.mtc import services
from nextsteps.mtc.models import PracticeAttempt
from nextsteps.people.models import Pupil


def started(pupil: Pupil, *, seed: int = 7, minutes_ago: int = 10) -> PracticeAttempt:
    from django.utils import timezone

    return services.attempt_start(
        pupil=pupil,
        by=None,
        seed=seed,
        now=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def answers(
    attempt: PracticeAttempt,
    *,
    wrong: Container[int] = (),
    timed_out: Container[int] = (),
    ms: int = 1500,
) -> list[services.SubmittedAnswer]:
    """Right answers in `ms` each, except the positions that are wrong or run out of time."""
    made = services.attempt_form(attempt)
    result = []
    for position, (a, b) in enumerate([*made.practice, *made.items]):
        if position in timed_out:
            result.append(services.SubmittedAnswer(position, "", 6000, timed_out=True))
        elif position in wrong:
            result.append(services.SubmittedAnswer(position, str(a * b + 1), ms))
        else:
            result.append(services.SubmittedAnswer(position, str(a * b), ms))
    return result


def as_json(submitted: list[services.SubmittedAnswer], key: str) -> dict[str, object]:
    return {"idempotency_key": key, "answers": [vars(a) for a in submitted]}
