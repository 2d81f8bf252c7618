"""Writes for comparative judgement: sessions, judges, comparisons, the fit and results.

Scripts are added by `services/scripts.py`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.models import Objective
from nextsteps.judging.kernels import bradley_terry
from nextsteps.judging.kernels.fit_warnings import fit_warnings
from nextsteps.judging.models import CJSession, Comparison, Judge, Script, SessionStatus
from nextsteps.judging.selectors.comparative import grade_scale, scaled_score
from nextsteps.judging.services.moderation import check_staff
from nextsteps.markbook.models import Judgement, JudgementSource, Method
from nextsteps.markbook.services import JudgementEntry, judgements_record_bulk
from nextsteps.people.models import Staff
from nextsteps.schools.models import Department, School


class CJRefused(ValueError):
    """A comparative judgement change that cannot be made, with the reason in plain words."""


# --------------------------------------------------------------------------- sessions


@transaction.atomic(durable=True)
def cj_session_create(
    *,
    school: School,
    title: str,
    task: str,
    judges: Sequence[Staff],
    by: Actor | None,
    department: Department | None = None,
    objective: Objective | None = None,
    target_per_script: int = 20,
    adaptive: bool = False,
    estimator: str = CJSession.Estimator.NMM,
    scaled_centre: Decimal = Decimal(100),
    scaled_per_logit: Decimal = Decimal(10),
    seed: int | None = None,
) -> CJSession:
    """Set up a comparative judgement session with its judges (scripts are added next)."""
    if not title.strip() or not task.strip():
        raise CJRefused(_("give the session a title and the task the pupils answered"))
    if not 1 <= target_per_script <= 100:
        raise CJRefused(_("judgements per script must be from 1 to 100"))
    if not scaled_per_logit > 0:
        raise CJRefused(_("scaled points per logit must be more than 0"))
    if estimator not in CJSession.Estimator.values:
        raise CJRefused(
            _("unknown estimator %(estimator)s: use nmm or mle") % {"estimator": repr(estimator)}
        )
    _check_scope(school, department, objective)
    check_staff(judges, school, "judges")
    if not judges:
        raise CJRefused(_("invite at least one judge"))
    session = CJSession.objects.create(
        school=school,
        title=title.strip(),
        task=task.strip(),
        department=department,
        objective=objective,
        target_per_script=target_per_script,
        adaptive=adaptive,
        estimator=estimator,
        scaled_centre=scaled_centre,
        scaled_per_logit=scaled_per_logit,
        created_by=_user(by),
        seed=random.SystemRandom().randrange(2**31) if seed is None else seed,
    )
    Judge.objects.bulk_create(Judge(school=school, session=session, staff=s) for s in judges)
    audit_write(actor=by, action=AuditAction.CJ_SESSION_CREATE, target=session)
    return session


def _check_scope(
    school: School, department: Department | None, objective: Objective | None
) -> None:
    if department is not None and department.school_id != school.pk:
        raise CJRefused(
            _("%(department)s is not a department of %(school)s")
            % {"department": department, "school": school}
        )
    if objective is None:
        return
    if objective.school_id != school.pk:
        raise CJRefused(
            _("%(code)s is not in %(school)s's curriculum")
            % {"code": objective.code, "school": school}
        )
    if department is not None and objective.framework.subject.department_id != department.pk:
        raise CJRefused(
            _("%(code)s belongs to %(subject)s, which is not taught by %(department)s")
            % {
                "code": objective.code,
                "subject": objective.framework.subject,
                "department": department,
            }
        )


@transaction.atomic(durable=True)
def cj_judges_set(*, session: CJSession, judges: Sequence[Staff], by: Actor | None) -> list[Judge]:
    """Invite these judges; uninvite the others, unless they have already judged."""
    check_staff(judges, session.school, "judges")
    if not judges:
        raise CJRefused(_("invite at least one judge"))
    wanted = {s.pk for s in judges}
    current = {j.staff_id: j for j in session.judges.select_related("staff")}
    leaving = [j for staff_id, j in current.items() if staff_id not in wanted]
    busy = [j.staff.name for j in leaving if j.comparisons.exists()]
    if busy:
        raise CJRefused(
            _("%(names)s already judged in this session, so stay as judges")
            % {"names": ", ".join(busy)}
        )
    Judge.objects.filter(pk__in=[j.pk for j in leaving]).delete()
    Judge.objects.bulk_create(
        Judge(school_id=session.school_id, session=session, staff=s)
        for s in judges
        if s.pk not in current
    )
    audit_write(actor=by, action=AuditAction.CJ_SESSION_JUDGES, target=session)
    return list(session.judges.all())


@transaction.atomic(durable=True)
def cj_session_status(*, session: CJSession, status: str, by: Actor | None) -> CJSession:
    """Open or close the session for judging."""
    if status not in SessionStatus.values:
        raise CJRefused(_("unknown status %(status)s") % {"status": repr(status)})
    session.status = status
    session.save(update_fields=["status"])
    audit_write(actor=by, action=AuditAction(f"cj_session.{status}"), target=session)
    return session


def check_open(session: CJSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise CJRefused(_("%(title)s is closed") % {"title": session.title})


# --------------------------------------------------------------------------- comparisons


@transaction.atomic(durable=True)
def cj_comparison_record(
    *,
    session: CJSession,
    judge: Judge,
    left: Script,
    right: Script,
    winner: Script,
    shown_at: Any,
    seconds: float,
    token: str,
    by: Actor | None,
) -> Comparison:
    """Record that the judge chose `winner` from the pair shown; a repeated token is refused."""
    check_open(session)
    if judge.session_id != session.pk:
        raise CJRefused(
            _("%(staff)s is not a judge in %(session)s")
            % {"staff": judge.staff, "session": session}
        )
    if left.session_id != session.pk or right.session_id != session.pk or left.pk == right.pk:
        raise CJRefused(_("the two scripts must be different scripts from this session"))
    if winner.pk not in (left.pk, right.pk):
        raise CJRefused(_("the better script must be one of the two shown"))
    if not (math.isfinite(seconds) and seconds >= 0):
        raise CJRefused(_("the time taken must be a number of seconds"))
    # Locking the session row keeps comparison ids in commit order for the pair chooser.
    CJSession.objects.select_for_update().filter(pk=session.pk).update(
        comparison_count=F("comparison_count") + 1
    )
    if Comparison.objects.filter(session=session, token=token).exists():
        raise CJRefused(_("this pair was already judged"))
    comparison = Comparison.objects.create(
        school_id=session.school_id,
        session=session,
        judge=judge,
        left=left,
        right=right,
        winner=winner,
        shown_at=shown_at,
        decided_at=timezone.now(),
        seconds=seconds,
        token=token,
    )
    audit_write(
        actor=by,
        action=AuditAction.CJ_COMPARISON_RECORD,
        target=comparison,
        target_label=f"{session} · {left.code} v {right.code}",
    )
    return comparison


# --------------------------------------------------------------------------- the fit


def cj_session_fit(*, session: CJSession, only_if_stale: bool = False) -> CJSession:
    """Fit the scale to every comparison and keep the results on the scripts and judges.

    With `only_if_stale`, a session already fitted to all its comparisons is left as it is.
    A design the model cannot place (disconnected groups, no convergence) has its values
    cleared and says why in `fit_problem`.
    """
    current = session.fitted_comparisons == session.comparison_count
    if only_if_stale and session.fitted_at and current:
        return session
    return _fit(session)


def cj_session_refit_if_due(*, session: CJSession) -> None:
    """In an adaptive session, refit once enough comparisons have come in since the last fit
    (ten, or half the scripts), so that the next pairs are chosen from a fresh scale."""
    if not session.adaptive:
        return
    session.refresh_from_db(fields=["comparison_count", "fitted_comparisons"])
    if session.comparison_count - session.fitted_comparisons >= max(10, session.script_count // 2):
        cj_session_fit(session=session)


@transaction.atomic
def _fit(session: CJSession) -> CJSession:
    # Lock the session row so that two fits of one session run one after the other.
    fresh = (
        CJSession.objects.select_for_update()
        .filter(pk=session.pk)
        .values_list("comparison_count", flat=True)
    )
    session.comparison_count = fresh.get()
    rows = list(
        Comparison.objects.filter(session=session).values_list(
            "winner_id", "left_id", "right_id", "judge_id"
        )
    )
    scripts = list(Script.objects.filter(session=session))
    judges = list(Judge.objects.filter(session=session))
    for script in scripts:
        script.theta = script.se = script.infit = script.outfit = None
        script.comparisons = script.wins = 0
        script.extreme = False
    for judge in judges:
        judge.infit = judge.outfit = None
        judge.misfit = False
    session.fit_problem = ""
    session.reliability = None
    session.reliability_warnings = []
    if rows:
        try:
            _fit_into(session, rows, scripts, judges)
        except (bradley_terry.DisconnectedDesignError, bradley_terry.NonConvergenceError) as error:
            session.fit_problem = str(error)
    fields = ["theta", "se", "infit", "outfit", "comparisons", "wins", "extreme"]
    Script.objects.bulk_update(scripts, fields, batch_size=2000)
    Judge.objects.bulk_update(judges, ["infit", "outfit", "misfit"])
    session.fitted_at = timezone.now()
    session.fitted_comparisons = len(rows)
    session.save(
        update_fields=[
            "fit_problem",
            "reliability",
            "reliability_warnings",
            "fitted_at",
            "fitted_comparisons",
        ]
    )
    return session


def _fit_into(
    session: CJSession,
    rows: list[tuple[int, int, int, int]],
    scripts: list[Script],
    judges: list[Judge],
) -> None:
    labelled = [
        (str(judge_id), str(winner), str(right if winner == left else left))
        for winner, left, right, judge_id in rows
    ]
    comparisons = bradley_terry.Comparisons.from_labels(labelled)
    compared = set(comparisons.scripts)
    anchors = {
        str(s.pk): s.anchor_theta
        for s in scripts
        if s.anchor_theta is not None and str(s.pk) in compared
    }
    result = bradley_terry.fit(
        comparisons,
        estimator=session.estimator,  # type: ignore[arg-type]
        anchors=anchors or None,
    )
    by_label = {estimate.script: estimate for estimate in result.scripts}
    for script in scripts:
        estimate = by_label.get(str(script.pk))
        if estimate is None:
            continue
        script.theta = _finite(estimate.theta)
        script.se = _finite(estimate.se)
        script.infit = _finite(estimate.infit)
        script.outfit = _finite(estimate.outfit)
        script.comparisons = estimate.comparisons
        script.wins = estimate.wins
        script.extreme = estimate.extreme
    judge_fit = {fit.judge: fit for fit in result.judges}
    for judge in judges:
        fit = judge_fit.get(str(judge.pk))
        if fit is not None:
            judge.infit, judge.outfit, judge.misfit = (
                _finite(fit.infit),
                _finite(fit.outfit),
                fit.misfit,
            )
    session.reliability = _finite(result.ssr) if result.ssr is not None else None
    warnings = fit_warnings(labelled, anchors=list(anchors))
    session.reliability_warnings = [w.kind for w in warnings if w.qualifies_reliability]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- results


@transaction.atomic(durable=True)
def cj_results_apply(*, session: CJSession, by: Actor | None) -> list[Judgement]:
    """Record each pupil's place on the scale as a judgement at the grade it reaches."""
    session = CJSession.objects.select_for_update().get(pk=session.pk)
    if session.results_applied_at is not None:
        raise CJRefused(
            _("the results were applied on %(date)s")
            % {"date": f"{session.results_applied_at:%d %B %Y}"}
        )
    if session.objective is None:
        raise CJRefused(_("choose the objective the results are judgements on"))
    if session.fit_problem:
        raise CJRefused(
            _("the scale could not be fitted: %(problem)s") % {"problem": session.fit_problem}
        )
    grades = grade_scale(session)
    if grades.problem:
        raise CJRefused(grades.problem)
    scripts = list(
        Script.objects.filter(session=session, pupil__isnull=False, theta__isnull=False)
        .exclude(origin__in=[Script.Origin.EXEMPLAR, Script.Origin.ANCHOR])
        .select_related("pupil")
    )
    entries = []
    for script in scripts:
        level = grades.level_for(script.theta)  # type: ignore[arg-type]
        if level is None:
            continue
        score = scaled_score(session, script.theta)  # type: ignore[arg-type]
        entries.append(
            JudgementEntry(
                pupil=script.pupil,  # type: ignore[arg-type]
                objective=session.objective,
                level=level,
                method=Method.TASK,
                note=f"{session.title}: scaled score {score}, script {script.code}",
            )
        )
    if not entries:
        raise CJRefused(_("no script linked to a pupil has a place on the scale yet"))
    judgements = judgements_record_bulk(
        entries=entries,
        by=by,
        source=JudgementSource.COMPARATIVE_JUDGEMENT,
        idempotency_key=f"cj-session-{session.pk}",
    )
    session.results_applied_at = timezone.now()
    session.save(update_fields=["results_applied_at"])
    audit_write(
        actor=by,
        action=AuditAction.CJ_SESSION_APPLY_RESULTS,
        target=session,
        target_label=f"{session} · {len(judgements)} judgements",
    )
    return judgements


def _user(by: Actor | None) -> Any:
    return by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) else None
