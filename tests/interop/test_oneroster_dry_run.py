"""A OneRoster dry run reports from the plan alone: it writes nothing (but its own log) and
counts exactly what the import then does."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from nextsteps.audit.models import AuditEvent
from nextsteps.interop.kernels.oneroster import OneRosterSet
from nextsteps.interop.kernels.roster import ImportSummary
from nextsteps.interop.models import ImportRun
from nextsteps.interop.oneroster_import import oneroster_import
from nextsteps.interop.sample import oneroster_sample
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from tests.interop.conftest import SAMPLE_URN

TODAY = dt.date(2026, 10, 1)
LOG_TABLES = (ImportRun._meta.db_table, AuditEvent._meta.db_table)


def dry_then_real(files: dict[str, bytes]) -> tuple[ImportSummary, list[str], ImportSummary]:
    """The dry run's summary and the writes it sent, then the real import's summary."""
    with CaptureQueriesContext(connection) as queries:
        dry = oneroster_import(
            source=OneRosterSet.from_files(files), by=None, dry_run=True, today=TODAY
        )
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and not any(table in q["sql"] for table in LOG_TABLES)
    ]
    real = oneroster_import(source=OneRosterSet.from_files(files), by=None, today=TODAY)
    return dry, writes, real


def counts(summary: ImportSummary) -> dict[str, dict[str, int]]:
    return {kind: c.as_dict() for kind, c in summary.counts.items()}


def test_a_first_dry_run_writes_nothing_and_counts_what_the_import_does(
    empty_school: School,
) -> None:
    dry, writes, real = dry_then_real(oneroster_sample(urn=SAMPLE_URN))
    assert writes == []
    assert counts(dry) == counts(real)
    assert dry.lines()[1:] == real.lines()[1:]  # the same report, but its first words
    assert dry.lines()[0].startswith("Dry run: nothing was written.")


def test_a_dry_run_of_a_smaller_set_counts_the_leavers_and_ended_places(
    empty_school: School,
) -> None:
    oneroster_import(
        source=OneRosterSet.from_files(oneroster_sample(urn=SAMPLE_URN, pupils=10)),
        by=None,
        today=TODAY,
    )
    dry, writes, real = dry_then_real(oneroster_sample(urn=SAMPLE_URN, pupils=9))
    assert writes == []
    assert counts(dry) == counts(real)
    assert real.counts["pupils"].ended == 1 and real.counts["enrolments"].ended > 0


def test_a_dry_run_that_would_make_a_school_makes_none(db: None) -> None:
    dry, writes, real = dry_then_real(oneroster_sample(urn=SAMPLE_URN))
    assert writes == []
    assert counts(dry) == counts(real)
    assert dry.notes == real.notes  # the school it would make is named
    assert Pupil.objects.filter(school__urn=SAMPLE_URN).count() == 60  # the real import's
    assert not ImportRun.objects.filter(outcome=ImportRun.Outcome.DRY_RUN).exists()
