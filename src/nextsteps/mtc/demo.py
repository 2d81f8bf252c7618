"""Demo practice for the multiplication tables check, built through the services.

Ten pupils of 4 Oak (Amara among them) have a practice a week for the last six weeks. Every
pupil gets better week by week, and the 7, 8 and 12 tables stay the class's weakest, so the
class fact map shows 7 × 8 and 12 × 7 among its gaps. One pupil has a "Next" button and
larger text, set by Ms Okafor. Answers are drawn from a generator seeded by the pupil's UPN
and the week, so a second run draws what the first did; a pupil who already has practices is
left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from nextsteps.accounts.models import Actor, User
from nextsteps.mtc import services
from nextsteps.mtc.kernels.rules import read_check_rules
from nextsteps.mtc.models import AccessArrangements, Colours, PracticeAttempt
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

PUPILS = 10
WEEKS = 6
HARD_TABLES = frozenset({7, 8, 12})


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    four_oak = Class.objects.filter(school=primary, name="4 Oak").first()
    if four_oak is None:
        return
    teacher = User.objects.filter(username="teacher").first()
    pupils = class_pupils(four_oak)
    chosen = [p for p in pupils if p.legal_forename == "Amara"]
    chosen += [p for p in pupils if p not in chosen][: PUPILS - len(chosen)]
    practised = set(
        PracticeAttempt.objects.filter(pupil__in=chosen).values_list("pupil_id", flat=True)
    )
    for pupil in chosen:
        if pupil.pk in practised:
            continue
        rng = random.Random(f"mtc-{pupil.upn}")  # noqa: S311 - demo data, repeatable
        skill = rng.uniform(0.45, 0.8)
        for week in range(WEEKS):
            day = today - dt.timedelta(days=7 * (WEEKS - week) - 2)
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 15)))
            _practice(pupil, rng, skill + 0.05 * week, moment, teacher)
    if chosen[1:] and not AccessArrangements.objects.filter(pupil=chosen[1]).exists():
        services.arrangements_set(
            pupil=chosen[1], next_button=True, large_text=True, colours=Colours.CREAM, by=teacher
        )


def _practice(
    pupil: object, rng: random.Random, skill: float, moment: dt.datetime, by: Actor | None
) -> None:
    rules = read_check_rules()
    attempt = services.attempt_start(
        pupil=pupil,  # type: ignore[arg-type]
        by=by,
        seed=rng.randrange(2**31),
        now=moment,
    )
    made = services.attempt_form(attempt, rules)
    limit = rules.seconds_per_item * 1000
    answers = []
    elapsed = 0
    for position, (a, b) in enumerate([*made.practice, *made.items]):
        hard = a in HARD_TABLES or b in HARD_TABLES
        knows = rng.random() < (min(0.97, skill - (0.3 if hard else 0.0)) if a > 1 else 0.97)
        quick = knows and rng.random() < (0.45 if hard else 0.8)
        took = rng.randint(900, 2800) if quick else rng.randint(3200, limit)
        if not knows and rng.random() < 0.35:
            answers.append(services.SubmittedAnswer(position, "", limit, timed_out=True))
            elapsed += limit
            continue
        typed = a * b if knows else a * b + rng.choice((-b, b, -1, 1, a))
        answers.append(services.SubmittedAnswer(position, str(max(0, typed)), took))
        elapsed += took
    pauses = rules.pause_seconds * 1000 * len(answers)
    services.attempt_submit(
        attempt=attempt,
        answers=answers,
        timed=True,
        idempotency_key=f"demo-{attempt.pk}",
        by=by,
        now=moment + dt.timedelta(milliseconds=elapsed + pauses),
    )
