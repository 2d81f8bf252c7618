"""The API shows each person no more than the pages do.

For each role (a class teacher, a parent, a pupil), the test opens every page that person may
open (the URL walk of `tests/web/test_access_walk.py`, with Amara as the sample pupil) and calls
every API read with that person's token. Each sensitive field the API returns about Amara must
show on those pages, written as the pages write it; otherwise the test names the route and the
field. What the pages show is derived, never listed by hand, so a page or a schema that changes
keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Role
from nextsteps.api.services import token_create
from nextsteps.curriculum.models import Framework, Objective
from nextsteps.feedback.models import Target
from nextsteps.markbook.services import judgement_record
from nextsteps.people.models import Gender, Pupil, SenStatus
from tests.conftest import Cast
from tests.web.test_access_walk import ROUTES, fill, page_html, sample_kwargs

ROLE_OF = {"teacher": Role.TEACHER, "parent": Role.GUARDIAN, "pupil": Role.PUPIL}
PRIVATE_NOTE = "Rushed the carrying again; ask at home about the 6 times table."


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# Each sensitive field, and how a page that shows it writes it (the labels are the pages' own).
SENSITIVE: dict[str, Callable[[Any], str]] = {
    "upn": str,
    "legal_forename": str,
    "legal_surname": str,
    "date_of_birth": lambda v: dateformat.format(dt.date.fromisoformat(v), "j F Y"),
    "gender": lambda v: f"{_('Gender')} {Gender(v).label}",
    "disadvantaged": lambda v: f"{_('Pupil premium')} {_yes_no(v)}",
    "fsm": lambda v: f"{_('Free school meals')} {_yes_no(v)}",
    "sen_status": lambda v: f"{_('SEN')} {SenStatus(v).label}",
    "eal": lambda v: f"{_('EAL')} {_yes_no(v)}",
    "note": str,  # a teacher's note on a judgement
    "comment": str,  # what the pupil and the teacher wrote on a target
}


def make_amara_distinct(cast: Cast) -> Pupil:
    """Give Amara values that can only be on a page if the page shows that field: a legal name
    unlike the name the school uses (and unlike her account's), every flag set, and a teacher's
    note on her latest judgement in the framework her profile opens with."""
    Pupil.objects.filter(pk=cast.amara.pk).update(
        legal_forename="Amarachi",
        legal_surname="Hughes-Okonkwo",
        preferred_forename="Amara",
        preferred_surname="Hughes",
        disadvantaged=True,
        fsm=True,
        eal=True,
        sen_status=SenStatus.SUPPORT,
    )
    amara = Pupil.objects.get(pk=cast.amara.pk)
    framework = (
        Framework.objects.filter(school=cast.primary, subject__classes__enrolments__pupil=amara)
        .order_by("subject__name")
        .first()
    )
    objective = Objective.objects.filter(framework=framework, year_group=amara.year_group).first()
    assert framework is not None and objective is not None
    judgement_record(
        pupil=amara,
        objective=objective,
        level=framework.scale.levels.order_by("position").first(),  # type: ignore[arg-type]
        by=cast.user("teacher"),
        note=PRIVATE_NOTE,
        teaching_class=cast.four_oak,
        shown_at=timezone.now(),
    )
    return amara


def visible_text(html: str) -> str:
    """A page's words as a reader sees them: no markup, whitespace run together."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL | re.IGNORECASE)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def pages_seen_by(cast: Cast, username: str) -> str:
    """The text of every page this person may open, with Amara wherever a page names a pupil."""
    client = Client(raise_request_exception=False)
    client.force_login(cast.user(username))
    texts = []
    for route in ROUTES:
        if route.startswith("api/"):
            continue
        html = page_html(client.get(fill(route, sample_kwargs(cast, route, ROLE_OF[username]))))
        if html is not None:
            texts.append(visible_text(html))
    assert len(texts) >= 5, f"{username} opened only {len(texts)} pages"
    return "\n".join(texts)


def api_reads_by(cast: Cast, username: str) -> Iterator[tuple[str, Any]]:
    """Every API read this person's token may make, as (path, JSON body)."""
    _, secret = token_create(user=cast.user(username), name="audiences", by=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    # Every page of a list at once, and the parameters a route needs to answer at all.
    query = f"?limit=1000&framework_id={cast.maths_framework.pk}"
    for route in ROUTES:
        if not route.startswith("api/v1/") or route.endswith(("openapi.json", "docs", "v1/")):
            continue
        path = fill(route, sample_kwargs(cast, route, ROLE_OF[username]))
        response = client.get(path + query)
        if response.status_code == 200:
            yield path, response.json()


def fields_about_pupils(body: Any, pupil_id: int | None = None) -> Iterator[tuple[int, str, Any]]:
    """(pupil, field, value) for every plain value in a body, with the pupil it is about: a
    row's `pupil_id`, or the `id` of a pupil record (one with a forename and a surname)."""
    if isinstance(body, list):
        for item in body:
            yield from fields_about_pupils(item, pupil_id)
        return
    if not isinstance(body, dict):
        return
    if "pupil_id" in body:
        pupil_id = int(body["pupil_id"])
    elif {"id", "forename", "surname"} <= body.keys():
        pupil_id = int(body["id"])
    for key, value in body.items():
        if isinstance(value, dict | list):
            yield from fields_about_pupils(value, pupil_id)
        elif pupil_id is not None:
            yield pupil_id, key, value


@pytest.mark.parametrize("username", ["teacher", "parent", "pupil"])
def test_the_api_gives_each_role_no_pupil_field_its_pages_do_not_show(
    cast: Cast, username: str
) -> None:
    amara = make_amara_distinct(cast)
    shown = pages_seen_by(cast, username)
    answered: set[str] = set()
    beyond: list[str] = []
    for path, body in api_reads_by(cast, username):
        answered.add(path)
        # A route shapes every row alike, so Amara's rows stand for the route's.
        for pupil_id, field, value in fields_about_pupils(body):
            if pupil_id != amara.pk or field not in SENSITIVE or value in (None, ""):
                continue
            if SENSITIVE[field](value) not in shown:
                beyond.append(f"{path}: {field}")
    base = f"/api/v1/schools/{cast.primary.urn}"
    assert {f"{base}/pupils/{amara.pk}", f"{base}/judgements"} <= answered
    assert not beyond, f"{username}'s token gets fields their pages do not show:\n" + "\n".join(
        sorted(set(beyond))
    )


STAFF_PUPIL = {
    "id",
    "upn",
    "forename",
    "surname",
    "legal_forename",
    "legal_surname",
    "year_group",
    "date_of_birth",
    "gender",
    "disadvantaged",
    "fsm",
    "sen_status",
    "eal",
    "leaving_date",
}
FAMILY_PUPIL = {"id", "forename", "surname", "year_group"}


def test_each_audience_gets_its_own_schema_and_staff_keep_the_full_record(cast: Cast) -> None:
    make_amara_distinct(cast)
    base = f"/api/v1/schools/{cast.primary.urn}"
    target = Target.objects.get(pupil=cast.amara, status="claimed").pk
    expected = {
        "teacher": (STAFF_PUPIL, True, True),
        "pupil": (FAMILY_PUPIL, False, True),
        "parent": (FAMILY_PUPIL, False, False),
    }
    for username, (pupil_fields, note, history) in expected.items():
        _, secret = token_create(user=cast.user(username), name="audiences", by=None)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        one = client.get(f"{base}/pupils/{cast.amara.pk}").json()
        listed = client.get(f"{base}/pupils?limit=1000").json()["items"]
        assert set(one) == pupil_fields, username
        assert all(set(row) == pupil_fields for row in listed), username
        judgements = client.get(f"{base}/judgements?pupil_id={cast.amara.pk}").json()["items"]
        assert judgements and all(("note" in j) is note for j in judgements), username
        assert ("history" in client.get(f"{base}/targets/{target}").json()) is history, username
        # Who is asking chooses the schema; nothing in the request can.
        widened = client.get(f"{base}/pupils/{cast.amara.pk}?audience=staff&role=teacher")
        assert set(widened.json()) == pupil_fields, username


def test_the_openapi_schema_documents_each_audiences_schema(anonymous: Client) -> None:
    schema = anonymous.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "upn" in components["PupilOut"]["properties"]
    assert set(components["PupilFamilyOut"]["properties"]) == FAMILY_PUPIL
    assert "note" in components["JudgementOut"]["properties"]
    assert "note" not in components["JudgementFamilyOut"]["properties"]
    assert "history" not in components["TargetOut"]["properties"]
    for path, staff, family in (
        ("/api/v1/schools/{urn}/pupils", "PupilOut", "PupilFamilyOut"),
        ("/api/v1/schools/{urn}/pupils/{pupil_id}", "PupilOut", "PupilFamilyOut"),
        ("/api/v1/schools/{urn}/judgements", "JudgementOut", "JudgementFamilyOut"),
        ("/api/v1/schools/{urn}/targets/{target_id}", "TargetDetailOut", "TargetOut"),
    ):
        description = schema["paths"][path]["get"]["description"]
        assert f"`{staff}`" in description and f"`{family}`" in description, path
