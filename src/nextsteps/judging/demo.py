"""Demo moderation and comparative judgement at Kingsmead Academy.

- Year 8 algebra moderation (Mrs Shah's department): a stratified sample of twelve pieces of
  work on solving equations, judged blind by the three Year 8 maths teachers after
  standardising on three exemplars, each never given work from their own classes, so every
  piece is judged twice independently; most outcomes agreed and applied. One colleague's own
  judgements run generous.
- Year 9 science explanations: 60 typed scripts and three exemplars at agreed standards,
  judged by six teachers (Mrs Shah and Mr Adeyemi among them, so the demo accounts can carry on
  judging) with enough judgements for a stable scale; one science teacher judged carelessly
  and is flagged as inconsistent.

Deterministic (seeded generators keyed by names, never by database ids) and idempotent (a
session that exists is left alone).
"""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
from django.db.models import F
from django.utils import timezone

from nextsteps.accounts.models import User
from nextsteps.curriculum.models import Exemplar, Objective, ScaleLevel
from nextsteps.judging.kernels.pairing import PairScheduler
from nextsteps.judging.models import (
    CJSession,
    Comparison,
    Judge,
    ModerationSession,
    Moderator,
)
from nextsteps.judging.selectors.moderation import (
    moderation_conflicts,
    standardisation_exemplars,
)
from nextsteps.judging.services.comparative import (
    cj_session_create,
    cj_session_fit,
)
from nextsteps.judging.services.moderation import (
    exemplar_add,
    moderation_item_attach,
    moderation_outcome_record,
    moderation_rating_record,
    moderation_session_create,
    standardisation_record,
)
from nextsteps.judging.services.scripts import (
    cj_script_add_text,
    cj_scripts_from_exemplars,
)
from nextsteps.markbook.models import JudgementSource, Method, Standing
from nextsteps.markbook.services import JudgementEntry, judgements_record_bulk
from nextsteps.people.models import Pupil, Staff
from nextsteps.schools.models import Department, School
from nextsteps.teaching.models import Class, ClassStaff
from nextsteps.teaching.selectors import class_pupils

MODERATION_TITLE = "Year 8 algebra: solving equations"
CJ_TITLE = "Year 9 science: explaining a rate of reaction"
DISCRIMINATION = 1.3  # logits per point of the explanations' quality score
CJ_SEED = 13
CARELESS = 0.2  # the careless judge's choices follow the scripts' quality this much
CJ_TASK = (
    "Marble chips were added to hydrochloric acid at 20, 30, 40 and 50 °C and the time until "
    "the fizzing stopped was recorded (80 s, 52 s, 36 s, 25 s). Explain what the results show "
    "and why, using the particle model. Say how far you trust the evidence."
)


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    _moderation(secondary, today)
    _comparative(secondary, today)


def _user(username: str) -> User:
    return User.objects.get(username=username)


# --------------------------------------------------------------------------- moderation

ALGEBRA_EXEMPLARS = (
    (
        "Developing",
        "Two-step equation with a slip",
        "3x + 7 = 22 → 3x = 15 → x = 5. Then 4(x − 2) = 20 → 4x − 2 = 20 → 4x = 22 → "
        "x = 5.5 (the bracket was not multiplied out fully; no check).",
    ),
    (
        "Extending",
        "Fractions and unknowns on both sides",
        "(2x + 1)/3 = x − 4 → 2x + 1 = 3x − 12 → x = 13. Check: 27/3 = 9 and 13 − 4 = 9. "
        "Then wrote an equation for a rectangle's perimeter and solved it, explaining each "
        "inverse operation.",
    ),
)

WORK = {
    1: "Attempted 2x + 5 = 17 by trial: 'x = 5? 15, too small… x = 6'. Left 3(x + 2) = 21 and "
    "5x + 3 = 2x + 15 blank.",
    2: "Solved 2x + 5 = 17 and 3x − 4 = 11 with inverse operations. For 3(x + 2) = 21 wrote "
    "3x + 2 = 21 and got x = 6⅓. 5x + 3 = 2x + 15 started but not finished.",
    3: "All four equations correct with working set out line by line, including "
    "5x + 3 = 2x + 15 → x = 4; checked two answers by substituting back.",
    4: "All correct and checked; also solved (x + 3)/2 = 2x − 3, and wrote and solved an "
    "equation for 'I think of a number…', explaining why the unknown can be collected on "
    "either side.",
}

REASONS = {
    0: "Both moderators saw the same features in the work; it matches the teacher's level.",
    -1: "The work falls short of the next steps (no checking, brackets not expanded "
    "reliably), so the level is lowered by one.",
    1: "The working shows more than the level given: unknowns on both sides handled "
    "accurately and checked, so the level is raised by one.",
}


def _moderation(school: School, today: dt.date) -> None:
    if ModerationSession.objects.filter(school=school, title=MODERATION_TITLE).exists():
        return
    objective = Objective.objects.filter(school=school, code="Y8-AL-02").first()
    maths = Department.objects.filter(school=school, name="Mathematics").first()
    if objective is None or maths is None:
        return
    hod = _user("hod")
    _ensure_algebra_judgements(school, objective, hod)
    levels = list(
        ScaleLevel.objects.filter(scale_id=objective.framework.scale_id).order_by("position")
    )
    for label, title, text in ALGEBRA_EXEMPLARS:
        if not Exemplar.objects.filter(objective=objective, title=title).exists():
            level = next(level for level in levels if level.label == label)
            exemplar_add(objective=objective, title=title, level=level, text=text, by=hod)
    # All three Year 8 maths teachers moderate, so every piece has two moderators who neither
    # taught it nor judged it (nobody is given work from their own class).
    team = [*_maths_colleagues(school, hod), Staff.objects.get(school=school, user=hod)]
    session = moderation_session_create(
        school=school,
        title=MODERATION_TITLE,
        objective=objective,
        department=maths,
        sampling=ModerationSession.Sampling.STRATIFIED,
        sample_size=12,
        moderators=team,
        standardise_first=True,
        by=hod,
        seed=8,
    )
    generous = _generous_teacher(school, hod)
    for moderator in Moderator.objects.filter(session=session).select_related("staff__user"):
        _standardise(session, moderator, levels)
    items = list(session.items.select_related("pupil", "original_level").order_by("position"))
    moderators = list(Moderator.objects.filter(session=session).select_related("staff__user"))
    # Nobody moderates their own class: those pieces have one independent judgement only.
    conflicts = moderation_conflicts(items, moderators)
    left_for_organiser = 0
    for item in items:
        rng = random.Random(f"moderation:{item.pupil.upn}")  # noqa: S311 - demo data
        original = item.original_level.position
        drift = -1 if item.teacher_id == generous and rng.random() < 0.85 else 0
        true = _clamp(original + drift, levels)
        moderation_item_attach(item=item, by=hod, text=WORK[true])
        seen = []
        for moderator in moderators:
            position = _clamp(true + rng.choice([0, 0, 0, 0, 0, 1, -1]), levels)
            if (item.pk, moderator.pk) in conflicts:
                continue
            seen.append(position)
            moderation_rating_record(
                item=item,
                moderator=moderator,
                level=_at(levels, position),
                by=moderator.staff.user,
            )
        if len(seen) >= 2 and left_for_organiser < 3:
            left_for_organiser += 1  # three judged twice are left for the demo's organiser
            continue
        # Where the moderators agree, that stands; otherwise the discussion settles on what
        # the work shows. With one independent judgement, the head of department agrees it
        # and says why.
        agreed = seen[0] if len(set(seen)) == 1 else true
        moderation_outcome_record(
            item=item,
            level=_at(levels, agreed),
            by=hod,
            reason=REASONS[max(-1, min(1, agreed - original))],
            override_reason="" if len(seen) >= 2 else OVERRIDE_REASON,
        )


OVERRIDE_REASON = (
    "Only one moderator outside the class could judge this piece; I read it with them and the "
    "class teacher's notes before agreeing the level."
)


def _clamp(position: int, levels: list[ScaleLevel]) -> int:
    return min(max(position, levels[0].position), levels[-1].position)


def _at(levels: list[ScaleLevel], position: int) -> ScaleLevel:
    return next(level for level in levels if level.position == position)


def _maths_colleagues(school: School, hod: User) -> list[Staff]:
    """The two maths teachers other than Mrs Shah, by surname."""
    staff = (
        Staff.objects.filter(
            school=school,
            class_links__teaching_class__subjects__name="Mathematics",
            class_links__role=ClassStaff.Role.TEACHER,
        )
        .exclude(user=hod)
        .distinct()
        .order_by("surname", "forename")
    )
    return list(staff[:2])


def _generous_teacher(school: School, hod: User) -> int | None:
    colleagues = _maths_colleagues(school, hod)
    return colleagues[-1].pk if colleagues else None


def _standardise(
    session: ModerationSession, moderator: Moderator, levels: list[ScaleLevel]
) -> None:
    chosen = {}
    for index, exemplar in enumerate(standardisation_exemplars(session.objective)):
        agreed = exemplar.level.position if exemplar.level else levels[0].position
        # The second moderator places the first exemplar one level high: standardising shows it.
        slip = 1 if index == 0 and moderator.staff.surname > "M" else 0
        chosen[exemplar] = _at(levels, min(agreed + slip, levels[-1].position))
    standardisation_record(
        session=session, staff=moderator.staff, levels=chosen, by=moderator.staff.user
    )


def _ensure_algebra_judgements(school: School, objective: Objective, hod: User) -> None:
    """Teacher judgements on the objective in every Year 8 maths set, unless some exist."""
    if Standing.objects.filter(objective=objective, level__isnull=False).count() >= 40:
        return
    levels = list(
        ScaleLevel.objects.filter(scale_id=objective.framework.scale_id).order_by("position")
    )
    for teaching_class in Class.objects.filter(
        school=school, year_group=8, subjects__name="Mathematics"
    ).order_by("name"):
        link = (
            ClassStaff.objects.filter(teaching_class=teaching_class, role=ClassStaff.Role.TEACHER)
            .select_related("staff__user")
            .first()
        )
        by = link.staff.user if link is not None else hod
        set_number = int(teaching_class.name[-1])
        entries = []
        for pupil in class_pupils(teaching_class):
            rng = random.Random(f"algebra:{pupil.upn}")  # noqa: S311 - demo data
            position = round(4.2 - 0.7 * set_number + rng.gauss(0, 0.6))
            level = levels[min(max(position, 0), len(levels) - 1)]
            entries.append(
                JudgementEntry(
                    pupil=pupil, objective=objective, level=level, method=Method.BOOK_WORK
                )
            )
        judgements_record_bulk(
            entries=entries,
            by=by,
            source=JudgementSource.TEACHER,
            teaching_class=teaching_class,
            idempotency_key=f"demo-judging-{teaching_class.name}",
        )


# --------------------------------------------------------------------------- comparative

CLAIMS = (
    (0.0, "It goes faster when its hot."),
    (0.4, "The hotter the acid, the faster the reaction."),
    (0.8, "Warming the acid increases the rate of reaction."),
    (
        1.0,
        "Increasing the temperature of the acid increases the rate of reaction between the "
        "marble chips and the acid.",
    ),
)
EVIDENCE = (
    (0.0, ""),
    (0.4, "The table shows it was quicker at the end."),
    (1.0, "At 20 °C the fizzing took 80 s to stop but at 50 °C it only took 25 s."),
    (
        1.5,
        "The time fell at every step: 80 s, 52 s, 36 s and then 25 s, so the reaction at "
        "50 °C was over three times as fast as at 20 °C.",
    ),
)
REASONING = (
    (0.0, "This is because heat makes things react."),
    (0.6, "This is because the particles have more energy when it is hot."),
    (
        1.4,
        "When the acid is warmer its particles move faster, so they collide with the "
        "marble chips more often.",
    ),
    (
        2.2,
        "When the acid is warmer its particles move faster, so they collide with the chips "
        "more often, and a bigger share of the collisions have at least the activation "
        "energy, so more of them are successful each second.",
    ),
)
LIMITS = (
    (0.0, ""),
    (0.3, "We only did it once."),
    (0.8, "Each temperature was only tested once, so one slow reading could change the pattern."),
    (
        1.3,
        "Each temperature was tested once and it was hard to see exactly when the fizzing "
        "stopped. Repeating each temperature and measuring the gas with a syringe would "
        "make the evidence more trustworthy.",
    ),
)
OPENINGS = ("", "In this experiment ", "From the results, ", "My answer: ")
EXEMPLAR_TEXTS = (
    (
        "Developing",
        "Using the results",
        "The hotter the acid, the faster the reaction. At 20 °C it took 80 s and at 50 °C it "
        "took 25 s. This is because the particles have more energy. We only did it once.",
    ),
    (
        "Extending",
        "Collision theory with evaluation",
        "Claim: raising the temperature increases the rate. Evidence: the time fell from 80 s to "
        "25 s between 20 °C and 50 °C, a little over three times faster, and it fell at every "
        "step. "
        "Reasoning: faster-moving acid particles collide with the chips more often and a greater "
        "proportion of collisions exceed the activation energy. Limitation: single readings, and "
        "'fizzing stopped' is a judgement; measuring gas volume against time with repeats would "
        "let us calculate rates and check the pattern.",
    ),
)


def _comparative(school: School, today: dt.date) -> None:
    if CJSession.objects.filter(school=school, title=CJ_TITLE).exists():
        return
    objective = Objective.objects.filter(school=school, code="Y9-WS-01").first()
    science = Department.objects.filter(school=school, name="Science").first()
    if objective is None or science is None:
        return
    leader = _user("leader")
    levels = {
        level.label: level
        for level in ScaleLevel.objects.filter(scale_id=objective.framework.scale_id)
    }
    for label, title, text in EXEMPLAR_TEXTS:
        if not Exemplar.objects.filter(objective=objective, title=title).exists():
            exemplar_add(
                objective=objective, title=title, level=levels[label], text=text, by=leader
            )
    judges = _science_judges(school)
    session = cj_session_create(
        school=school,
        title=CJ_TITLE,
        task=CJ_TASK,
        department=science,
        objective=objective,
        judges=judges,
        target_per_script=20,
        estimator=CJSession.Estimator.NMM,
        by=leader,
        seed=CJ_SEED,
    )
    quality = _scripts(session, school)
    _judgements(session, quality, today)
    cj_session_fit(session=session)


def _science_judges(school: School) -> list[Staff]:
    """Two science teachers, Mrs Shah, Mr Adeyemi, and an English and a history teacher."""

    def teachers(subject: str) -> list[Staff]:
        return list(
            Staff.objects.filter(
                school=school,
                class_links__teaching_class__subjects__name=subject,
                class_links__role=ClassStaff.Role.TEACHER,
            )
            .distinct()
            .order_by("surname", "forename")
        )

    shah = Staff.objects.get(school=school, user__username="hod")
    adeyemi = Staff.objects.get(school=school, user__username="leader")
    return [
        *teachers("Science")[:2],
        shah,
        adeyemi,
        *teachers("English")[:1],
        *teachers("History")[:1],
    ]


def _scripts(session: CJSession, school: School) -> dict[int, float]:
    """60 pupils' typed explanations and the exemplars; the true quality of each, by id."""
    leader = _user("leader")
    quality = {}
    for pupil in Pupil.objects.filter(school=school, year_group=9).order_by("upn")[:60]:
        text, true = _explanation(random.Random(f"cj:{pupil.upn}"))  # noqa: S311 - demo
        script = cj_script_add_text(session=session, text=text, pupil=pupil, by=leader)
        quality[script.pk] = true
    truths = {"Emerging": -2.5, "Developing": -1.5, "Secure": 0.5, "Extending": 2.5}
    for script in cj_scripts_from_exemplars(session=session, by=leader):
        level = script.exemplar.level if script.exemplar else None
        quality[script.pk] = truths.get(level.label if level else "", 0.0)
    session.refresh_from_db()
    return quality


def _explanation(rng: random.Random) -> tuple[str, float]:
    ability = rng.gauss(0, 1)
    parts = []
    score = 0.0
    for options in (CLAIMS, EVIDENCE, REASONING, LIMITS):
        index = min(len(options) - 1, max(0, round(1.5 + ability * 1.1 + rng.gauss(0, 0.7))))
        weight, sentence = options[index]
        score += weight
        if sentence:
            parts.append(sentence)
    opening = rng.choice(OPENINGS)
    text = " ".join(parts)
    if opening and text:
        text = opening + text[0].lower() + text[1:]
    return text, score - 3.0


def _judgements(session: CJSession, quality: dict[int, float], today: dt.date) -> None:
    """Nine in ten of the target, judged as six teachers would; one judges carelessly."""
    ids = sorted(quality)
    truth = DISCRIMINATION * np.array([quality[pk] for pk in ids])
    judges = list(Judge.objects.filter(session=session).select_related("staff").order_by("pk"))
    careless = judges[1].pk  # the second science teacher
    scheduler = PairScheduler(len(ids), seed=session.seed)
    rng = np.random.default_rng(session.seed)
    total = math.ceil(len(ids) * session.target_per_script / 2 * 0.9)
    start = dt.datetime.combine(
        today - dt.timedelta(days=3), dt.time(15, 30), tzinfo=timezone.get_current_timezone()
    )
    clocks = {j.pk: start + dt.timedelta(minutes=7 * n) for n, j in enumerate(judges)}
    rows = []
    for number in range(total):
        judge = judges[number % len(judges)]
        a, b = scheduler.next_pair(judge.pk)
        scheduler.record(judge.pk, a, b)
        p_left = 1.0 / (1.0 + math.exp(-(truth[a] - truth[b])))
        if judge.pk == careless:
            p_left = 0.5 + CARELESS * (p_left - 0.5)
        winner = a if rng.random() < p_left else b
        median = 12.0 if judge.pk == careless else 38.0
        seconds = round(float(median * rng.lognormal(0.0, 0.45)), 1)
        shown = clocks[judge.pk]
        clocks[judge.pk] = shown + dt.timedelta(seconds=seconds + 2)
        rows.append(
            Comparison(
                school_id=session.school_id,
                session=session,
                judge=judge,
                left_id=ids[a],
                right_id=ids[b],
                winner_id=ids[winner],
                shown_at=shown,
                decided_at=shown + dt.timedelta(seconds=seconds),
                seconds=seconds,
                token=f"demo-{number}",
            )
        )
    Comparison.objects.bulk_create(rows, batch_size=1000)
    CJSession.objects.filter(pk=session.pk).update(
        comparison_count=F("comparison_count") + len(rows)
    )
    session.refresh_from_db()
