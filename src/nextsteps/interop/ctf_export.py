"""Write a Common Transfer File for leavers: details, FSM and SEN history, key stage results.

The version written is the one `data/ctf_versions.yaml` names for export (CTF 25, 2025 to 2026).
Results are those kept as sent (`KeyStageResult`) with the statutory app's phonics screening
check and multiplication tables check results over them: a result recorded in nextsteps (typed
on a page or from a later file) is the one sent, under the codes the versions file gives.
"""

from __future__ import annotations

from django.utils import timezone

from nextsteps.interop.kernels.ctf import CtfFile, CtfPupil, Period, StageResult, write_ctf
from nextsteps.interop.kernels.ctf_rules import ctf_rules
from nextsteps.interop.models import CharacteristicPeriod, KeyStageResult
from nextsteps.people.models import Pupil
from nextsteps.people.upn import UpnError, upn_clean
from nextsteps.schools.models import School


def ctf_export(*, school: School, upns: list[str], destination: str = "") -> bytes:
    """A CTF for these pupils of the school; ValueError names an unknown or invalid UPN."""
    cleaned = []
    for upn in upns:
        try:
            cleaned.append(upn_clean(upn))
        except UpnError as error:
            raise ValueError(f"--pupil {upn}: {error}") from error
    pupils = {p.upn: p for p in Pupil.objects.filter(school=school, upn__in=cleaned)}
    unknown = [upn for upn in cleaned if upn not in pupils]
    if unknown:
        raise ValueError(f"no pupil in {school.name} has the UPN {', '.join(unknown)}")
    periods: dict[int, list[CharacteristicPeriod]] = {}
    for period in CharacteristicPeriod.objects.filter(pupil__in=pupils.values()):
        periods.setdefault(period.pupil_id, []).append(period)
    results: dict[int, list[StageResult]] = {}
    for r in KeyStageResult.objects.filter(pupil__in=pupils.values()):
        results.setdefault(r.pupil_id, []).append(
            StageResult(
                r.stage,
                r.locale,
                r.year,
                r.subject,
                r.method,
                r.component,
                r.result_qualifier,
                r.result,
            )
        )
    _statutory_results(list(pupils.values()), results)
    today = timezone.localdate()
    dest = destination.strip()
    ctf = CtfFile(
        source_la=school.la_code,
        source_estab=school.estab,
        source_name=school.name,
        dest_la=dest[:3],
        dest_estab=dest[3:],
        pupils=[
            _pupil(
                pupils[upn], periods.get(pupils[upn].pk, []), results.get(pupils[upn].pk, []), today
            )
            for upn in cleaned
        ],
    )
    year = today.year if today.month >= 9 else today.year - 1
    return write_ctf(ctf, school_name=school.name, academic_year=year, now=timezone.localtime())


def _statutory_results(pupils: list[Pupil], results: dict[int, list[StageResult]]) -> None:
    """The statutory checks' results, replacing any kept as sent for the same check and year."""
    from nextsteps.statutory.kernels.rules import check_year
    from nextsteps.statutory.models import MtcResult, PhonicsResult

    rules = ctf_rules()
    for rule, rows in (
        (rules.rule("phonics"), PhonicsResult.objects.filter(pupil__in=pupils)),
        (rules.rule("mtc"), MtcResult.objects.filter(pupil__in=pupils)),
    ):
        for row in rows:
            mark = row.mark if isinstance(row, PhonicsResult) else row.score
            year = check_year(row.academic_year)
            kept = results.setdefault(row.pupil_id, [])
            kept[:] = [
                r
                for r in kept
                if not (rule.matches(r.stage, r.subject, r.method) and r.year == year)
            ]
            kept.append(
                StageResult(
                    rule.stage,
                    "ENG",
                    year,
                    rule.subject,
                    rule.method,
                    "",
                    "",
                    str(mark) if mark is not None else row.not_taken,
                )
            )


def _pupil(
    pupil: Pupil, periods: list[CharacteristicPeriod], results: list[StageResult], today: object
) -> CtfPupil:
    fsm = [
        Period(p.starts_on, p.ends_on) for p in periods if p.kind == CharacteristicPeriod.Kind.FSM
    ]
    sen = [
        Period(p.starts_on, p.ends_on, p.value)
        for p in periods
        if p.kind == CharacteristicPeriod.Kind.SEN
    ]
    if pupil.fsm and not any(p.ends_on is None for p in fsm):
        fsm.append(Period(pupil.admission_date, None))
    if pupil.sen_status != "N" and not sen:
        sen.append(Period(pupil.admission_date, None, pupil.sen_status))
    return CtfPupil(
        line=0,
        upn=pupil.upn,
        surname=pupil.legal_surname,
        forename=pupil.legal_forename,
        preferred_surname=pupil.preferred_surname,
        preferred_forename=pupil.preferred_forename,
        date_of_birth=pupil.date_of_birth,
        sex=pupil.gender if pupil.gender in {"M", "F"} else "U",
        year_group=pupil.year_group,
        first_language="" if not pupil.eal else "OTH",
        fsm=sorted(fsm, key=lambda p: p.starts_on),
        sen=sorted(sen, key=lambda p: p.starts_on),
        results=sorted(results, key=lambda r: (r.stage, r.year, r.subject, r.method)),
    )
