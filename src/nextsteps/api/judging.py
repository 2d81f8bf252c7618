"""API route for comparative judgement: a session's fitted scale, with what it cannot show.

Only the people who may open the session's report page (its organisers) may read it, and it
carries the same figures and the same warnings as that page (`judging.selectors.cj_report`).
"""

from __future__ import annotations

import datetime as dt
import math

from django.http import HttpRequest
from ninja import Router, Schema

from nextsteps.access import Action
from nextsteps.api.routes import school_for
from nextsteps.api.schemas import Id
from nextsteps.judging.permissions import cj_sessions
from nextsteps.judging.selectors.comparative import cj_report
from nextsteps.judging.services.comparative import cj_session_fit

router = Router()


class CJReliabilityOut(Schema):
    ssr: float | None
    warnings: list[str]


class CJScriptOut(Schema):
    code: str
    rank: int
    theta: float
    se: float | None
    scaled_score: int
    comparisons: int
    wins: int
    extreme: bool
    infit: float | None


class CJJudgeOut(Schema):
    name: str
    comparisons: int
    infit: float | None
    outfit: float | None
    misfit: bool


class CJReportOut(Schema):
    id: int
    title: str
    estimator: str
    fitted_at: dt.datetime | None
    fitted_comparisons: int
    fit_problem: str
    reliability: CJReliabilityOut
    warnings: list[str]
    scripts: list[CJScriptOut]
    judges: list[CJJudgeOut]


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


@router.get(
    "/schools/{urn}/cj-sessions/{session_id}/report",
    response=CJReportOut,
    summary="A comparative judgement session's scale, reliability and warnings",
)
def cj_session_report(request: HttpRequest, urn: Id, session_id: Id) -> CJReportOut:
    school = school_for(request, urn)
    session = cj_sessions.get(request.user, school, session_id, Action.ORGANISE)
    report = cj_report(cj_session_fit(session=session, only_if_stale=True))
    sentences = report.warning_sentences
    qualifying = [
        sentence
        for sentence, warning in zip(sentences, report.warnings, strict=True)
        if warning.qualifies_reliability
    ]
    return CJReportOut(
        id=session.pk,
        title=session.title,
        estimator=session.estimator,
        fitted_at=session.fitted_at,
        fitted_comparisons=session.fitted_comparisons,
        fit_problem=session.fit_problem,
        reliability=CJReliabilityOut(ssr=_number(session.reliability), warnings=qualifying),
        warnings=sentences,
        scripts=[
            CJScriptOut(
                code=row.script.code,
                rank=row.rank,
                theta=row.theta,
                se=_number(row.script.se),
                scaled_score=row.scaled,
                comparisons=row.script.comparisons,
                wins=row.script.wins,
                extreme=row.script.extreme,
                infit=_number(row.script.infit),
            )
            for row in report.rows
        ],
        judges=[
            CJJudgeOut(
                name=row.judge.staff.name,
                comparisons=row.comparisons,
                infit=_number(row.judge.infit),
                outfit=_number(row.judge.outfit),
                misfit=row.judge.misfit,
            )
            for row in report.judges
        ],
    )
