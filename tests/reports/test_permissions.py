"""The reports' permission policies answer as the pages always did: staff read drafts, a
family only what is released; a pupil's teachers and the school's leaders write the words;
only those who see the whole school release them or make a year group's PDFs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

from nextsteps.access import Action
from nextsteps.people.models import Pupil
from nextsteps.reports import permissions, services
from tests.conftest import Cast


def _released(cast: Cast) -> None:
    teacher = cast.user("teacher")
    services.report_save(
        pupil=cast.amara, period="Spring term", comment="A good term.", home_help="", by=teacher
    )
    services.report_save(
        pupil=cast.amara, period="Summer term", comment="Draft words.", home_help="", by=teacher
    )
    services.report_release(pupil=cast.amara, period="Spring term", by=cast.user("admin"))


def test_a_family_reads_only_released_reports_and_staff_read_drafts(cast: Cast) -> None:
    _released(cast)
    policy = permissions.reports
    for family in ("parent", "pupil"):
        periods = {r.period for r in policy.scope(cast.user(family), cast.primary, Action.VIEW)}
        assert "Spring term" in periods
        assert "Summer term" not in periods
        pupil, drafts = policy.reader(cast.user(family), cast.primary, cast.amara.pk)
        assert pupil == cast.amara and not drafts
    staff = {r.period for r in policy.scope(cast.user("teacher"), cast.primary, Action.VIEW)}
    assert {"Spring term", "Summer term"} <= staff
    assert policy.reader(cast.user("teacher"), cast.primary, cast.amara.pk)[1]
    other = Pupil.objects.filter(school=cast.primary).exclude(pk=cast.amara.pk).first()
    assert other is not None
    with pytest.raises(Http404):
        policy.reader(cast.user("pupil"), cast.primary, other.pk)


def test_teachers_write_leaders_release_and_the_scope_says_the_same(cast: Cast) -> None:
    _released(cast)
    policy = permissions.reports
    teacher, ta, admin = cast.user("teacher"), cast.user("ta"), cast.user("admin")
    assert policy.can_for_pupil(teacher, Action.CHANGE, cast.primary, cast.amara)
    assert not policy.can_for_pupil(ta, Action.CHANGE, cast.primary, cast.amara)
    assert not policy.can_for_pupil(teacher, Action.DECIDE, cast.primary, cast.amara)
    assert policy.can_for_pupil(admin, Action.DECIDE, cast.primary, cast.amara)
    assert policy.can_for_class(teacher, Action.CHANGE, cast.four_oak)
    assert not policy.can_for_class(ta, Action.CHANGE, cast.four_oak)
    # The scope of rows to change is the rule for a pupil, asked of every report at once.
    for user in (teacher, ta, admin):
        rows = policy.scope(user, cast.primary, Action.CHANGE)
        for report in policy.scope(admin, cast.primary, Action.VIEW):
            assert (report in rows) == policy.can_for_pupil(
                user, Action.CHANGE, cast.primary, report.pupil
            )
    assert not policy.scope(teacher, cast.primary, Action.DECIDE).exists()


def test_a_year_groups_batches_are_for_those_who_see_the_whole_school(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        permissions.batches.get_for_year(cast.user("teacher"), cast.primary, 4, 1)
    with pytest.raises(Http404):
        permissions.batches.get_for_year(cast.user("admin"), cast.primary, 4, 10**9)
    with pytest.raises(Http404):
        permissions.batches.get_for_year(cast.user("otherteacher"), cast.primary, 4, 1)


def test_a_policy_refuses_an_action_it_does_not_answer(cast: Cast) -> None:
    with pytest.raises(ImproperlyConfigured):
        permissions.report_settings.scope(cast.user("admin"), cast.primary, Action.VIEW)
