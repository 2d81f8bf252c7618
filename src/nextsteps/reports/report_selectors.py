"""What a pupil's report says, read from the standings, targets and personal bests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nextsteps.assessments.challenge_selectors import PupilChallenge, pupil_challenges
from nextsteps.curriculum.models import Objective
from nextsteps.feedback.models import CurrentIntention, Target
from nextsteps.feedback.selectors import (
    for_pupil_scope,
    pupil_class_ids,
    pupil_group_ids,
    pupil_targets,
    recent_next_steps,
)
from nextsteps.markbook.models import Standing
from nextsteps.people.models import Pupil
from nextsteps.people.selectors import AttendanceFigure, attendance_this_year
from nextsteps.reports.kernels.documents import (
    SECTIONS,
    AttendanceLine,
    PersonalBestLine,
    ReportDocument,
    SubjectLine,
    TargetLine,
)
from nextsteps.reports.kernels.wording import achievement, next_step
from nextsteps.reports.models import Report, ReportBatch, ReportSettings, ReportVersion
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

# General ideas per subject for parents, beside the child's own next steps and the
# teacher's note on how to help at home.
HOME_IDEAS = {
    "Mathematics": gettext_lazy(
        "Count, measure and weigh together when you cook or shop; "
        "practise times tables little and often."
    ),
    "English": gettext_lazy(
        "Read together every day and talk about the story: what happened, and why."
    ),
    "Science": gettext_lazy(
        "Wonder out loud together: ask 'what would happen if…?' and try it safely."
    ),
    "History": gettext_lazy(
        "Talk about family history and visit local museums or old buildings together."
    ),
    "Geography": gettext_lazy(
        "Look at maps together, on paper or online, and plan a route you know."
    ),
    "Modern foreign languages": gettext_lazy(
        "Ask your child to teach you a few words they have learned this week."
    ),
}


def objective_words(objective: Objective) -> str:
    return objective.pupil_wording or objective.wording


# What each section of a report is called, for the school's choice and the pages.
SECTION_LABELS = {
    "attendance": gettext_lazy("Attendance"),
    "overview": gettext_lazy("Where they are: the core objectives by subject, with a chart"),
    "achievements": gettext_lazy("What the pupil can do (strengths, as achievements)"),
    "next_steps": gettext_lazy("Next steps: what they are learning next and their latest feedback"),
    "home": gettext_lazy("How to help at home"),
    "targets": gettext_lazy("Targets"),
    "personal_bests": gettext_lazy("Personal bests"),
    "comment": gettext_lazy("The teacher's comment"),
}


def report_settings_for(school: School) -> ReportSettings:
    """The school's report settings (unsaved defaults, every section shown, when it has none)."""
    found = ReportSettings.objects.filter(school=school).first()
    return found or ReportSettings(school=school)


def sections_shown(report_settings: ReportSettings) -> list[str]:
    hidden = set(report_settings.hidden_sections or [])
    return [section for section in SECTIONS if section not in hidden]


def pupil_home_ideas(pupil: Pupil, *, limit: int = 3) -> list[str]:
    """The teachers' ideas for home from the pupil's current learning intentions, in the
    order the parent's page gives them (three queries)."""
    class_ids, group_ids = pupil_class_ids(pupil), pupil_group_ids(pupil)
    notes = (
        CurrentIntention.objects.filter(for_pupil_scope(pupil, class_ids, group_ids))
        .filter(ends_on__isnull=True)
        .exclude(home_help="")
        .order_by("objective__framework__subject__name", "objective__position")
        .values_list("home_help", flat=True)
    )
    ideas: list[str] = []
    for note in notes:
        for line in note.splitlines():
            if line.strip() and line.strip() not in ideas:
                ideas.append(line.strip())
    return ideas[:limit]


@dataclass
class SubjectReport:
    subject: str
    secure: list[Objective] = field(default_factory=list)
    working: list[Objective] = field(default_factory=list)
    not_yet: list[Objective] = field(default_factory=list)
    strengths: list[Objective] = field(default_factory=list)
    next_steps: list[Objective] = field(default_factory=list)
    home_idea: str = ""

    @property
    def total(self) -> int:
        return len(self.secure) + len(self.working) + len(self.not_yet)

    @property
    def summary(self) -> str:
        """Where the pupil is, in words: never a level or a number out of a scale."""
        return _(
            "Secure in %(secure)s of the %(total)s core objectives for the year so far; "
            "working towards %(working)s; %(not_yet)s not yet started."
        ) % {
            "secure": len(self.secure),
            "total": self.total,
            "working": len(self.working),
            "not_yet": len(self.not_yet),
        }


@dataclass
class ReportData:
    pupil: Pupil
    report: Report | None
    period: str
    subjects: list[SubjectReport]
    targets: list[Target]
    personal_bests: list[PupilChallenge]
    attendance: AttendanceFigure | None = None
    settings: ReportSettings | None = None
    next_steps: list[str] = field(default_factory=list)
    home_ideas: list[str] = field(default_factory=list)


def _timestamp(moment: dt.datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def pupil_report(*, pupil: Pupil, period: str, for_parent: bool = False) -> ReportData:
    """Per subject: secure, working towards and not yet on the year's core objectives, with
    strengths and next steps; the targets (only those shared with parents, for a parent) and
    personal bests (about six queries)."""
    objectives = list(
        Objective.objects.filter(school_id=pupil.school_id, core=True, year_group=pupil.year_group)
        .select_related("framework__subject")
        .order_by("framework__subject__name", "-framework_id", "position")
    )
    # Where a subject has several frameworks (versions), the newest one is reported.
    newest: dict[int, int] = {}
    for objective in objectives:
        newest.setdefault(objective.framework.subject_id, objective.framework_id)
    objectives = [o for o in objectives if newest[o.framework.subject_id] == o.framework_id]
    standings = {
        s.objective_id: s
        for s in Standing.objects.filter(pupil=pupil, objective_id__in=[o.pk for o in objectives])
    }
    subjects: dict[str, SubjectReport] = {}
    last_seen: dict[int, dt.datetime | None] = {}
    for objective in objectives:
        name = objective.framework.subject.name
        entry = subjects.setdefault(
            name, SubjectReport(subject=name, home_idea=str(HOME_IDEAS.get(name, "")))
        )
        standing = standings.get(objective.pk)
        if standing is not None and standing.mastered:
            entry.secure.append(objective)
            last_seen[objective.pk] = standing.last_evidence_at
        elif standing is not None and standing.evidence_count:
            entry.working.append(objective)
        else:
            entry.not_yet.append(objective)
    for entry in subjects.values():
        entry.strengths = sorted(
            entry.secure, key=lambda o: _timestamp(last_seen.get(o.pk)), reverse=True
        )[:3]
        entry.next_steps = (entry.working + entry.not_yet)[:3]
    report = Report.objects.filter(pupil=pupil, period=period).first()
    targets = pupil_targets(pupil, shared_only=for_parent)
    return ReportData(
        pupil=pupil,
        report=report,
        period=period,
        subjects=list(subjects.values()),
        targets=targets,
        personal_bests=pupil_challenges(pupil),
        attendance=attendance_this_year(pupil),
        settings=report_settings_for(pupil.school),
        # A report is written for parents: only the next steps released to them.
        next_steps=recent_next_steps(pupil, limit=3, released_only=True),
        home_ideas=pupil_home_ideas(pupil),
    )


def report_document(data: ReportData) -> ReportDocument:
    """The live report as the plain document the page and the PDF render (and a release
    stores): every figure and word resolved to text, nothing left to read later. A section
    the school leaves out is not in the document at all, so a released report never holds
    what the school chose not to give."""
    report = data.report
    settings = data.settings or report_settings_for(data.pupil.school)
    shown = set(sections_shown(settings))
    forename = data.pupil.forename
    return ReportDocument(
        pupil_id=data.pupil.pk,
        pupil_name=data.pupil.name,
        school_name=data.pupil.school.name,
        year_group=data.pupil.year_group,
        year_label=year_label(data.pupil.year_group),
        period=data.period,
        subjects=[_subject_line(s, forename, shown) for s in data.subjects],
        targets=[
            TargetLine(wording=t.wording, status=str(t.get_status_display()), due_on=t.due_on)
            for t in data.targets
        ]
        if "targets" in shown
        else [],
        personal_bests=[
            PersonalBestLine(
                challenge=c.challenge.name,
                score=c.best.score,
                max_score=c.challenge.max_score,
                new_bests=c.new_bests,
            )
            for c in data.personal_bests
        ]
        if "personal_bests" in shown
        else [],
        comment=report.comment if report and "comment" in shown else "",
        home_help=report.home_help if report and "home" in shown else "",
        attendance=_attendance_line(data.attendance) if "attendance" in shown else None,
        pupil_forename=forename,
        sections=[section for section in SECTIONS if section in shown],
        logo=(settings.logo.name or "") if settings.logo else "",
        next_steps=list(data.next_steps) if "next_steps" in shown else [],
        home_ideas=list(data.home_ideas) if "home" in shown else [],
    )


def _subject_line(entry: SubjectReport, forename: str, shown: set[str]) -> SubjectLine:
    """One subject as the report gives it: its counts, what the pupil can do (achievements
    from the objectives secure) and what they are learning next, in the school's sections."""
    return SubjectLine(
        subject=entry.subject,
        secure=len(entry.secure),
        working=len(entry.working),
        not_yet=len(entry.not_yet),
        summary=entry.summary,
        strengths=[achievement(forename, o.wording) for o in entry.strengths]
        if "achievements" in shown
        else [],
        next_steps=[next_step(forename, o.wording) for o in entry.next_steps]
        if "next_steps" in shown
        else [],
        home_idea=entry.home_idea if "home" in shown else "",
    )


def _attendance_line(figure: AttendanceFigure | None) -> AttendanceLine | None:
    if figure is None:
        return None
    return AttendanceLine(
        text=figure.text,
        attended=figure.attended,
        possible=figure.possible,
        as_of=figure.as_of,
        persistent=figure.persistent,
    )


def draft_document(*, pupil: Pupil, period: str, for_parent: bool = False) -> ReportDocument:
    """The report as it would read if released now, from today's standings and words."""
    return report_document(pupil_report(pupil=pupil, period=period, for_parent=for_parent))


def draft_report(pupil: Pupil, period: str) -> Report | None:
    """The teacher's words for the pupil's next release (None: nothing written yet)."""
    return Report.objects.filter(pupil=pupil, period=period).first()


def report_versions(pupil: Pupil, period: str) -> list[ReportVersion]:
    """Every released version of the pupil's report for the period, oldest first."""
    return list(
        ReportVersion.objects.filter(report__pupil=pupil, report__period=period)
        .select_related("released_by")
        .order_by("number")
    )


def latest_versions(pupil_ids: list[int], period: str) -> dict[int, ReportVersion]:
    """Each pupil's latest released version for the period (one query)."""
    latest: dict[int, ReportVersion] = {}
    for version in ReportVersion.objects.filter(
        report__pupil_id__in=pupil_ids, report__period=period
    ).select_related("report"):
        kept = latest.get(version.report.pupil_id)
        if kept is None or version.number > kept.number:
            latest[version.report.pupil_id] = version
    return latest


def version_document(version: ReportVersion) -> ReportDocument:
    return ReportDocument.from_json(version.content)


def default_period(today: dt.date | None = None) -> str:
    """The current term's name: Autumn (Sep–Dec), Spring (Jan–Mar), Summer (Apr–Aug)."""
    today = today or timezone.localdate()
    if today.month >= 9:
        return _("Autumn term %(year)s") % {"year": today.year}
    if today.month <= 3:
        return _("Spring term %(year)s") % {"year": today.year}
    return _("Summer term %(year)s") % {"year": today.year}


def year_label(year_group: int) -> str:
    return _("Reception") if year_group == 0 else _("Year %(n)s") % {"n": year_group}


def year_group_pupils(
    *, school: School, year_group: int, today: dt.date | None = None
) -> list[Pupil]:
    """Everyone on roll in the year group, by surname (one query)."""
    today = today or timezone.localdate()
    return list(
        Pupil.objects.filter(school=school, year_group=year_group)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .order_by("legal_surname", "legal_forename")
    )


def status_by_pupil(pupil_ids: list[int], period: str) -> dict[int, Report]:
    """Each pupil's report for the period, with `version_count` released versions (one query)."""
    return {
        r.pupil_id: r
        for r in Report.objects.filter(pupil_id__in=pupil_ids, period=period).annotate(
            version_count=Count("versions")
        )
    }


def released_reports(pupil: Pupil) -> list[Report]:
    return list(
        Report.objects.filter(pupil=pupil, released_at__isnull=False).order_by("-released_at")
    )


def class_batches(school: School, teaching_class: Class, *, limit: int = 5) -> list[ReportBatch]:
    """The class's latest batches of PDFs, newest first."""
    return list(ReportBatch.objects.filter(school=school, teaching_class=teaching_class)[:limit])


def year_batches(school: School, year_group: int, *, limit: int = 5) -> list[ReportBatch]:
    """The year group's latest batches of PDFs (not those of its classes), newest first."""
    return list(
        ReportBatch.objects.filter(
            school=school, teaching_class__isnull=True, year_group=year_group
        )[:limit]
    )


def year_groups_of(pupils: QuerySet[Pupil]) -> list[int]:
    """The year groups these pupils are in, youngest first."""
    return sorted(set(pupils.values_list("year_group", flat=True)))
