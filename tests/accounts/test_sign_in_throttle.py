"""Sign-in throttling slows password guessing and never locks the real person out.

A school signs in from behind one address: a pupil typing a teacher's name with wrong
passwords must not keep that teacher out. Time is a fixed clock moved by hand; nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from nextsteps.security.kernels.sign_in_throttle import Attempt, Failure, Rules, wait_before
from tests.conftest import Cast

SCHOOL = "203.0.113.10"  # every device in the school, behind one address
HOME = "198.51.100.7"
START = dt.datetime(2026, 12, 7, 8, 45, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fixed = Clock()
    monkeypatch.setattr(timezone, "now", fixed)
    yield fixed


def sign_in(client: Client, username: str, password: str = settings.NEXTSTEPS_DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password})


def guess(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(client, username, "not-the-password").status_code == 200


def signed_in(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"] != "/accounts/login/"


def test_five_wrong_passwords_slow_that_name_from_that_address(cast: Cast, clock: Clock) -> None:
    pupil = Client(REMOTE_ADDR=SCHOOL)
    guess(pupil, "teacher", 5)
    paused = sign_in(pupil, "teacher")  # even the right password waits: it is not checked
    assert paused.status_code == 429
    assert paused["Retry-After"] == "30"
    assert b"Too many attempts" in paused.content
    clock.advance(31)
    guess(pupil, "teacher", 1)  # the sixth failure doubles the wait
    assert sign_in(pupil, "teacher").status_code == 429
    clock.advance(59)
    assert sign_in(pupil, "teacher").status_code == 429
    clock.advance(2)
    assert signed_in(sign_in(Client(REMOTE_ADDR=SCHOOL), "teacher"))


def test_the_real_persons_own_device_at_the_same_address_still_signs_in(
    cast: Cast, clock: Clock
) -> None:
    laptop = Client(REMOTE_ADDR=SCHOOL)
    assert signed_in(sign_in(laptop, "teacher"))  # the teacher's laptop, yesterday
    laptop.post("/accounts/logout/")
    clock.advance(60 * 60 * 20)
    pupil = Client(REMOTE_ADDR=SCHOOL)
    guess(pupil, "teacher", 5)
    assert sign_in(pupil, "teacher").status_code == 429
    assert signed_in(sign_in(laptop, "teacher"))


def test_the_real_person_signs_in_from_another_address(cast: Cast, clock: Clock) -> None:
    guess(Client(REMOTE_ADDR=SCHOOL), "teacher", 5)
    assert signed_in(sign_in(Client(REMOTE_ADDR=HOME), "teacher"))


def test_one_names_pause_does_not_touch_another_name_at_the_same_address(
    cast: Cast, clock: Clock
) -> None:
    pupil = Client(REMOTE_ADDR=SCHOOL)
    guess(pupil, "teacher", 5)
    assert sign_in(pupil, "teacher").status_code == 429
    assert signed_in(sign_in(Client(REMOTE_ADDR=SCHOOL), "ta"))
    assert signed_in(sign_in(pupil, "pupil"))


def test_a_name_counts_the_same_in_capitals_or_with_spaces(cast: Cast, clock: Clock) -> None:
    client = Client(REMOTE_ADDR=SCHOOL)
    for name in ("teacher", "Teacher", " TEACHER", "teacher ", "tEacher"):
        guess(client, name, 1)
    assert sign_in(client, "teacher").status_code == 429


def test_an_address_trying_many_names_is_slowed(cast: Cast, clock: Clock) -> None:
    laptop = Client(REMOTE_ADDR=SCHOOL)
    assert signed_in(sign_in(laptop, "teacher"))
    laptop.post("/accounts/logout/")
    sprayer = Client(REMOTE_ADDR=SCHOOL)
    for number in range(settings.SIGN_IN_ADDRESS_NAMES_LIMIT):
        guess(sprayer, f"pupil{number:03d}", 1)  # one guess each: no single name is paused
        clock.advance(1)
    assert sign_in(sprayer, "pupil999", "not-the-password").status_code == 429
    assert sign_in(Client(REMOTE_ADDR=SCHOOL), "hod").status_code == 429
    # Slowed, not shut: the teacher's own laptop, and other addresses, are not held.
    assert signed_in(sign_in(laptop, "teacher"))
    assert signed_in(sign_in(Client(REMOTE_ADDR=HOME), "hod"))
    clock.advance(30)
    assert signed_in(sign_in(Client(REMOTE_ADDR=SCHOOL), "hod"))


def test_a_good_password_clears_only_its_own_count(cast: Cast, clock: Clock) -> None:
    school = Client(REMOTE_ADDR=SCHOOL)
    guess(school, "teacher", 4)
    assert signed_in(sign_in(Client(REMOTE_ADDR=HOME), "teacher"))
    guess(school, "teacher", 1)
    assert sign_in(school, "teacher").status_code == 429


# ---------------------------------------------------------------------------- the kernel

RULES = Rules()
names = st.sampled_from(["teacher", "ta", "hod", "pupil1", "pupil2"])
addresses = st.sampled_from([SCHOOL, HOME])
devices = st.sampled_from(["", "laptop", "tablet"])
failures = st.lists(
    st.builds(
        Failure,
        username=names,
        address=addresses,
        device=devices,
        at=st.integers(0, 7200).map(lambda s: START + dt.timedelta(seconds=s)),
    ),
    max_size=30,
)
# Drawing lists of dated failures is slow on a busy machine; the check itself is quick.
kernel_examples = hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@kernel_examples
@given(failures=failures, username=names, address=addresses, device=devices)
def test_no_wait_is_longer_than_the_longest(
    failures: list[Failure], username: str, address: str, device: str
) -> None:
    attempt = Attempt(username, address, device, START + dt.timedelta(hours=2))
    assert dt.timedelta(0) <= wait_before(attempt, failures, RULES) <= RULES.longest_wait


@kernel_examples
@given(failures=failures, username=names, device=devices)
def test_failures_from_another_address_without_the_device_never_count(
    failures: list[Failure], username: str, device: str
) -> None:
    """What happens at the school's address never holds anyone at home, and a device's own
    count is never touched by attempts made without it."""
    attempt = Attempt(username, HOME, device, START + dt.timedelta(hours=2))
    elsewhere = [f for f in failures if f.address == SCHOOL and f.device != device]
    assert wait_before(attempt, elsewhere, RULES) == dt.timedelta(0)
