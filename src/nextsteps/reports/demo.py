"""Demo data for reports: the trust leader, earlier assessment-point snapshots for the trend
charts, Amara's reports (last term's released to her parents in two versions, this term's
a draft), this term's comments for the rest of her class, and Hollins Park's logo."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nextsteps.accounts.models import TrustMembership, User
from nextsteps.markbook.models import AssessmentPoint, Standing, StandingSnapshot
from nextsteps.people.models import Pupil
from nextsteps.reports.department_demo import build_department_demo
from nextsteps.reports.models import Report, ReportSettings, ReportVersion
from nextsteps.reports.services import report_logo_set, report_release, report_save
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_pupils

TRUST_LEADER = "trustleader"

AMARA_COMMENT = (
    "Amara has worked hard this term and is becoming a confident mathematician. She explains "
    "her reasoning clearly and helps others in her group. Her next step is to learn her "
    "times tables to 12 × 12 so that she can use them quickly in longer problems."
)
AMARA_HOME = (
    "Practise the 7 and 8 times tables for five minutes a day, and read together every evening."
)


# This term's comments for Amara's classmates, written as a class teacher would: each names
# the child, says what went well and what comes next.
CLASS_COMMENTS = (
    "{name} has had a positive term. {name} listens carefully in lessons and has grown in "
    "confidence when explaining answers to the class. Next, {name} should check written "
    "work carefully before handing it in.",
    "{name} is a kind and thoughtful member of the class who always tries hard. {name}'s "
    "reading has come on well this term. The next step is to use the times tables more "
    "quickly in longer problems.",
    "{name} has worked well this term, especially in science, asking questions that make "
    "the whole class think. {name} now needs to join handwriting consistently and take "
    "care with spelling.",
    "{name} has settled well and is making steady progress. {name} enjoys practical maths "
    "and has become more independent. Reading at home every evening will help {name} "
    "read with more expression.",
    "{name} has had a busy and successful term and has shown real resilience when work "
    "was hard. {name}'s next step is to explain methods in full sentences in maths.",
)


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    _trust_leader(primary)
    for school in (primary, secondary):
        _earlier_snapshots(school, today)
    _school_logo(primary)  # first, so the reports released below carry it
    _amara_reports(primary, today)
    _class_comments(primary, today)
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
    from nextsteps.reports.report_selectors import default_period

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


def _class_comments(school: School, today: dt.date) -> None:
    """This term's comments for everyone in Amara's class, written through the service the
    class's reports page uses (so each is audited as the teacher's)."""
    from nextsteps.reports.report_selectors import default_period

    teaching_class = Class.objects.filter(school=school, name="4 Oak").first()
    teacher = User.objects.filter(username="teacher").first()
    if teaching_class is None or teacher is None:
        return
    period = default_period(today)
    pupils = class_pupils(teaching_class)
    written = set(
        Report.objects.filter(pupil__in=pupils, period=period).values_list("pupil_id", flat=True)
    )
    for n, pupil in enumerate(pupils):
        if pupil.pk in written:
            continue
        comment = CLASS_COMMENTS[n % len(CLASS_COMMENTS)].format(name=pupil.forename)
        report_save(pupil=pupil, period=period, comment=comment, home_help="", by=teacher)


def demo_logo_png() -> bytes:
    """Hollins Park's logo for the demo: an oak-green shield with a gold acorn and the
    school's initials, drawn here so the demo needs no picture file."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (240, 240), "white")
    draw = ImageDraw.Draw(picture)
    draw.polygon([(30, 20), (210, 20), (210, 130), (120, 225), (30, 130)], fill="#1b5e20")
    draw.ellipse((85, 70, 155, 150), fill="#f2c14e")  # the acorn
    draw.rectangle((82, 58, 158, 86), fill="#8d6e28")  # its cup
    draw.rectangle((116, 40, 124, 60), fill="#8d6e28")  # its stalk
    draw.text((120, 185), "HP", fill="white", anchor="mm", font_size=34)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _school_logo(school: School) -> None:
    if ReportSettings.objects.filter(school=school).exclude(logo="").exists():
        return
    admin = User.objects.filter(username="primaryhead").first()
    upload = SimpleUploadedFile("hollins-park-logo.png", demo_logo_png(), "image/png")
    report_logo_set(school=school, file=upload, by=admin)
