"""Writes for progress measures: loading results and reference tables, trust estimates.

Every file is checked whole by the kernel's readers (or `uploads`, which uses them) before
anything is written; a bad file raises with each problem's file, line and column, and the
transaction leaves the database as it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext

from nextsteps import filereading
from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.people.models import Pupil
from nextsteps.progress import selectors, shipped, uploads
from nextsteps.progress.kernels import compute
from nextsteps.progress.kernels.ks4_models import shipped_models
from nextsteps.progress.kernels.measures import A8_COLUMNS, KS2_SUBJECTS, P8_MEASURES
from nextsteps.progress.kernels.tables import (
    CellError,
    InputError,
    Ks2Codes,
    TextFile,
    read_ks1_ks2_table,
    read_national_sd,
    read_nominal,
    read_p8_estimates,
)
from nextsteps.progress.models import (
    Ks1Result,
    Ks2Result,
    Ks4ModelAdoption,
    Ks4Qualification,
    Ks4Result,
    NominalScore,
    PlannedOption,
    ProxyBaseline,
    ProxyScore,
    ReferenceGroup,
    ReferenceTable,
)
from nextsteps.schools.models import School

Kind = ReferenceTable.Kind
TableSource = ReferenceTable.TableSource


class EstimatesError(ValueError):
    """Provisional estimates cannot be computed (no trust, too few pupils)."""


class BaselineError(ValueError):
    """A school's own baseline cannot be set for this cohort (it has the national one)."""


@dataclass(frozen=True)
class ImportSummary:
    """How many pupils' results of each key stage a file added or replaced."""

    ks1: int
    ks2: int
    ks4: int

    @property
    def pupils(self) -> int:
        return max(self.ks1, self.ks2, self.ks4)


def text_file(name: str, content: bytes) -> TextFile:
    """An uploaded file's text; one that is not UTF-8 text is refused by name and line."""
    try:
        return TextFile(name, filereading.text(content, name))
    except filereading.Unreadable as unreadable:
        error = InputError(name, unreadable.line or None, None, unreadable.message)
        raise uploads.UploadErrors([error]) from None


def result_rules(school: School) -> uploads.ResultRules:
    """What a results file for this school is checked against."""
    return uploads.ResultRules(
        school=school.name,
        pupils=dict(Pupil.objects.filter(school=school).values_list("upn", "pk")),
        ks1_points=selectors.ks1_points(),
        writing_points=selectors.writing_points(),
        nominal=selectors.nominal_scores(school),
    )


@transaction.atomic(durable=True)
def results_import(
    *, school: School, name: str, content: bytes, qualifications: bool = False, by: Actor | None
) -> ImportSummary:
    """Load pupils' KS1, KS2 and KS4 results (or KS4 qualifications) from a CSV file.

    A pupil's result for a key stage is replaced by the file's. Raises `UploadErrors` naming
    every bad cell, having written nothing.
    """
    upload = text_file(name, content)
    rules = result_rules(school)
    if qualifications:
        parsed = uploads.parse_qualifications(upload, rules)
    else:
        parsed = uploads.parse_results(upload, rules)
    ks1 = [
        {"pupil_id": r.pupil_id, "year": r.year, "reading": r.reading, "writing": r.writing}
        | {"maths": r.maths}
        for r in parsed.ks1
    ]
    ks2 = [
        {"pupil_id": r.pupil_id, "year": r.year, "reading": r.reading, "maths": r.maths}
        | {"writing": r.writing}
        for r in parsed.ks2
    ]
    ks4 = [
        {"pupil_id": r.pupil_id, "year": r.year, "from_grades": qualifications} | r.points
        for r in parsed.ks4
    ]
    upsert(Ks1Result, school, ks1)
    upsert(Ks2Result, school, ks2)
    results = upsert(Ks4Result, school, ks4)
    replace_qualifications(school, results, parsed.ks4)
    summary = ImportSummary(len(ks1), len(ks2), len(ks4))
    audit_write(
        actor=by,
        action=AuditAction.PROGRESS_RESULTS_IMPORT,
        school=school,
        target_type="progress.results",
        target_label=name,
        after={"file": name, "ks1": summary.ks1, "ks2": summary.ks2, "ks4": summary.ks4},
    )
    return summary


def upsert(model: Any, school: School, rows: list[dict[str, Any]]) -> dict[int, Any]:
    """Create or replace one result per pupil, in a few queries; return them by pupil."""
    if not rows:
        return {}
    existing = {
        result.pupil_id: result
        for result in model.objects.filter(
            school=school, pupil_id__in=[r["pupil_id"] for r in rows]
        )
    }
    fields = [name for name in rows[0] if name != "pupil_id"]
    changed, created = [], []
    for row in rows:
        result = existing.get(row["pupil_id"])
        if result is None:
            created.append(model(school=school, **row))
            continue
        for name in fields:
            setattr(result, name, row[name])
        changed.append(result)
    model.objects.bulk_update(changed, fields)
    model.objects.bulk_create(created)
    return {
        result.pupil_id: result
        for result in model.objects.filter(
            school=school, pupil_id__in=[r["pupil_id"] for r in rows]
        )
    }


def replace_qualifications(
    school: School, results: dict[int, Ks4Result], rows: list[uploads.Ks4Row]
) -> None:
    """A pupil's qualifications are those of the latest file (none after an elements file)."""
    if not results:
        return
    Ks4Qualification.objects.filter(result__in=results.values()).delete()
    Ks4Qualification.objects.bulk_create(
        Ks4Qualification(
            school=school, result=results[row.pupil_id], subject=subject, kind=kind, points=points
        )
        for row in rows
        for subject, kind, points in row.qualifications
    )


# --- reference tables ------------------------------------------------------------------


@transaction.atomic(durable=True)
def shipped_tables_install() -> list[str]:
    """Load the DfE tables shipped with nextsteps that are not in the database yet."""
    return shipped.install_shipped_tables(apps)


@transaction.atomic(durable=True)
def reference_table_load(
    *, school: School, kind: str, year: int | None, files: dict[str, TextFile], by: Actor | None
) -> ReferenceTable:
    """Load a school's own copy of a reference table, replacing its earlier one.

    Progress 8 takes `estimates` and `sd` files; KS1–KS2 and nominal scores a `table` file,
    each in the form of the files in `progress/data/`. A bad file raises the kernel's
    `InputError` (file, line, column) and nothing is written.
    """
    year = None if kind == Kind.NOMINAL else year
    if kind == Kind.PROGRESS8:
        groups = read_p8_estimates(files["estimates"])
        national_sd = read_national_sd(files["sd"])
        columns: tuple[str, ...] = A8_COLUMNS
        file_name = f"{files['estimates']}, {files['sd']}"
    elif kind == Kind.KS1_KS2:
        groups, national_sd = read_ks1_ks2_table(files["table"])
        columns, file_name = KS2_SUBJECTS, str(files["table"])
    else:
        nominal = read_nominal(files["table"])
        file_name = str(files["table"])
    table, _ = ReferenceTable.objects.update_or_create(
        kind=kind,
        source=TableSource.UPLOAD,
        school=school,
        year=year,
        defaults={
            "file_name": file_name[:200],
            "loaded_by": acting_user(by),
            "z_limit": {},
            "pupils": None,
        },
    )
    if kind == Kind.NOMINAL:
        shipped.store_nominal(NominalScore, table, nominal)
    else:
        table.national_sd = national_sd
        table.save(update_fields=["national_sd"])
        shipped.store_groups(ReferenceGroup, table, groups, columns)
    audit_write(actor=by, action=AuditAction.PROGRESS_TABLE_LOAD, school=school, target=table)
    return table


@transaction.atomic(durable=True)
def trust_estimates_compute(
    *, school: School, year: int, bands: ReferenceTable, by: Actor | None
) -> ReferenceTable:
    """Provisional Progress 8 estimates from the KS4 cohort of every school in the trust.

    The DfE's method (kernel `population_estimates`): each group's mean Attainment 8 and
    elements, group SDs, the cap on extreme scores and the SD of pupil scores, stored as
    the trust's table for the year, which any school in the trust may then measure against.
    """
    trust = school.trust
    if trust is None:
        raise EstimatesError(gettext("%(school)s is not in a trust") % {"school": school})
    baseline = selectors.cohort_baseline("progress8", year)
    if not baseline.available:
        raise EstimatesError(baseline.rule.sentence if baseline.rule else baseline.unknown)
    records = selectors.trust_records(trust, year)
    band_table, _ = selectors.group_table(list(bands.groups.all()), A8_COLUMNS)
    population = compute.trust_estimates(records, band_table, selectors.nominal_scores(school))
    national_sd = {m: population.national_sd[m] for m in P8_MEASURES}
    if population.n < 2 or not all(math.isfinite(sd) for sd in national_sd.values()):
        raise EstimatesError(
            gettext(
                "too few pupils in %(trust)s with KS2 and %(year)s KS4 results (%(n)s) "
                "to compute estimates"
            )
            % {"trust": trust, "year": year, "n": population.n}
        )
    table, _ = ReferenceTable.objects.update_or_create(
        kind=Kind.PROGRESS8,
        source=TableSource.TRUST,
        trust=trust,
        year=year,
        defaults={
            "file_name": "",
            "national_sd": national_sd,
            "z_limit": population.z_limit,
            "pupils": population.n,
            "loaded_by": acting_user(by),
        },
    )
    shipped.store_groups(
        ReferenceGroup,
        table,
        population.table,
        A8_COLUMNS,
        floors=population.floors,
        counts=population.counts.tolist(),
    )
    audit_write(actor=by, action=AuditAction.PROGRESS_TRUST_ESTIMATES, school=school, target=table)
    return table


# --- a school's own baseline -----------------------------------------------------------


@transaction.atomic(durable=True)
def proxy_baseline_load(
    *, school: School, year: int, name: str, file_name: str, content: bytes, by: Actor | None
) -> ProxyBaseline:
    """Set a school's own Progress 8 baseline for a cohort with no KS2 baseline.

    Only for a cohort the rule table marks not available: where the DfE measure exists, an
    internal one would stand beside it. The file (`upn, score`, scores on the KS2 scale) is
    checked whole; it replaces the cohort's earlier scores. Raises `UploadErrors` or
    `BaselineError`, having written nothing.
    """
    baseline = selectors.cohort_baseline("progress8", year)
    if baseline.rule is None:
        raise BaselineError(baseline.unknown)
    if baseline.available:
        raise BaselineError(
            gettext(
                "The cohort of %(year)s has the DfE's Progress 8 from KS2: an internal "
                "baseline is only for a cohort with no KS2 baseline."
            )
            % {"year": year}
        )
    cohort = dict(
        Pupil.objects.filter(school=school, ks4_result__year=year).values_list("upn", "pk")
    )
    rules = uploads.ResultRules(
        school=school.name, pupils=cohort, ks1_points={}, writing_points={}, nominal={}
    )
    scores = uploads.parse_proxy_scores(text_file(file_name, content), rules)
    proxy, _ = ProxyBaseline.objects.update_or_create(
        school=school,
        measure=ProxyBaseline.Measure.PROGRESS8,
        year=year,
        defaults={"name": name, "file_name": file_name[:200], "loaded_by": acting_user(by)},
    )
    ProxyScore.objects.filter(baseline=proxy).delete()
    ProxyScore.objects.bulk_create(
        ProxyScore(school=school, baseline=proxy, pupil_id=pupil_id, score=score)
        for pupil_id, score in scores.items()
    )
    audit_write(
        actor=by,
        action=AuditAction.PROGRESS_PROXY_BASELINE_LOAD,
        school=school,
        target=proxy,
        after={"year": year, "name": name, "file": file_name, "pupils": len(scores)},
    )
    return proxy


@transaction.atomic(durable=True)
def proxy_baseline_remove(*, proxy: ProxyBaseline, by: Actor | None) -> None:
    """Stop using a school's own baseline: its scores go with it."""
    audit_write(
        actor=by,
        action=AuditAction.PROGRESS_PROXY_BASELINE_REMOVE,
        school=proxy.school,
        target=proxy,
        before={"year": proxy.year, "name": proxy.name},
    )
    proxy.delete()


def ks2_writing_record(
    *, school: School, pupil: Pupil, year: int, outcome: str, by: Actor | None
) -> str | None:
    """Set a pupil's KS2 writing teacher assessment from the writing app's final judgement.

    Returns None when it is recorded, else the reason it is not: a code the progress tables
    cannot read for that year (add the year's points or nominal scores first), or KS2 results
    of another year already held for the pupil (never overwritten).
    """
    codes = Ks2Codes(
        selectors.nominal_scores(school).get(year), frozenset(), selectors.writing_points()
    )
    try:
        codes.writing(outcome)
    except CellError as error:
        return gettext("%(code)s cannot be used by the progress measures for %(year)d: %(e)s") % {
            "code": outcome,
            "year": year,
            "e": error,
        }
    result = Ks2Result.objects.filter(school=school, pupil=pupil).first()
    if result is not None and result.year != year:
        return gettext("the pupil already has KS2 results of %(year)d") % {"year": result.year}
    before = {"writing": result.writing} if result is not None else None
    if result is None:
        result = Ks2Result.objects.create(school=school, pupil=pupil, year=year, writing=outcome)
    elif result.writing != outcome:
        result.writing = outcome
        result.save(update_fields=["writing"])
    audit_write(
        actor=by,
        action=AuditAction.PROGRESS_KS2_WRITING_RECORD,
        target=result,
        before=before,
        after={"writing": outcome, "year": year},
    )
    return None


# --- KS4 models and planned options ------------------------------------------------------


class Ks4ModelError(ValueError):
    """A KS4 model cannot be marked in force as asked."""


@transaction.atomic(durable=True)
def ks4_model_adopt(
    *, school: School, model_id: str, year: int, by: Actor | None
) -> Ks4ModelAdoption:
    """Mark a model (the proposed one) in force at this school from the cohort of `year`.

    The model before it then ends with the cohort of the year before. Only a model the
    models file has; a year before the first model in force is refused.
    """
    catalogue = shipped_models()
    try:
        catalogue.model(model_id)
    except KeyError as error:
        raise Ks4ModelError(str(error.args[0])) from None
    first = min(
        (m.in_force_from for m in catalogue.models if m.in_force_from is not None), default=year
    )
    if not first < year <= 2100:
        raise Ks4ModelError(
            gettext("Choose a cohort after %(first)s, the first the models file covers.")
            % {"first": first}
        )
    adoption, _ = Ks4ModelAdoption.objects.update_or_create(
        school=school,
        model_id=model_id,
        defaults={"in_force_from": year, "set_by": acting_user(by)},
    )
    audit_write(
        actor=by,
        action=AuditAction.PROGRESS_KS4_MODEL_ADOPT,
        school=school,
        target=adoption,
        after={"model": model_id, "in_force_from": year},
    )
    return adoption


@transaction.atomic(durable=True)
def ks4_model_adoption_remove(*, adoption: Ks4ModelAdoption, by: Actor | None) -> None:
    """Go back to the models file's own statuses."""
    audit_write(
        actor=by,
        action=AuditAction.PROGRESS_KS4_MODEL_ADOPTION_REMOVE,
        school=adoption.school,
        target=adoption,
        before={"model": adoption.model_id, "in_force_from": adoption.in_force_from},
    )
    adoption.delete()


@transaction.atomic(durable=True)
def planned_options_load(*, school: School, name: str, content: bytes, by: Actor | None) -> int:
    """Load pupils' planned KS4 subjects from a CSV file; each pupil in it gets the file's plan.

    Raises `UploadErrors` naming every bad cell, having written nothing. Returns how many
    pupils' plans were loaded.
    """
    on_roll = dict(
        Pupil.objects.filter(selectors.on_roll(), school=school).values_list("upn", "pk")
    )
    rules = uploads.ResultRules(
        school=school.name, pupils=on_roll, ks1_points={}, writing_points={}, nominal={}
    )
    plans = uploads.parse_options(text_file(name, content), rules, shipped_models().categories)
    PlannedOption.objects.filter(school=school, pupil_id__in=plans).delete()
    PlannedOption.objects.bulk_create(
        PlannedOption(
            school=school, pupil_id=pupil_id, subject=subject, category=category, entries=entries
        )
        for pupil_id, rows in plans.items()
        for subject, category, entries in rows
    )
    audit_write(
        actor=by,
        action=AuditAction.PROGRESS_PLANNED_OPTIONS_LOAD,
        school=school,
        target_type="progress.planned_options",
        target_label=name,
        after={"file": name, "pupils": len(plans)},
    )
    return len(plans)
