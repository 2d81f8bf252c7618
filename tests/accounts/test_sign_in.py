from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps.accounts.models import User
from tests.conftest import Cast

HOMES = {
    "admin": "/school/990101/admin/",
    "leader": "/school/990102/leader/",
    "hod": "/school/990102/hod/",
    "teacher": "/school/990101/teacher/",
    "ta": "/school/990101/ta/",
    "pupil": "/school/990101/pupil/",
    "parent": "/school/990101/guardian/",
}


def sign_in(client: Client, username: str, password: str = settings.NEXTSTEPS_DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, follow=True
    )


@pytest.mark.parametrize("username", sorted(HOMES))
def test_each_demo_account_signs_in_to_its_own_home(cast: Cast, username: str) -> None:
    response = sign_in(Client(), username)
    assert response.redirect_chain[-1][0] == HOMES[username]
    assert response.status_code == 200


def test_passwords_are_hashed_with_argon2(cast: Cast) -> None:
    assert cast.user("teacher").password.startswith("argon2")


def test_five_wrong_passwords_lock_the_account_for_a_while(cast: Cast) -> None:
    client = Client()
    for _ in range(5):
        sign_in(client, "teacher", "not-the-password")
    response = sign_in(client, "teacher")
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


def test_staff_with_an_authenticator_must_give_a_code(cast: Cast) -> None:
    user = cast.user("teacher")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    response = sign_in(client, "teacher")
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/")
    assert client.get(HOMES["teacher"]).status_code == 302
    response = client.post("/accounts/two-factor/", {"token": "000000"})
    assert b"did not match" in response.content
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the next try for a second; time passes
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    response = client.post("/accounts/two-factor/", {"token": code}, follow=True)
    assert response.redirect_chain[-1][0] == HOMES["teacher"]


def test_staff_set_up_an_authenticator_by_confirming_one_code(cast: Cast) -> None:
    client = cast.client("teacher")
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user__username="teacher", confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    client.post("/accounts/two-factor/setup/", {"token": code})
    device.refresh_from_db()
    assert device.confirmed


def test_pupils_cannot_set_up_an_authenticator(cast: Cast) -> None:
    assert cast.client("pupil").get("/accounts/two-factor/setup/").status_code == 403


def test_teacher_prints_sign_in_cards_that_work(cast: Cast) -> None:
    client = cast.client("teacher")
    url = f"/school/{cast.primary.urn}/classes/{cast.four_oak.pk}/cards/"
    assert b"Issue new cards" in client.get(url).content
    response = client.post(url)
    cards = response.context["cards"]
    assert len(cards) == 29
    card = next(c for c in cards if c.pupil.pk != cast.amara.pk)
    assert card.password.encode() in response.content
    signed_in = sign_in(Client(), card.username, card.password)
    assert signed_in.redirect_chain[-1][0] == "/school/990101/pupil/"
    user = User.objects.get(username=card.username)
    assert user.pupil == card.pupil


def test_sign_out_ends_the_session(cast: Cast) -> None:
    client = Client()
    sign_in(client, "teacher")
    client.post("/accounts/logout/")
    assert client.get(HOMES["teacher"]).status_code == 302


def test_new_passwords_use_argon2id_at_the_owasp_parameters(cast: Cast) -> None:
    from django.contrib.auth.hashers import identify_hasher, make_password

    encoded = make_password("a-long-enough-password")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).algorithm == "argon2"


def test_an_old_parameter_hash_is_upgraded_at_the_next_sign_in(cast: Cast) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = cast.user("teacher")
    # Django's own defaults (100 MiB, 8 lanes): what passwords were hashed with before.
    user.password = Argon2PasswordHasher().encode(
        settings.NEXTSTEPS_DEMO_PASSWORD, Argon2PasswordHasher().salt()
    )
    user.save(update_fields=["password"])
    assert "$m=102400,t=2,p=8$" in user.password
    response = sign_in(Client(), "teacher")
    assert response.redirect_chain[-1][0] == HOMES["teacher"]
    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password
    assert user.check_password(settings.NEXTSTEPS_DEMO_PASSWORD)


def test_a_wrong_password_against_an_old_hash_changes_nothing(cast: Cast) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = cast.user("teacher")
    old = Argon2PasswordHasher().encode(
        settings.NEXTSTEPS_DEMO_PASSWORD, Argon2PasswordHasher().salt()
    )
    user.password = old
    user.save(update_fields=["password"])
    sign_in(Client(), "teacher", "not-the-password")
    user.refresh_from_db()
    assert user.password == old
