"""What the data pages read: earlier imports, the school's pupils and tests, known orgs."""

from __future__ import annotations

from collections.abc import Sequence

from nextsteps.assessments.models import Assessment, Question
from nextsteps.interop.models import ImportRun, SourcedId
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School


def known_org_sourced_ids() -> set[str]:
    """The sourcedIds of every org an earlier OneRoster import mapped to a school."""
    return set(
        SourcedId.objects.filter(kind=SourcedId.Kind.ORG).values_list("sourced_id", flat=True)
    )


def recent_runs(school: School, limit: int = 15) -> list[ImportRun]:
    """The school's latest imports and exports, newest first, with who ran them."""
    return list(ImportRun.objects.filter(school=school).select_related("by")[:limit])


def last_wonde_sync(school: School) -> ImportRun | None:
    return (
        ImportRun.objects.filter(school=school, kind=ImportRun.Kind.WONDE)
        .select_related("by")
        .first()
    )


def pupils_on_roll(school: School, limit: int = 500) -> list[Pupil]:
    """Pupils who have not left, by legal name (those a transfer file can be made for)."""
    return list(
        Pupil.objects.filter(school=school, leaving_date__isnull=True).order_by(
            "legal_surname", "legal_forename"
        )[:limit]
    )


def pupil_upns(school: School, ids: Sequence[int]) -> list[str]:
    """The UPNs of the school's pupils among `ids`."""
    return list(Pupil.objects.filter(school=school, pk__in=ids).values_list("upn", flat=True))


def recent_tests(school: School, limit: int = 300) -> list[Assessment]:
    """The school's tests, latest first (those a marks sheet can be for)."""
    return list(Assessment.objects.filter(school=school).order_by("-taken_on", "name")[:limit])


def questions_of(assessment: Assessment) -> list[Question]:
    return list(assessment.questions.order_by("position"))
