"""The Django admin follows the school pages' sign-in rules: the same second step, the same
sign-in page, and no password form of its own."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nextsteps.security.models import SchoolSecurity
from tests.conftest import Cast


def signed_in_with_password(username: str = "admin") -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": settings.NEXTSTEPS_DEMO_PASSWORD},
    )
    assert response.status_code == 302
    return client


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_a_password_alone_does_not_open_the_admin_for_someone_with_an_authenticator(
    cast: Cast,
) -> None:
    device = TOTPDevice.objects.create(user=cast.user("admin"), name="phone", confirmed=True)
    client = signed_in_with_password()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/?next=%2Fadmin%2F"
    assert b"Enter your code" in response.content
    assert client.get("/admin/people/pupil/").status_code == 302
    response = client.post(
        "/accounts/two-factor/?next=%2Fadmin%2F", {"token": code_for(device)}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200
    assert client.get("/admin/people/pupil/").status_code == 200


def test_a_school_that_requires_the_second_step_requires_it_in_the_admin_too(
    cast: Cast,
) -> None:
    SchoolSecurity.objects.update_or_create(
        school=cast.primary, defaults={"staff_second_factor_required": True}
    )
    client = signed_in_with_password()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/setup/?next=%2Fadmin%2F"
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
    response = client.post(
        "/accounts/two-factor/setup/?next=%2Fadmin%2F", {"token": code_for(device)}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200


def test_the_admin_and_the_school_pages_agree_for_every_state_of_the_second_step(
    cast: Cast,
) -> None:
    """One rule: whenever the school pages send a person to the second step, so does the admin."""
    home = f"/school/{cast.primary.urn}/admin/"
    for required in (False, True):
        SchoolSecurity.objects.update_or_create(
            school=cast.primary, defaults={"staff_second_factor_required": required}
        )
        for has_device in (False, True):
            TOTPDevice.objects.filter(user__username="admin").delete()
            if has_device:
                TOTPDevice.objects.create(user=cast.user("admin"), name="phone", confirmed=True)
            client = signed_in_with_password()
            school_page = client.get(home)
            admin = client.get("/admin/", follow=True)
            if school_page.status_code == 200:
                assert admin.status_code == 200 and admin.redirect_chain == []
            else:
                step = school_page["Location"]
                assert admin.redirect_chain[-1][0].startswith(step + "?next="), (required, step)


def test_the_admin_sends_people_to_the_products_sign_in(cast: Cast) -> None:
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
    assert b"Sign in to nextsteps" in response.content


def test_the_admin_has_no_password_form_of_its_own(cast: Cast) -> None:
    """A password posted to the admin's sign-in signs no one in (so none skips a rule)."""
    client = Client()
    response = client.post(
        "/admin/login/",
        {"username": "admin", "password": settings.NEXTSTEPS_DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_who_is_not_a_data_manager_is_refused(cast: Cast) -> None:
    assert cast.client("teacher").get("/admin/", follow=True).status_code == 403


def test_the_second_step_sends_no_one_to_another_site(cast: Cast) -> None:
    device = TOTPDevice.objects.create(user=cast.user("admin"), name="phone", confirmed=True)
    client = signed_in_with_password()
    response = client.post(
        "/accounts/two-factor/?next=https://evil.example/", {"token": code_for(device)}
    )
    assert response["Location"] == "/"
