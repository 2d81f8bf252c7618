"""The shared cast: the demo trust (built once per test database) and a school outside it.

Every persona is a real account built through the product's own code, so tests sign in as
the people in JOURNEYS.md: Ms Okafor (teacher), Mrs Lewis (TA), Amara (pupil), Mr Hughes
(parent), Mrs Shah (head of maths), Mr Adeyemi (senior leader), Ms Patel (data manager),
and Mr Vance, a teacher at a school in another trust.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from nextsteps.accounts.models import Membership, Role, TrustMembership, User
from nextsteps.curriculum.models import Framework
from nextsteps.people.models import Pupil, Staff
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

# Property tests check what is true, not how fast examples are drawn: on a busy two-core
# machine drawing can be slow, and a slow draw is not a failure. Every other check stays on.
hypothesis_settings.register_profile(
    "nextsteps", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("nextsteps")

OTHER_URN = 990201


@pytest.fixture(autouse=True)
def _summaries_settle_at_once(settings: Any) -> None:
    """Tests write and read within a second: the dashboards' summaries are counted again
    only for writes stamped after their count (no settling margin), so a test sees exactly
    when a write makes a summary out of date."""
    settings.SUMMARY_SETTLE_SECONDS = 0


def build_other_school() -> None:
    """A school in another trust, with one teacher, one class and one pupil."""
    from nextsteps.accounts.services import membership_grant
    from nextsteps.demo.builder import _calendar
    from nextsteps.people.services import pupil_create
    from nextsteps.people.upn import upn_make
    from nextsteps.schools.models import Trust
    from nextsteps.teaching.models import ClassStaff, Enrolment

    trust = Trust.objects.create(name="Northfield Schools Partnership", slug="northfield")
    school = School.objects.create(
        trust=trust,
        urn=OTHER_URN,
        name="Northfield Primary",
        phase="primary",
        la_code="851",
        estab="2001",
    )
    year = _calendar(school, 2026)
    user = User.objects.create_user("otherteacher", password=settings.NEXTSTEPS_DEMO_PASSWORD)
    membership_grant(user=user, school=school, role=Role.TEACHER, by=None)
    staff = Staff.objects.create(
        school=school, user=user, title="Mr", forename="Luke", surname="Vance"
    )
    teaching_class = Class.objects.create(
        school=school, academic_year=year, name="4 Elm", year_group=4
    )
    ClassStaff.objects.create(school=school, teaching_class=teaching_class, staff=staff)
    pupil = pupil_create(
        school=school,
        upn=upn_make(la=851, estab=2001, year=22, serial=1),
        by=None,
        legal_forename="Isaac",
        legal_surname="North",
        date_of_birth=dt.date(2017, 3, 4),
        gender="M",
        year_group=4,
        admission_date=dt.date(2022, 9, 5),
    )
    Enrolment.objects.create(
        school=school, pupil=pupil, teaching_class=teaching_class, starts_on=dt.date(2026, 9, 3)
    )


def build_cast() -> None:
    """The demo trust and the school outside it, over the DfE tables a migration installs (the
    suite makes its databases from the models: see `tests/ops/test_migrations.py`)."""
    from nextsteps.demo.builder import build_demo
    from nextsteps.progress.services import shipped_tables_install

    shipped_tables_install()
    record_migrations_applied()
    build_demo()
    build_other_school()


def record_migrations_applied() -> None:
    """Fill django_migrations as `migrate` would have, so the database is what a school's is
    (a backup carries the table; `migrate` finds nothing to do)."""
    import importlib
    import pkgutil

    from django.apps import apps
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    for app in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{app.name}.migrations")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(package.__path__):
            if not module.name.startswith("_"):
                recorder.record_applied(app.label, module.name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Build the cast once per test database; each test then runs in a rolled-back transaction.

    pytest-django sets up only the databases the collected tests ask for through `db`. Browser
    tests ask for none (they share one live server over the committed cast), so when only they
    run, the test database is set up here.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    own = None
    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            own = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        build_cast()
    yield
    if own is not None:
        with django_db_blocker.unblock():
            teardown_databases(own, verbosity=0)


@dataclass
class Cast:
    primary: School
    secondary: School
    other: School
    four_oak: Class
    amara: Pupil
    maths_framework: Framework

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def client(self, username: str) -> Client:
        client = Client()
        client.force_login(self.user(username))
        return client

    def refused(self, username: str, school: School | None = None) -> int:
        """What a person is answered on a page of a school their role does not open: 403 where
        they belong to the school (saying so reveals nothing), 404 anywhere else."""
        school = school or self.primary
        user = self.user(username)
        member = Membership.objects.filter(user=user, school=school).exists() or (
            school.trust_id is not None
            and TrustMembership.objects.filter(user=user, trust_id=school.trust_id).exists()
        )
        return 403 if member else 404


@pytest.fixture
def cast(db: Any) -> Cast:
    return load_cast()


def load_cast() -> Cast:
    """The cast as it stands in the database (browser tests call this with the blocker open)."""
    primary = School.objects.get(urn=990101)
    return Cast(
        primary=primary,
        secondary=School.objects.get(urn=990102),
        other=School.objects.get(urn=OTHER_URN),
        four_oak=Class.objects.get(school=primary, name="4 Oak"),
        amara=Pupil.objects.get(school=primary, user__username="pupil"),
        maths_framework=Framework.objects.get(school=primary, name="Primary mathematics"),
    )


PERSONAS = ("admin", "leader", "hod", "teacher", "ta", "pupil", "parent", "otherteacher")
