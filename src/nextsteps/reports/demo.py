"""Demo data for reports: the trust leader, earlier assessment-point snapshots for the trend
charts, and Amara's reports (last term's released to her parents in two versions, this term's
a draft)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from nextsteps.accounts.models import TrustMembership, User
from nextsteps.markbook.models import AssessmentPoint, Standing, StandingSnapshot
from nextsteps.people.models import Pupil
from nextsteps.reports.department_demo import build_department_demo
from nextsteps.reports.models import Report, ReportVersion
from nextsteps.reports.services import report_release, report_save
from nextsteps.schools.models import School

TRUST_LEADER = "trustleader"

AMARA_COMMENT = (
    "Amara has worked hard this term and is becoming a confident mathematician. She explains "
    "her reasoning clearly and helps others in her group. Her next step is to learn her "
    "times tables to 12 × 12 so that she can use them quickly in longer problems."
)
AMARA_HOME = (
    "Practise the 7 and 8 times tables for five minutes a day, and read together every evening."
)


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    _trust_leader(primary)
    for school in (primary, secondary):
        _earlier_snapshots(school, today)
    _amara_reports(primary, today)
    build_department_demo(secondary=secondary, today=today)


def _trust_leader(school: School) -> None:
    user, created = User.objects.get_or_create(
        username=TRUST_LEADER, defaults={"first_name": "Dr", "last_name": "Mensah"}
    )
    if created:
        user.set_password(settings.NEXTSTEPS_DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if school.trust_id is not None:
        TrustMembership.objects.get_or_create(user=user, trust_id=school.trust_id)


def _earlier_snapshots(school: School, today: dt.date) -> None:
    """Two points earlier this year, snapshotted as the demo's evidence stood then: a cell
    counts as secure at a point only if its evidence was already in by that date."""
    start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for name, date in (
        ("Start of year baseline", start + dt.timedelta(days=14)),
        ("Half-term check", today - dt.timedelta(days=21)),
    ):
        if date >= today:
            continue
        point, _created = AssessmentPoint.objects.get_or_create(
            school=school, name=name, department=None, defaults={"date": date}
        )
        if point.locked_at is not None:
            continue
        moment = timezone.make_aware(dt.datetime.combine(date, dt.time(17)))
        rows = [
            StandingSnapshot(
                school=school,
                point=point,
                pupil_id=s.pupil_id,
                objective_id=s.objective_id,
                value=s.value,
                level_id=s.level_id,
                mastered=bool(s.mastered and s.last_evidence_at and s.last_evidence_at <= moment),
                evidence_count=s.evidence_count,
            )
            for s in Standing.objects.filter(school=school, last_evidence_at__lte=moment).iterator(
                chunk_size=5000
            )
        ]
        StandingSnapshot.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        point.locked_at = moment
        point.save(update_fields=["locked_at"])


def _amara_reports(school: School, today: dt.date) -> None:
    """Last term's report released to Amara's parents and then corrected (two versions, both
    kept), made through the same services as the pages; this term's is a draft."""
    from nextsteps.reports.report_views import default_period

    amara = Pupil.objects.filter(school=school, user__username="pupil").first()
    if amara is None:
        return
    earlier = default_period(today - dt.timedelta(days=120))
    current = default_period(today)
    head = User.objects.filter(username="primaryhead").first()
    teacher = User.objects.filter(username="teacher").first()
    released = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=60), dt.time(16)))
    if (
        earlier != current
        and not ReportVersion.objects.filter(report__pupil=amara, report__period=earlier).exists()
    ):
        report_save(
            pupil=amara,
            period=earlier,
            comment="Amara has settled well into Year 4 and enjoys reading aloud.",
            home_help="Keep reading together and ask Amara what she has learned.",
            by=teacher,
        )
        report_release(pupil=amara, period=earlier, by=head, at=released)
        report_save(
            pupil=amara,
            period=earlier,
            comment="Amara has settled well into Year 4 and enjoys reading aloud to the class.",
            home_help="Keep reading together and ask Amara what she has learned.",
            by=teacher,
        )
        report_release(pupil=amara, period=earlier, by=head, at=released + dt.timedelta(days=2))
    if not Report.objects.filter(pupil=amara, period=current).exists():
        report_save(
            pupil=amara, period=current, comment=AMARA_COMMENT, home_help=AMARA_HOME, by=teacher
        )
