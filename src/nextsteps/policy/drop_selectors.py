"""Reads for data drops: the assessment points actually scheduled in the calendar, for each
department and for the whole school, checked against the policy's rules (`drops.py`).

A department's drops are the points it schedules for itself; the school's are the points
scheduled for the whole school. The year is the school's academic year holding the date
(1 September to 31 August where the school has not recorded its year).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nextsteps.markbook.models import AssessmentPoint
from nextsteps.policy.kernels import drops
from nextsteps.policy.models import KeyQuestion, PolicySettings, ResponseVersion, Structure
from nextsteps.policy.selectors import settings_for
from nextsteps.schools.models import AcademicYear, Department, School


@dataclass(frozen=True)
class SchoolYear:
    name: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def start(self) -> int:
        return self.starts_on.year


@dataclass(frozen=True)
class Limits:
    """The rule in force for a year, with the school's own limit where its policy sets one."""

    rule: drops.DropRule
    limit: int
    schools_own: bool


@dataclass
class Drops:
    """One department's (or the whole school's) drops in a year, with the warnings."""

    label: str
    department: Department | None
    year: SchoolYear
    points: list[tuple[str, dt.date]] = field(default_factory=list)
    limits: Limits | None = None
    check: drops.DropCheck | None = None
    no_rule: str = ""

    @property
    def warnings(self) -> list[str]:
        if self.check is None or self.limits is None:
            return []
        return warning_sentences(self.check, self.limits, self.year.name)

    @property
    def count(self) -> int:
        return len(self.check.dates) if self.check else len({d for _n, d in self.points})


def school_year(school: School, on: dt.date) -> SchoolYear:
    """The school's academic year holding the date, in one query."""
    year = AcademicYear.objects.filter(school=school, starts_on__lte=on, ends_on__gte=on).first()
    if year is not None:
        return SchoolYear(year.name, year.starts_on, year.ends_on)
    start = on.year if on.month >= 9 else on.year - 1
    return SchoolYear(drops.year_name(start), dt.date(start, 9, 1), dt.date(start + 1, 8, 31))


def limits_for(settings: PolicySettings, year: SchoolYear) -> Limits:
    """The rule for the year; raises `drops.NoDropRule` naming a year with none."""
    rule = drops.rule_for(year.start)
    own = settings.data_drops_limit
    return Limits(rule=rule, limit=own or rule.max_drops_a_year, schools_own=bool(own))


def _checked(item: Drops, settings: PolicySettings) -> Drops:
    try:
        item.limits = limits_for(settings, item.year)
    except drops.NoDropRule as error:
        item.no_rule = str(error)
        return item
    item.check = drops.check_drops(
        (d for _n, d in item.points),
        limit=item.limits.limit,
        min_days_apart=item.limits.rule.min_days_apart,
    )
    return item


def calendar_drops(
    school: School,
    departments: list[Department],
    on: dt.date,
    *,
    whole_school: bool,
    settings: PolicySettings | None = None,
) -> tuple[list[Drops], Drops | None]:
    """Each department's drops this year, and the whole school's (for those who see it), from
    the calendar in one query."""
    settings = settings or settings_for(school)
    year = school_year(school, on)
    scope = Q(department__in=departments)
    if whole_school:
        scope |= Q(department__isnull=True)
    by_department: dict[int | None, list[tuple[str, dt.date]]] = defaultdict(list)
    for department_id, name, date in (
        AssessmentPoint.objects.filter(
            scope, school=school, date__gte=year.starts_on, date__lte=year.ends_on
        )
        .order_by("date", "name")
        .values_list("department_id", "name", "date")
    ):
        by_department[department_id].append((name, date))
    rows = [
        _checked(Drops(d.name, d, year, by_department.get(d.pk, [])), settings) for d in departments
    ]
    school_row = None
    if whole_school:
        school_row = _checked(Drops(_("Whole school"), None, year, by_department[None]), settings)
    return rows, school_row


def drops_if_added(
    school: School, department: Department | None, name: str, date: dt.date
) -> tuple[Drops, list[str]]:
    """The year's drops with a new point added, and the warnings the new point brings."""
    year = school_year(school, date)
    points = list(
        AssessmentPoint.objects.filter(
            school=school,
            department=department,
            date__gte=year.starts_on,
            date__lte=year.ends_on,
        ).values_list("name", "date")
    )
    label = department.name if department else _("Whole school")
    item = _checked(Drops(label, department, year, [*points, (name, date)]), settings_for(school))
    if item.check is None or item.limits is None:
        return item, [item.no_rule]
    new = drops.DropCheck(
        dates=item.check.dates,
        too_close=tuple(p for p in item.check.too_close if date in (p.first, p.second)),
        over_limit=item.check.over_limit,
    )
    return item, warning_sentences(new, item.limits, year.name)


def planned_warnings(dates: list[dt.date], settings: PolicySettings) -> list[str]:
    """The warnings for a department's planned dates (an answer, not yet the calendar), a
    year at a time, each year from 1 September."""
    found: list[str] = []
    years: dict[int, list[dt.date]] = defaultdict(list)
    for date in dates:
        years[date.year if date.month >= 9 else date.year - 1].append(date)
    for start, in_year in sorted(years.items()):
        year = SchoolYear(drops.year_name(start), dt.date(start, 9, 1), dt.date(start + 1, 8, 31))
        try:
            limits = limits_for(settings, year)
        except drops.NoDropRule as error:
            found.append(str(error))
            continue
        check = drops.check_drops(
            in_year, limit=limits.limit, min_days_apart=limits.rule.min_days_apart
        )
        found += warning_sentences(check, limits, year.name)
    return found


def answer_warnings(
    school: School, question: KeyQuestion, version: ResponseVersion | None
) -> list[str]:
    """The data-drop warnings for the points a saved answer on data collection plans."""
    if question.structure != Structure.COLLECTION or version is None:
        return []
    points = version.structured.get("points", [])
    dates = [dt.date.fromisoformat(p["date"]) for p in points]
    return planned_warnings(dates, settings_for(school))


def _day(date: dt.date) -> str:
    return date_format(date, "j M Y")


def _dates(dates: tuple[dt.date, ...]) -> str:
    return ", ".join(_day(d) for d in dates)


def warning_sentences(check: drops.DropCheck, limits: Limits, year: str) -> list[str]:
    """The warnings in words, each naming the dates and the rule."""
    found = [
        ngettext(
            "Two drops within a fortnight: %(first)s and %(second)s are %(days)d day apart; "
            "the policy asks for at least %(gap)d days between drops.",
            "Two drops within a fortnight: %(first)s and %(second)s are %(days)d days apart; "
            "the policy asks for at least %(gap)d days between drops.",
            pair.days,
        )
        % {
            "first": _day(pair.first),
            "second": _day(pair.second),
            "days": pair.days,
            "gap": limits.rule.min_days_apart,
        }
        for pair in check.too_close
    ]
    if check.over_limit is not None:
        found.append(
            _("%(n)d drops in %(year)s (%(dates)s): over the limit of %(limit)d a year%(whose)s.")
            % {
                "n": len(check.over_limit.dates),
                "year": year,
                "dates": _dates(check.over_limit.dates),
                "limit": limits.limit,
                "whose": _(" set by the school's policy")
                if limits.schools_own
                else _(", after “Making data work”"),
            }
        )
    return found
