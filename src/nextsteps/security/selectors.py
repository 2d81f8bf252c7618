"""Reads for security and data protection: who is due for erasure under a school's rules."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps.accounts.models import STAFF_ROLES, Actor, Membership
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.security.kernels.sign_in_throttle import Attempt, Failure, Rules, wait_before
from nextsteps.security.models import SchoolSecurity, SignInFailure, security_for


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class RetentionPlan:
    school: School
    months: int
    left_on_or_before: dt.date
    due: list[Pupil]


def leavers_due(school: School, today: dt.date) -> QuerySet[Pupil]:
    """Pupils of the school whose leaving date is further back than the school keeps data."""
    months = security_for(school).leaver_retention_months
    return Pupil.objects.filter(
        school=school,
        leaving_date__isnull=False,
        leaving_date__lte=months_before(today, months),
    ).order_by("leaving_date", "legal_surname", "legal_forename", "pk")


def retention_plan(school: School, today: dt.date) -> RetentionPlan:
    months = security_for(school).leaver_retention_months
    return RetentionPlan(
        school=school,
        months=months,
        left_on_or_before=months_before(today, months),
        due=list(leavers_due(school, today)),
    )


# Enough rows to see any rule through (a spraying address is over its limit long before).
SIGN_IN_FAILURES_READ = 2_000


def sign_in_wait(attempt: Attempt, rules: Rules) -> dt.timedelta:
    """How long this sign-in attempt must wait, from the failures that could count for it."""
    counted = (
        Q(username=attempt.username, device=attempt.device)
        if attempt.device
        else Q(address=attempt.address, device="")
    )
    rows = (
        SignInFailure.objects.filter(counted, at__gt=attempt.at - rules.window)
        .order_by("-at")
        .values_list("username", "address", "device", "at")[:SIGN_IN_FAILURES_READ]
    )
    return wait_before(attempt, [Failure(*row) for row in rows], rules)


def confirmed_device(user: Actor) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_confirmed_device(user: Actor) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def staff_without_second_factor(school: School) -> int:
    """How many of the school's staff have no confirmed authenticator app (one query)."""
    staff = Membership.objects.filter(school=school, role__in=STAFF_ROLES).values("user_id")
    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return staff.exclude(user_id__in=with_device).values("user_id").distinct().count()


def privacy_rows() -> list[tuple[School, SchoolSecurity]]:
    """Every school with its data-protection settings (the defaults where never set)."""
    schools = list(School.objects.select_related("trust").order_by("name"))
    settings_by_school = {s.school_id: s for s in SchoolSecurity.objects.all()}
    return [
        (school, settings_by_school.get(school.pk) or SchoolSecurity(school=school))
        for school in schools
    ]
