"""Import a Common Transfer File: pupils, FSM and SEN history, key stage results.

Pupils are matched by UPN, so a re-import updates rather than duplicates; a pupil whose UPN
names someone else (`people.identity`) is a conflict, never applied, and the rest is applied only
when the person chooses to (`skip_conflicts`). KS1 and KS2 results also fill the progress
measures' prior attainment (`Ks1Result`, `Ks2Result`); phonics screening check marks and
multiplication tables check scores are recorded through the statutory app's services (source
"CTF"); every result is kept as sent in `KeyStageResult`. Which StageAssessment codes are which
check is data (`data/ctf_versions.yaml`). All or nothing, every problem named first; read,
matched, then written in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.interop.kernels.ctf import CtfFile, CtfPupil, parse_ctf
from nextsteps.interop.kernels.ctf_rules import ctf_rules
from nextsteps.interop.models import CharacteristicPeriod, ImportRun, KeyStageResult
from nextsteps.people.kernels.identity import IdentityReport, Outcome, pupil_match
from nextsteps.people.kernels.problems import (
    IdentityConflicts,
    ImportProblems,
    Problem,
    ProblemList,
)
from nextsteps.people.models import Pupil
from nextsteps.people.selectors import pupil_records_by_upn
from nextsteps.people.services import pupils_import_write
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import School

# (stage, subject, method) → field of the progress app's prior attainment rows
PRIOR_ATTAINMENT = {
    ("KS2", "REA", "TT"): "reading",
    ("KS2", "MAT", "TT"): "maths",
    ("KS2", "WRI", "TA"): "writing",
    ("KS1", "REA", "TA"): "reading",
    ("KS1", "WRI", "TA"): "writing",
    ("KS1", "MAT", "TA"): "maths",
}
SEN_CODES = {"N": "N", "K": "K", "E": "E", "S": "E", "A": "K", "P": "K"}


@dataclass
class CtfSummary:
    dry_run: bool
    school: str = ""
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    identity: IdentityReport = field(default_factory=IdentityReport)

    def lines(self) -> list[str]:
        head = "Dry run: nothing was written. " if self.dry_run else ""
        parts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return [f"{head}Common Transfer File into {self.school}: {parts or 'no changes'}."]

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "counts": dict(self.counts), **self.identity.as_dict()}


@dataclass
class CtfPlan:
    """The file's pupils matched to this school's, before anything is written."""

    new: list[CtfPupil] = field(default_factory=list)
    new_fields: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    pupil_ids: dict[str, int] = field(default_factory=dict)  # UPN → id, of those applied


class _DryRun(Exception):
    pass


def _destination(
    ctf: CtfFile, school: School | None, filename: str, problems: ProblemList
) -> School | None:
    if school is not None:
        return school
    found = School.objects.filter(la_code=ctf.dest_la, estab=ctf.dest_estab).first()
    if found is None:
        problems.add(
            filename,
            0,
            "DestSchool",
            gettext("no school here is %(dest_la)s/%(dest_estab)s; name the school to import into")
            % {"dest_la": ctf.dest_la, "dest_estab": ctf.dest_estab},
        )
    return found


def ctf_import(
    *,
    data: bytes,
    filename: str,
    school: School | None,
    by: Actor | None,
    dry_run: bool = False,
    skip_conflicts: bool = False,
) -> CtfSummary:
    """Import a CTF; ImportProblems lists every problem and nothing is written.

    Pupils in conflict with the pupil their UPN names are never applied; unless this is a dry
    run or `skip_conflicts` is given, they stop the import (IdentityConflicts).
    """
    problems = ProblemList()
    ctf = parse_ctf(data, filename, problems)
    problems.raise_if_any()
    if ctf is None:  # pragma: no cover - a None file always comes with a problem
        raise ImportProblems([Problem(filename, 0, "", gettext("the file could not be read"))])
    target = _destination(ctf, school, filename, problems)
    for pupil in ctf.pupils:
        try:
            pupil.upn = upn_clean(pupil.upn)
        except UpnError as error:
            problems.add(
                filename, pupil.line, "UPN", gettext("the UPN %(error)s") % {"error": error}
            )
        for what, value in (("Surname", pupil.surname), ("Forename", pupil.forename)):
            if not value:
                problems.add(
                    filename, pupil.line, what, gettext("%(what)s is required") % {"what": what}
                )
    problems.raise_if_any()
    if target is None:  # pragma: no cover - no school always comes with a problem
        raise ImportProblems(
            [Problem(filename, 0, "DestSchool", gettext("no school to import into"))]
        )
    summary = CtfSummary(dry_run=dry_run, school=target.name)
    plan = _plan(target, ctf.pupils, filename, problems, summary)
    problems.raise_if_any()
    if summary.identity.conflicts and not (dry_run or skip_conflicts):
        raise IdentityConflicts(summary.identity.conflicts)
    try:
        with transaction.atomic():
            _write(target, ctf.pupils, plan, summary, filename)
            if dry_run:
                raise _DryRun
            ImportRun.objects.create(
                school=target,
                kind=ImportRun.Kind.CTF,
                outcome=ImportRun.Outcome.IMPORTED,
                filename=filename[:255],
                summary=summary.as_dict(),
                by=acting_user(by) if getattr(by, "pk", None) else None,
            )
            audit_write(
                actor=by,
                action=AuditAction.CTF_IMPORT,
                school=target,
                target_type="interop.importrun",
                target_label=f"CTF {filename}"[:200],
                after=summary.as_dict(),
            )
    except _DryRun:
        pass
    return summary


def _pupil_fields(data: CtfPupil) -> dict[str, Any]:
    """The pupil's fields as the file states them (absent ones are left as they are)."""
    fields: dict[str, Any] = {
        "legal_surname": data.surname[:100],
        "legal_forename": data.forename[:100],
        "preferred_surname": data.preferred_surname[:100],
        "preferred_forename": data.preferred_forename[:100],
    }
    if data.date_of_birth:
        fields["date_of_birth"] = data.date_of_birth
    if data.sex in {"M", "F"}:
        fields["gender"] = data.sex
    if data.year_group is not None:
        fields["year_group"] = data.year_group
    if data.first_language:
        fields["eal"] = data.first_language.upper() not in {"ENG", "ENB"}
    if data.fsm:
        fields["fsm"] = any(
            p.ends_on is None or p.ends_on >= timezone.localdate() for p in data.fsm
        )
    if data.sen:
        latest = max(data.sen, key=lambda p: p.starts_on)
        fields["sen_status"] = SEN_CODES.get(latest.value, "N")
    return fields


def _plan(
    school: School,
    pupils: list[CtfPupil],
    filename: str,
    problems: ProblemList,
    summary: CtfSummary,
) -> CtfPlan:
    """Match each pupil to the one their UPN names (one query), through the shared rule."""
    existing = pupil_records_by_upn(school, [p.upn for p in pupils])
    plan = CtfPlan()
    seen: dict[str, int] = {}
    for data in pupils:
        if data.upn in seen:
            problems.add(
                filename,
                data.line,
                "UPN",
                gettext("the UPN %(upn)s is also on line %(line)s")
                % {"upn": data.upn, "line": seen[data.upn]},
            )
            continue
        seen[data.upn] = data.line
        current = existing.get(data.upn)
        fields = _pupil_fields(data)
        decision = pupil_match(current, fields)
        summary.identity.record(
            decision,
            file=filename,
            line=data.line,
            upn=data.upn,
            existing=current,
            incoming=fields,
        )
        if decision.outcome is Outcome.CONFLICT:
            continue
        if current is None:
            missing = [n for n in ("date_of_birth", "year_group") if n not in fields]
            if missing:
                problems.add(
                    filename,
                    data.line,
                    "Pupil",
                    gettext("a new pupil needs %(missing)s")
                    % {"missing": " and ".join(m.replace("_", " ") for m in missing)},
                )
                continue
            fields.setdefault("gender", "X")
            plan.new.append(data)
            plan.new_fields.append(
                {"upn": data.upn, "admission_date": timezone.localdate(), **fields}
            )
            summary.counts["pupils created"] += 1
            continue
        plan.pupil_ids[data.upn] = current["id"]
        if decision.changes:
            plan.changes[current["id"]] = {c.field: c.after for c in decision.changes}
        summary.counts["pupils updated" if decision.changes else "pupils unchanged"] += 1
    return plan


def _write(
    school: School, pupils: list[CtfPupil], plan: CtfPlan, summary: CtfSummary, filename: str
) -> None:
    """The pupils, then their histories and results, each table in one pass."""
    created = pupils_import_write(school=school, new=plan.new_fields, changes=plan.changes)
    for data, pupil_id in zip(plan.new, created, strict=True):
        plan.pupil_ids[data.upn] = pupil_id
    applied = [(plan.pupil_ids[p.upn], p) for p in pupils if p.upn in plan.pupil_ids]
    _periods(school, applied, summary)
    prior = _results(school, applied, summary)
    _prior_attainment(school, prior, summary)
    _statutory_checks(school, applied, summary, filename)


def _check_year_group(pupil: Pupil, check_year: int, earlier: bool) -> int:
    """The year group a pupil took the phonics check in: from their year group now and the
    check's year (1 or 2); when that cannot tell, a second result is the Year 2 retake."""
    today = timezone.localdate()
    ends = today.year + 1 if today.month >= 9 else today.year
    then = pupil.year_group - (ends - check_year) if pupil.year_group is not None else None
    if then in {1, 2}:
        return int(then)
    return 2 if earlier else 1


def _statutory_checks(
    school: School, pupils: list[tuple[int, CtfPupil]], summary: CtfSummary, filename: str
) -> None:
    """Phonics marks and MTC scores into the statutory app (its checks apply; all or nothing)."""
    from nextsteps.statutory import services as statutory
    from nextsteps.statutory.kernels import rules as statutory_rules
    from nextsteps.statutory.models import ResultSource

    rules = ctf_rules()
    phonics_rule, mtc_rule = rules.rule("phonics"), rules.rule("mtc")
    people = Pupil.objects.in_bulk([pupil_id for pupil_id, _ in pupils])
    phonics: list[statutory.PhonicsEntry] = []
    mtc: list[statutory.MtcEntry] = []
    for pupil_id, data in pupils:
        pupil = people[pupil_id]
        years_seen: set[int] = set()
        for result in sorted(data.results, key=lambda r: r.year):
            value = result.result.strip().upper()
            mark = value if value.isdigit() else None
            code = "" if mark is not None else value
            academic_year = statutory_rules.academic_year_of_check(result.year)
            if phonics_rule.matches(result.stage, result.subject, result.method):
                year_group = _check_year_group(pupil, result.year, bool(years_seen))
                years_seen.add(result.year)
                phonics.append(
                    statutory.PhonicsEntry(
                        pupil, academic_year, year_group, mark, code, line=result.line
                    )
                )
            elif mtc_rule.matches(result.stage, result.subject, result.method):
                mtc.append(statutory.MtcEntry(pupil, academic_year, mark, code, line=result.line))
    if phonics:
        statutory.phonics_results_record(
            school=school, entries=phonics, source=ResultSource.CTF, file=filename
        )
        summary.counts["phonics results"] += len(phonics)
    if mtc:
        statutory.mtc_results_record(
            school=school, entries=mtc, source=ResultSource.CTF, file=filename
        )
        summary.counts["multiplication tables check results"] += len(mtc)


def _periods(school: School, pupils: list[tuple[int, CtfPupil]], summary: CtfSummary) -> None:
    existing = {
        (p.pupil_id, p.kind, p.starts_on): p
        for p in CharacteristicPeriod.objects.filter(
            school=school, pupil_id__in=[pupil_id for pupil_id, _ in pupils]
        )
    }
    new: list[CharacteristicPeriod] = []
    changed: dict[int, CharacteristicPeriod] = {}
    for pupil_id, data in pupils:
        for kind, periods in (
            (CharacteristicPeriod.Kind.FSM, data.fsm),
            (CharacteristicPeriod.Kind.SEN, data.sen),
        ):
            for period in periods:
                key = (pupil_id, kind, period.starts_on)
                current = existing.get(key)
                if current is None:
                    current = existing[key] = CharacteristicPeriod(
                        school=school, pupil_id=pupil_id, kind=kind, starts_on=period.starts_on
                    )
                    new.append(current)
                    summary.counts[f"{kind} periods"] += 1
                elif current.pk is not None:
                    changed[current.pk] = current
                current.ends_on, current.value = period.ends_on, period.value[:10]
    CharacteristicPeriod.objects.bulk_create(new)
    CharacteristicPeriod.objects.bulk_update(list(changed.values()), ["ends_on", "value"])


def _results(
    school: School, pupils: list[tuple[int, CtfPupil]], summary: CtfSummary
) -> dict[tuple[int, str], dict[str, Any]]:
    """Every result as sent; the prior attainment it gives, by (pupil id, key stage)."""
    existing = {
        (r.pupil_id, r.stage, r.year, r.subject, r.method, r.component): r
        for r in KeyStageResult.objects.filter(
            school=school, pupil_id__in=[pupil_id for pupil_id, _ in pupils]
        )
    }
    new: list[KeyStageResult] = []
    changed: dict[int, KeyStageResult] = {}
    prior: dict[tuple[int, str], dict[str, Any]] = defaultdict(dict)
    for pupil_id, data in pupils:
        for result in data.results:
            key = (
                pupil_id,
                result.stage,
                result.year,
                result.subject,
                result.method,
                result.component,
            )
            current = existing.get(key)
            if current is None:
                current = existing[key] = KeyStageResult(
                    school=school,
                    pupil_id=pupil_id,
                    stage=result.stage,
                    year=result.year,
                    subject=result.subject,
                    method=result.method,
                    component=result.component,
                )
                new.append(current)
                summary.counts["key stage results"] += 1
            elif current.pk is not None:
                changed[current.pk] = current
            current.locale = result.locale
            current.result_qualifier = result.qualifier
            current.result = result.result
            name = PRIOR_ATTAINMENT.get(
                (result.stage.upper(), result.subject.upper(), result.method.upper())
            )
            if name and result.result:
                prior[(pupil_id, result.stage.upper())][name] = result.result[:8]
                prior[(pupil_id, result.stage.upper())]["year"] = result.year
    KeyStageResult.objects.bulk_create(new)
    KeyStageResult.objects.bulk_update(
        list(changed.values()), ["locale", "result_qualifier", "result"]
    )
    return prior


def _prior_attainment(
    school: School, prior: dict[tuple[int, str], dict[str, Any]], summary: CtfSummary
) -> None:
    """Fill the progress measures' KS1/KS2 rows, when that app provides them."""
    try:
        from nextsteps.progress import models as progress
    except ImportError:  # pragma: no cover
        return
    for stage, model_name in (("KS1", "Ks1Result"), ("KS2", "Ks2Result")):
        model = getattr(progress, model_name, None)
        wanted = {pupil_id: values for (pupil_id, key), values in prior.items() if key == stage}
        if model is None or not wanted:
            continue
        rows = {row.pupil_id: row for row in model.objects.filter(pupil_id__in=list(wanted))}
        new, changed, names = [], [], {"school"}
        for pupil_id, values in wanted.items():
            row = rows.get(pupil_id)
            if row is None:
                row = model(pupil_id=pupil_id)
                new.append(row)
            else:
                changed.append(row)
            row.school = school
            for name, value in values.items():
                setattr(row, name, value)
                names.add(name)
            summary.counts[f"{stage} prior attainment"] += 1
        model.objects.bulk_create(new)
        model.objects.bulk_update(changed, sorted(names))


def today() -> dt.date:
    return timezone.localdate()
