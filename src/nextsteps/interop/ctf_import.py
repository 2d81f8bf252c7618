"""Import a Common Transfer File: pupils, FSM and SEN history, key stage results.

Pupils are matched by UPN, so a re-import updates rather than duplicates. KS1 and KS2 results
also fill the progress measures' prior attainment (`Ks1Result`, `Ks2Result`); every result is
kept as sent in `KeyStageResult`. All or nothing, every problem named first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from nextsteps.audit.services import audit_write
from nextsteps.interop.ctf import CtfFile, CtfPupil, parse_ctf
from nextsteps.interop.models import CharacteristicPeriod, ImportRun, KeyStageResult
from nextsteps.interop.problems import ImportProblems, Problem, ProblemList
from nextsteps.people.models import Pupil
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

    def lines(self) -> list[str]:
        head = "Dry run: nothing was written. " if self.dry_run else ""
        parts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return [f"{head}Common Transfer File into {self.school}: {parts or 'no changes'}."]

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "counts": dict(self.counts)}


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
    *, data: bytes, filename: str, school: School | None, by: Any, dry_run: bool = False
) -> CtfSummary:
    """Import a CTF; ImportProblems lists every problem and nothing is written."""
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
    try:
        with transaction.atomic():
            for pupil in ctf.pupils:
                _import_pupil(target, pupil, filename, problems, summary)
            problems.raise_if_any()
            if dry_run:
                raise _DryRun
            ImportRun.objects.create(
                school=target,
                kind=ImportRun.Kind.CTF,
                outcome=ImportRun.Outcome.IMPORTED,
                filename=filename[:255],
                summary=summary.as_dict(),
                by=by if getattr(by, "pk", None) else None,
            )
            audit_write(
                actor=by,
                action="ctf.import",
                school=target,
                target_type="interop.importrun",
                target_label=f"CTF {filename}"[:200],
                after=summary.as_dict(),
            )
    except _DryRun:
        pass
    return summary


def _import_pupil(
    school: School, data: CtfPupil, filename: str, problems: ProblemList, summary: CtfSummary
) -> None:
    pupil = Pupil.objects.filter(school=school, upn=data.upn).first()
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
    if pupil is None:
        missing = [n for n in ("date_of_birth", "year_group") if n not in fields]
        if missing:
            problems.add(
                filename,
                data.line,
                "Pupil",
                gettext("a new pupil needs %(missing)s")
                % {"missing": " and ".join(m.replace("_", " ") for m in missing)},
            )
            return
        fields.setdefault("gender", "X")
        pupil = Pupil.objects.create(
            school=school, upn=data.upn, admission_date=timezone.localdate(), **fields
        )
        summary.counts["pupils created"] += 1
    else:
        changed = {k: v for k, v in fields.items() if getattr(pupil, k) != v}
        for name, value in changed.items():
            setattr(pupil, name, value)
        if changed:
            pupil.save(update_fields=sorted(changed))
        summary.counts["pupils updated" if changed else "pupils unchanged"] += 1
    _periods(school, pupil, data, summary)
    _results(school, pupil, data, summary)


def _periods(school: School, pupil: Pupil, data: CtfPupil, summary: CtfSummary) -> None:
    for kind, periods in (
        (CharacteristicPeriod.Kind.FSM, data.fsm),
        (CharacteristicPeriod.Kind.SEN, data.sen),
    ):
        for period in periods:
            _, created = CharacteristicPeriod.objects.update_or_create(
                school=school,
                pupil=pupil,
                kind=kind,
                starts_on=period.starts_on,
                defaults={"ends_on": period.ends_on, "value": period.value[:10]},
            )
            if created:
                summary.counts[f"{kind} periods"] += 1


def _results(school: School, pupil: Pupil, data: CtfPupil, summary: CtfSummary) -> None:
    prior: dict[str, dict[str, Any]] = defaultdict(dict)
    for result in data.results:
        _, created = KeyStageResult.objects.update_or_create(
            school=school,
            pupil=pupil,
            stage=result.stage,
            year=result.year,
            subject=result.subject,
            method=result.method,
            component=result.component,
            defaults={
                "locale": result.locale,
                "result_qualifier": result.qualifier,
                "result": result.result,
            },
        )
        if created:
            summary.counts["key stage results"] += 1
        name = PRIOR_ATTAINMENT.get(
            (result.stage.upper(), result.subject.upper(), result.method.upper())
        )
        if name and result.result:
            prior[result.stage.upper()][name] = result.result[:8]
            prior[result.stage.upper()]["year"] = result.year
    _prior_attainment(school, pupil, prior, summary)


def _prior_attainment(
    school: School, pupil: Pupil, prior: dict[str, dict[str, Any]], summary: CtfSummary
) -> None:
    """Fill the progress measures' KS1/KS2 rows, when that app provides them."""
    try:
        from nextsteps.progress import models as progress
    except ImportError:  # pragma: no cover
        return
    for stage, model_name in (("KS1", "Ks1Result"), ("KS2", "Ks2Result")):
        model = getattr(progress, model_name, None)
        if model is None or stage not in prior:
            continue
        values = dict(prior[stage])
        year = values.pop("year")
        model.objects.update_or_create(
            pupil=pupil, defaults={"school": school, "year": year, **values}
        )
        summary.counts[f"{stage} prior attainment"] += 1


def today() -> dt.date:
    return timezone.localdate()
