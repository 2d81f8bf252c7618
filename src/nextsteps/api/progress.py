"""API routes for progress measures: Progress 8 and KS1–KS2 progress, by the DfE's methods.

A school's cohorts, reports and reference tables are for its senior leaders and data managers
and its trust's leaders, as the pages are. One pupil's results and measures are for those who
may see that pupil: their staff, the pupil, their parents; never another child's.
"""

from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from nextsteps import access
from nextsteps.api.pagination import Pages
from nextsteps.api.schemas import (
    BasicsOut,
    CohortOut,
    GradeDistributionOut,
    Id,
    Ks1Ks2Out,
    Ks4AnalysisOut,
    Ks4ClassOut,
    Ks4GroupOut,
    Ks4HeadlineOut,
    OptionsOut,
    Progress8Out,
    ProgressCohortsOut,
    PupilProgressOut,
    ReferenceGroupOut,
    ReferenceTableDetailOut,
    ReferenceTableOut,
    SubjectResidualOut,
)
from nextsteps.people.models import Pupil
from nextsteps.progress import permissions, selectors
from nextsteps.progress.kernels import compute, ks4_analysis, options
from nextsteps.progress.kernels.baselines import INTERNAL_ESTIMATE, BaselineRule
from nextsteps.progress.kernels.ks4_models import shipped_models
from nextsteps.progress.kernels.measures import KS2_SUBJECTS, P8_MEASURES
from nextsteps.progress.kernels.residuals import GRADES, SubjectResidual
from nextsteps.progress.models import ReferenceTable
from nextsteps.schools.models import School

router = Router()
Kind = ReferenceTable.Kind
Year = Annotated[int, Field(ge=1990, le=2100, description="A KS4 exam year or a KS2 test year")]


def _leaders_school(request: HttpRequest, urn: int) -> School:
    """Senior leaders and data managers of the school, and leaders of its trust."""
    return permissions.leaders_school(request.user, urn)


@router.get(
    "/schools/{urn}/progress",
    response=ProgressCohortsOut,
    summary="The school's cohorts with results: KS4 years (Progress 8) and KS2 years",
)
def cohorts(request: HttpRequest, urn: Id) -> ProgressCohortsOut:
    school = _leaders_school(request, urn)
    return ProgressCohortsOut(
        progress8=[CohortOut.model_validate(c) for c in selectors.progress8_cohorts(school)],
        ks1_ks2=[CohortOut.model_validate(c) for c in selectors.ks1_ks2_cohorts(school)],
    )


def table_out(table: ReferenceTable) -> ReferenceTableOut:
    return ReferenceTableOut(
        id=table.pk,
        title=str(table),
        kind=table.kind,
        source=table.source,
        year=table.year,
        national_sd=table.national_sd,
        pupils=table.pupils,
    )


@router.get(
    "/schools/{urn}/progress/tables",
    response=list[ReferenceTableOut],
    summary="Reference tables the school may measure against: national, its own, its trust's",
)
@paginate(Pages)
def tables(
    request: HttpRequest, urn: Id, kind: Literal["p8", "ks1_ks2"] | None = None
) -> list[ReferenceTableOut]:
    school = _leaders_school(request, urn)
    kinds = [kind] if kind else [Kind.PROGRESS8, Kind.KS1_KS2]
    return [table_out(t) for t in selectors.tables_listed(school, kinds)]


@router.get(
    "/schools/{urn}/progress/tables/{table_id}",
    response=ReferenceTableDetailOut,
    summary="A reference table with each prior attainment group's estimates",
)
def table_detail(request: HttpRequest, urn: Id, table_id: Id) -> ReferenceTableDetailOut:
    school = _leaders_school(request, urn)
    table = selectors.table_with_groups(school, table_id)
    if table is None:
        raise Http404("No such table")
    return ReferenceTableDetailOut(
        **dict(table_out(table)),
        groups=[
            ReferenceGroupOut(
                pag=g.pag,
                above=g.above,
                upto=g.upto,
                values=g.values,
                floors=g.floors,
                pupils=g.pupils,
            )
            for g in table.groups.all()
        ],
    )


def _cohort_year(cohorts: list[selectors.Cohort], year: int) -> int:
    if year not in {cohort.year for cohort in cohorts}:
        raise Http404("No results for that year")
    return year


def _pupil_fields(pupil: Pupil) -> dict[str, Any]:
    return {
        "pupil_id": pupil.pk,
        "upn": pupil.upn,
        "forename": pupil.forename,
        "surname": pupil.surname,
    }


def _summary(entry: dict[str, Any], score_key: str = "score") -> dict[str, Any]:
    """A kernel summary in the API's shape: the score always under `score`."""
    out = {key: value for key, value in entry.items() if key != score_key}
    out["score"] = entry.get(score_key)
    return out


def _rule(measure: str, year: int) -> BaselineRule:
    """The cohort's baseline rule; a year with no rule is refused by name, never guessed."""
    baseline = selectors.cohort_baseline(measure, year)
    if baseline.rule is None:
        raise HttpError(422, baseline.unknown)
    return baseline.rule


@router.get(
    "/schools/{urn}/progress/p8/{year}",
    response=Progress8Out,
    summary="Progress 8 for a KS4 year: school, elements, groups and each pupil's estimate",
    description="Always 200 for a cohort with results and a baseline rule. `available` is "
    "false for a cohort with no KS2 baseline (leavers of 2025 and 2026): then `reason` says "
    "why, and there is no score or band, only Attainment 8. `internal=true` adds the figures "
    "from the school's own baseline, if it chose one, labelled as an internal estimate. A "
    "year with no rule is refused (422) with a message naming it.",
)
def progress8(
    request: HttpRequest,
    urn: Id,
    year: Year,
    table_id: Id | None = None,
    internal: bool = False,
) -> dict[str, Any]:
    school = _leaders_school(request, urn)
    _cohort_year(selectors.progress8_cohorts(school), year)
    rule = _rule("progress8", year)
    if not rule.available:
        return _progress8_unavailable(school, year, rule, internal, table_id)
    tables = selectors.tables_with_groups(school, Kind.PROGRESS8)
    table = selectors.choose_table(tables, year, table_id)
    if table is None or (table_id is not None and table.pk != table_id):
        raise Http404("No such table")
    report = selectors.progress8_report(school, year, table)
    return {
        "year": year,
        "available": True,
        "source": rule.source,
        "attainment8": report.computed.report["school"]["attainment8"],
        "basics": report.computed.basics,
        **_progress8_figures(report),
    }


def _progress8_figures(report: selectors.Report) -> dict[str, Any]:
    built = report.computed.report
    return {
        "table": table_out(report.table),
        "school": _progress8_school(built["school"]),
        "groups": {
            name: {label: _summary(entry, "progress8") for label, entry in labels.items()}
            for name, labels in built["groups"].items()
        },
        "pupils": _pupil_entries(report),
    }


def _progress8_unavailable(
    school: School, year: int, rule: BaselineRule, internal: bool, table_id: int | None
) -> dict[str, Any]:
    """No score or band: why, the cohort's attainment, and the school's own estimate if asked."""
    proxy = selectors.proxy_baseline(school, year)
    attainment, basics = selectors.ks4_summary(school, year)
    out: dict[str, Any] = {
        "year": year,
        "available": False,
        "reason": rule.sentence,
        "source": rule.source,
        "attainment8": attainment,
        "basics": basics,
        "internal_baseline": proxy.name if proxy is not None else None,
    }
    if not internal or proxy is None:
        return out
    tables = [
        t
        for t in selectors.tables_with_groups(school, Kind.PROGRESS8)
        if t.source != ReferenceTable.TableSource.TRUST
    ]
    table = selectors.choose_table(tables, year, table_id)
    if table is None or (table_id is not None and table.pk != table_id):
        raise Http404("No such table")
    report = selectors.progress8_report(school, year, table, proxy)
    out["internal_estimate"] = {
        "label": INTERNAL_ESTIMATE,
        "baseline": proxy.name,
        **_progress8_figures(report),
    }
    return out


def _progress8_school(school: dict[str, Any]) -> dict[str, Any]:
    """The kernel's school figures with the headline in the same shape as the elements."""
    headline = {key: school[key] for key in ("n", "progress8", "ci_low", "ci_high", "band")}
    return {
        "progress8": _summary(headline, "progress8"),
        **{measure: _summary(school[measure]) for measure in P8_MEASURES[1:]},
        "attainment8": school["attainment8"],
        "excluded": school["excluded"],
    }


def _pupil_entries(report: selectors.Report) -> list[dict[str, Any]]:
    """Each pupil's entry in the kernel's report, named, with any note on their results."""
    return [
        {
            **entry,
            **_pupil_fields(report.pupils[entry["pupil_id"]]),
            "note": report.computed.notes.get(entry["pupil_id"]),
        }
        for entry in report.computed.report["pupils"]
    ]


@router.get(
    "/schools/{urn}/progress/ks4/{year}",
    response=Ks4AnalysisOut,
    summary="KS4 results analysis: Attainment 8, Basics, grades and subject residuals",
    description="The figures of the KS4 results page: Attainment 8 and its elements, Basics, "
    "each subject's grade distribution and residual (the pupils' grades in it minus the mean "
    "of their grades in their other subjects, with a 95% interval), by group and by Year 11 "
    "class. For leaders every subject; for a head of department their department's subjects "
    "(Attainment 8 and Basics stay the whole cohort's). No pupil is listed.",
)
def ks4_results(request: HttpRequest, urn: Id, year: Year) -> Ks4AnalysisOut:
    school = access.access_school(request.user, urn)
    departments = permissions.results_departments(request.user, school)
    cohort, analysis = selectors.ks4_analysis_for(school, year, departments)
    if not cohort.pupils:
        raise Http404("No results for that year")
    return Ks4AnalysisOut(
        year=year,
        subjects=analysis.subjects,
        headline=_ks4_headline(analysis.headline),
        distributions=[
            GradeDistributionOut(
                subject=d.subject,
                n=d.n,
                grades={
                    "U" if g == 0 else str(g): c for g, c in zip(GRADES, d.counts, strict=True)
                },
                mean=d.mean,
                at_least_4=d.at_least_4,
                at_least_7=d.at_least_7,
            )
            for d in analysis.distributions
        ],
        residuals=[_residual(r) for r in analysis.residuals],
        groups={
            name: {
                row.label: Ks4GroupOut(
                    headline=_ks4_headline(row.headline),
                    residuals=[_residual(r) for r in row.residuals.values()],
                )
                for row in rows
            }
            for name, rows in analysis.groups
        },
        classes=[
            Ks4ClassOut(
                class_id=row.info.class_id,
                name=row.info.name,
                subjects=list(row.info.subjects),
                headline=_ks4_headline(row.headline),
                residuals=[_residual(r) for r in row.residuals],
            )
            for row in analysis.classes
        ],
    )


def _ks4_headline(headline: ks4_analysis.Headline) -> Ks4HeadlineOut:
    return Ks4HeadlineOut(
        n=headline.n,
        attainment8=headline.attainment8,
        elements=headline.elements,
        basics=BasicsOut.model_validate(headline.basics),
        small=headline.small,
    )


def _residual(residual: SubjectResidual) -> SubjectResidualOut:
    return SubjectResidualOut(
        subject=residual.subject,
        n=residual.n,
        grade=residual.grade,
        others=residual.others,
        residual=residual.residual,
        ci_low=residual.ci_low,
        ci_high=residual.ci_high,
        small=residual.small,
        significant=residual.significant,
    )


@router.get(
    "/schools/{urn}/progress/ks2/{year}",
    response=Ks1Ks2Out,
    summary="KS1–KS2 progress for a KS2 year: attainment, school, groups and each pupil",
)
def ks1_ks2(
    request: HttpRequest, urn: Id, year: Year, table_id: Id | None = None
) -> dict[str, Any]:
    school = _leaders_school(request, urn)
    _cohort_year(selectors.ks1_ks2_cohorts(school), year)
    rule = _rule("ks1_ks2", year)
    pupils = selectors.ks2_pupils(school, year)
    out: dict[str, Any] = {
        "year": year,
        "available": rule.available,
        "reason": rule.sentence or None,
        "source": rule.source,
        "table": None,
        "attainment": compute.ks2_attainment([selectors.record_of(p) for p in pupils]),
        "school": None,
        "groups": {},
        "pupils": [],
    }
    if not rule.available:
        return out
    tables = selectors.tables_with_groups(school, Kind.KS1_KS2)
    if table_id is not None:
        table = next((t for t in tables if t.pk == table_id), None)
        if table is None:
            raise Http404("No such table")
    else:  # the year's own table, as the page chooses: there is no national fallback
        table = next((t for t in tables if t.year == year), None)
    if table is None:
        return out
    out["table"] = table_out(table)
    report = selectors.ks1_ks2_report(school, year, table, pupils)
    built = report.computed.report
    out["school"] = {
        **{subject: _summary(built["school"][subject]) for subject in KS2_SUBJECTS},
        "excluded": built["school"]["excluded"],
    }
    out["groups"] = built["groups"]
    out["pupils"] = _pupil_entries(report)
    return out


@router.get(
    "/schools/{urn}/pupils/{pupil_id}/progress",
    response=PupilProgressOut,
    summary="A pupil's key stage results and progress measures",
)
def pupil_progress(request: HttpRequest, urn: Id, pupil_id: Id) -> dict[str, Any]:
    """Staff only: no page shows a pupil or their parents key stage results or progress
    measures, so the API does not either."""
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    pupil = access.access_pupil(request.user, school, pupil_id)
    measures = selectors.pupil_measures(school, pupil.pk)
    found = measures.pupil
    ks1 = getattr(found, "ks1_result", None)
    ks2 = getattr(found, "ks2_result", None)
    ks4 = getattr(found, "ks4_result", None)
    return {
        "pupil_id": found.pk,
        "ks1": ks1,
        "ks2": ks2,
        "ks4": ks4,
        "progress8": _measured(measures.progress8),
        "ks1_ks2": _measured(measures.ks1_ks2),
    }


def _measured(measured: selectors.Measured | None) -> dict[str, Any] | None:
    if measured is None:
        return None
    if measured.table is None:  # the cohort has no national measure: why, and no score
        return {"available": False, "reason": measured.unavailable}
    entry = {key: value for key, value in measured.entry.items() if key != "pupil_id"}
    return {**entry, "table": table_out(measured.table), "note": measured.note}


@router.get(
    "/schools/{urn}/progress/options",
    response=OptionsOut,
    summary="A year group's planned KS4 subjects scored against each KS4 model, side by side",
    description="Leaders only, as the page. Each pupil with planned options, with the slots "
    "their plan fills in the model in force for their cohort and in the reformed model "
    "proposed in November 2025, and what each gap means.",
)
def planned_options(request: HttpRequest, urn: Id, year_group: int = 9) -> dict[str, Any]:
    school = _leaders_school(request, urn)
    if school.phase == School.Phase.PRIMARY:
        raise Http404("Options are for secondary schools")
    if year_group not in (8, 9, 10):
        raise HttpError(422, "Options are planned in Years 8 to 10")
    catalogue = shipped_models()
    today = timezone.localdate()
    leaving = options.leaving_year(year_group, today.year if today.month >= 9 else today.year - 1)
    in_force, unknown = options.cohort_model(catalogue, leaving, selectors.ks4_adoptions(school))
    plans = selectors.option_plans(school, year_group)
    pupils = []
    for plan in plans:
        if not plan.subjects:
            continue
        scores = options.score_plan(plan.subjects, catalogue.models, in_force, catalogue.categories)
        pupils.append(
            {
                **_pupil_fields(plan.pupil),
                "subjects": plan.subjects,
                "scores": [
                    {
                        "model": score.model.id,
                        "slots": score.slots,
                        "filled": score.filled,
                        "complete": score.complete,
                        "groups": score.groups,
                        "notes": list(score.notes),
                    }
                    for score in scores
                ],
            }
        )
    return {
        "year_group": year_group,
        "leaving_year": leaving,
        "unknown": unknown or None,
        "models": [
            {
                "id": model.id,
                "name": model.name,
                "status": model.status,
                "in_force_for_cohort": model is in_force,
                "source_title": model.source.title,
                "source_url": model.source.url,
            }
            for model in catalogue.models
        ],
        "pupils": pupils,
        "without_plan": sum(1 for plan in plans if not plan.subjects),
    }
