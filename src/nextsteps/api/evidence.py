"""API routes for evidence: judgements (list; record up to 1,000 at once) and standings."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from nextsteps import access
from nextsteps.api import selectors
from nextsteps.api.pagination import Pages, Window
from nextsteps.api.routes import objective_out, school_for
from nextsteps.api.schemas import (
    AUDIENCES,
    Id,
    JudgementBatchIn,
    JudgementBatchOut,
    JudgementFamilyOut,
    JudgementOut,
    JudgementRowOut,
    MarkbookOut,
    MarkbookRowOut,
    PupilBriefOut,
    SchoolStandingOut,
    StandingOut,
)
from nextsteps.curriculum.models import Objective
from nextsteps.markbook import permissions as markbook_permissions
from nextsteps.markbook import selectors as markbook_selectors
from nextsteps.markbook.models import Judgement, Standing
from nextsteps.markbook.services import JudgementEntry, judgements_record_bulk
from nextsteps.people.models import Pupil
from nextsteps.teaching.selectors import class_pupils

router = Router()


def judgement_for(
    judgement: Judgement, audience: access.Audience
) -> JudgementOut | JudgementFamilyOut:
    """A judgement as the pages show it to this audience: the note is for staff alone."""
    out = judgement_out(judgement)
    if audience is access.Audience.STAFF:
        return out
    return JudgementFamilyOut(**out.model_dump(exclude={"note"}))


def judgement_out(judgement: Judgement) -> JudgementOut:
    """A judgement as staff read it, with the teacher's note."""
    return JudgementOut(
        id=judgement.pk,
        pupil_id=judgement.pupil_id,
        objective_id=judgement.objective_id,
        level_id=judgement.level_id,
        level=judgement.level.label if judgement.level else None,
        value=judgement.value,
        kind=judgement.kind,
        source=judgement.source,
        method=judgement.method,
        class_id=judgement.teaching_class_id,
        shown_at=judgement.shown_at,
        recorded_at=judgement.recorded_at,
        note=judgement.note,
    )


class JudgementFilter(Schema):
    pupil_id: Id | None = None
    objective_id: Id | None = None
    class_id: Id | None = None
    since: dt.datetime | None = None


@router.get(
    "/schools/{urn}/judgements",
    response=list[JudgementRowOut],
    summary="Judgements about pupils you may see, newest first",
    description=AUDIENCES.format(staff="JudgementOut", family="JudgementFamilyOut"),
)
@paginate(Pages)
def judgements(request: HttpRequest, urn: Id, filters: Query[JudgementFilter]) -> Window:
    school = school_for(request, urn)
    audience = access.audience(request.user, school)
    since = filters.since
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since, dt.UTC)
    rows = markbook_selectors.judgements_filtered(
        school,
        access.pupils_for(request.user, school),
        pupil_id=filters.pupil_id,
        objective_id=filters.objective_id,
        class_id=filters.class_id,
        since=since,
    )
    return Window(rows, lambda judgement: judgement_for(judgement, audience))


@router.post(
    "/schools/{urn}/judgements",
    response={201: JudgementBatchOut},
    summary="Record up to 1,000 judgements in one class, all or none",
)
def judgements_create(
    request: HttpRequest, urn: Id, payload: JudgementBatchIn
) -> Status[JudgementBatchOut]:
    school = school_for(request, urn)
    teaching_class = access.access_class(request.user, school, payload.class_id, write=True)
    allowed = markbook_permissions.recordable_pupil_ids(request.user, teaching_class)
    enrolled = {p.pk: p for p in class_pupils(teaching_class, None)}
    wanted = payload.judgements
    objectives = selectors.objectives_by_pk(school, {j.objective_id for j in wanted})
    levels = selectors.levels_by_pk(school, {j.level_id for j in wanted})
    problems: list[str] = []
    entries: list[JudgementEntry] = []
    for index, item in enumerate(wanted):
        where = f"judgements[{index}]"
        pupil: Pupil | None = enrolled.get(item.pupil_id)
        if pupil is None or (allowed is not None and item.pupil_id not in allowed):
            problems.append(
                f"{where}.pupil_id: {item.pupil_id} is not a pupil in {teaching_class} "
                "you can record for"
            )
        if item.objective_id not in objectives:
            problems.append(f"{where}.objective_id: {item.objective_id} is not an objective here")
        if item.level_id not in levels:
            problems.append(f"{where}.level_id: {item.level_id} is not a level here")
        if pupil is not None and item.objective_id in objectives and item.level_id in levels:
            entries.append(
                JudgementEntry(
                    pupil=pupil,
                    objective=objectives[item.objective_id],
                    level=levels[item.level_id],
                    method=item.method,
                    note=item.note,
                    shown_at=item.shown_at,
                )
            )
    if problems:
        raise HttpError(422, "; ".join(problems[:50]))
    created = judgements_record_bulk(
        entries=entries,
        by=request.user,
        teaching_class=teaching_class,
        idempotency_key=payload.idempotency_key,
    )
    rows = markbook_selectors.judgements_with_levels(created)
    return Status(
        201, JudgementBatchOut(created=len(created), judgements=[judgement_out(j) for j in rows])
    )


def standing_out(standing: Standing) -> StandingOut:
    return StandingOut(
        pupil_id=standing.pupil_id,
        objective_id=standing.objective_id,
        objective_code=standing.objective.code,
        value=standing.value,
        level=standing.level.label if standing.level else None,
        mastered=standing.mastered,
        evidence_count=standing.evidence_count,
        last_evidence_at=standing.last_evidence_at,
    )


@router.get(
    "/schools/{urn}/pupils/{pupil_id}/standings",
    response=list[StandingOut],
    summary="Where a pupil is on each objective with evidence",
)
@paginate(Pages)
def pupil_standings(
    request: HttpRequest, urn: Id, pupil_id: Id, framework_id: Id | None = None
) -> list[StandingOut]:
    school = school_for(request, urn)
    pupil = access.access_pupil(request.user, school, pupil_id)
    return [standing_out(s) for s in markbook_selectors.pupil_standings(pupil, framework_id)]


class StandingFilter(Schema):
    class_id: Id | None = Field(None, description="Pupils now in this class")
    year_group: int | None = Field(None, ge=-1, le=14, description="Pupils in this year group")
    framework_id: Id | None = Field(None, description="Objectives of this framework")


@router.get(
    "/schools/{urn}/standings",
    response=list[SchoolStandingOut],
    summary="Standings across the school, by class, year group or framework",
    description=(
        "Every standing of the pupils you may see (a teacher: the pupils of their classes), "
        "one row per pupil and objective with evidence, in pages of up to 1,000: a reporting "
        "tool reads a class's standings in one call rather than one per pupil. Filters combine."
    ),
)
@paginate(Pages)
def school_standings(request: HttpRequest, urn: Id, filters: Query[StandingFilter]) -> Window:
    school = school_for(request, urn)
    access.require_staff(request.user, school)
    pupils = access.pupils_for(request.user, school)
    teaching_class = (
        None
        if filters.class_id is None
        else access.access_class(request.user, school, filters.class_id)
    )
    rows = markbook_selectors.school_standings(
        school,
        pupils,
        teaching_class=teaching_class,
        year_group=filters.year_group,
        framework_id=filters.framework_id,
    )
    return Window(rows, school_standing_out)


def school_standing_out(standing: Standing) -> SchoolStandingOut:
    return SchoolStandingOut(
        **dict(standing_out(standing)), framework_id=standing.objective.framework_id
    )


@router.get(
    "/schools/{urn}/classes/{class_id}/markbook",
    response=MarkbookOut,
    summary="A class's markbook: each pupil's standing on each objective of a framework",
)
def class_markbook(
    request: HttpRequest, urn: Id, class_id: Id, framework_id: Id, year_group: int | None = None
) -> MarkbookOut:
    school = school_for(request, urn)
    access.require_staff(request.user, school)
    teaching_class = access.access_class(request.user, school, class_id)
    framework = selectors.framework_with_scale(school, framework_id)
    objectives = selectors.markbook_objectives(framework, year_group)
    pupils = class_pupils(teaching_class, None)
    standings = markbook_selectors.standings_by_cell(pupils, objectives)
    return MarkbookOut(
        class_id=teaching_class.pk,
        framework_id=framework.pk,
        objectives=[objective_out(o) for o in objectives],
        rows=[
            MarkbookRowOut(
                pupil=PupilBriefOut(
                    id=pupil.pk,
                    forename=pupil.forename,
                    surname=pupil.surname,
                    year_group=pupil.year_group,
                ),
                standings=[_cell(pupil, objective, standings) for objective in objectives],
            )
            for pupil in pupils
        ],
    )


def _cell(
    pupil: Pupil, objective: Objective, standings: dict[tuple[int, int], Standing]
) -> StandingOut:
    standing = standings.get((pupil.pk, objective.pk))
    if standing is not None:
        return standing_out(standing)
    return StandingOut(
        pupil_id=pupil.pk,
        objective_id=objective.pk,
        objective_code=objective.code,
        value=None,
        level=None,
        mastered=None,
        evidence_count=0,
        last_evidence_at=None,
    )
