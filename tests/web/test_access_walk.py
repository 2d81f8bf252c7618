"""Walk every URL pattern with every role (and a user from another school).

A route that answers without asking the access module fails the request (see
`access.AccessCheckedMiddleware`), so this walk fails on any such route. It also checks what
each role may see on the main pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from nextsteps.accounts.models import Role
from tests.conftest import PERSONAS, Cast


def url_patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue  # the admin asks access through SchoolAdminSite.has_permission
            yield from url_patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def sample_kwargs(cast: Cast, route: str, role: str) -> dict[str, Any]:
    """A real value for each URL parameter, from the primary school of the cast."""
    values: dict[str, Any] = {
        "urn": cast.primary.urn,
        "class_id": cast.four_oak.pk,
        "pupil_id": cast.amara.pk,
        "framework_id": cast.maths_framework.pk,
        "role": role,
        "fmt": "yaml",
        # A judgement id is looked up within the class it was recorded in.
        "judgement_id": 1,
        "token_id": 1,
        # Judging ids (sessions, items, scripts, files) are looked up inside a school's scope,
        # so any number will do for the walk; tests/judging checks each page's audience.
        "session_id": 1,
        "item_id": 1,
        "script_id": 1,
        "objective_id": cast.maths_framework.objectives.values_list("pk", flat=True)[0],
        "kind": "script",
        "file_id": 1,
        "batch_id": 1,  # report batches are looked up inside the class or year group
        # Pieces of writing and particular weaknesses are looked up inside the pupil's.
        "piece_id": 1,
        "weakness_id": 1,
        "year_group": 4,
        "trust": "riverbend",
        "unknown": "v1/no-such-route",  # an address under /api/ that names no route
    }
    from nextsteps.progress.models import Ks2Result, ReferenceTable

    values["year"] = Ks2Result.objects.filter(school=cast.primary).values_list("year", flat=True)[0]
    values["table_id"] = ReferenceTable.objects.filter(source="dfe").values_list("pk", flat=True)[0]
    from nextsteps.assessments.models import Assessment, Challenge, ScoreTable

    values["assessment_id"] = Assessment.objects.get(
        school=cast.primary, name__startswith="Multiplication"
    ).pk
    values["challenge_id"] = Challenge.objects.filter(school=cast.primary).first().pk  # type: ignore[union-attr]
    values["score_table_id"] = ScoreTable.objects.filter(school=cast.primary).first().pk  # type: ignore[union-attr]
    from nextsteps.policy.models import KeyQuestion, LessonIntention, Review, Unit

    values["question_id"] = KeyQuestion.objects.filter(school=cast.primary).values_list(
        "pk", flat=True
    )[0]
    values["department_id"] = 1  # departments are looked up inside the school's scope
    values["review_id"] = Review.objects.filter(school=cast.primary).values_list("pk", flat=True)[0]
    values["version"] = 1
    values["unit_id"] = Unit.objects.filter(teaching_class=cast.four_oak).values_list(
        "pk", flat=True
    )[0]
    values["intention_id"] = LessonIntention.objects.filter(
        lesson__unit__teaching_class=cast.four_oak
    ).values_list("pk", flat=True)[0]
    values.update(feedback_kwargs(cast))
    values.update(statutory_kwargs(cast, route))
    values["attempt_id"] = mtc_attempt_id(cast)
    return values


def statutory_kwargs(cast: Cast, route: str) -> dict[str, Any]:
    """The phonics pages are for Year 1 and 2 classes, the baseline's for Reception: the
    demo's 2 Oak (with last year's Year 1 results) and Reception Oak."""
    from nextsteps.teaching.models import Class
    from nextsteps.teaching.selectors import class_pupils

    name = {"statutory/phonics/": "2 Oak", "statutory/baseline/": "Reception Oak"}
    for prefix, class_name in name.items():
        if prefix in route:
            teaching_class = Class.objects.get(school=cast.primary, name=class_name)
            return {"class_id": teaching_class.pk, "pupil_id": class_pupils(teaching_class)[0].pk}
    return {}


def mtc_attempt_id(cast: Cast) -> int:
    """Amara's latest times tables practice from the demo (handed in)."""
    from nextsteps.mtc.models import PracticeAttempt

    return PracticeAttempt.objects.filter(pupil=cast.amara).latest("finished_at").pk


def feedback_kwargs(cast: Cast) -> dict[str, Any]:
    """Ids from the demo's goals, feedback and targets in 4 Oak (Amara's where there is one)."""
    from nextsteps.feedback.models import (
        LearningConversation,
        MediaNote,
        Notification,
        Target,
        TargetEvent,
        Version,
        Work,
    )

    story = Work.objects.get(teaching_class=cast.four_oak, title__startswith="The Lost Key")
    target = Target.objects.get(pupil=cast.amara, status="claimed")
    return {
        "work_id": story.pk,
        "version_id": Version.objects.filter(submission__pupil=cast.amara).values_list(
            "pk", flat=True
        )[0],
        "target_id": target.pk,
        "event_id": TargetEvent.objects.filter(target=target).values_list("pk", flat=True)[0],
        "conversation_id": LearningConversation.objects.filter(
            teaching_class=cast.four_oak
        ).values_list("pk", flat=True)[0],
        "notification_id": Notification.objects.filter(recipient__username="teacher").values_list(
            "pk", flat=True
        )[0],
        # Amara's voice note on her story, from the demo.
        "note_id": MediaNote.objects.filter(pupil=cast.amara, kind="voice").values_list(
            "pk", flat=True
        )[0],
    }


def progress_kwargs(cast: Cast) -> dict[str, Any]:
    """The demo's results: the primary's KS2 year, Kingsmead's KS4 year, a national table."""
    from nextsteps.progress.models import Ks2Result, Ks4Result, ReferenceTable

    return {
        "secondary": cast.secondary.urn,
        "ks2_year": Ks2Result.objects.filter(school=cast.primary).values_list("year", flat=True)[0],
        "p8_year": Ks4Result.objects.filter(school=cast.secondary).values_list("year", flat=True)[
            0
        ],
        "p8_table": ReferenceTable.objects.filter(source="dfe", kind="p8").values_list(
            "pk", flat=True
        )[0],
    }


def maths_department_id(cast: Cast) -> int:
    """Kingsmead's maths department, which Mrs Shah (the hod persona) heads."""
    from nextsteps.schools.models import Department

    return Department.objects.get(school=cast.secondary, name="Mathematics").pk


def page_html(response: Any) -> str | None:
    """The HTML of a page that opened (None for anything else). A file served is read, which
    closes it, so a walk that meets voice notes and photos leaves no file open."""
    if response.streaming:
        if response.status_code == 200:
            b"".join(response.streaming_content)
        return None
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        return str(response.content.decode())
    return None


def fill(route: str, kwargs: dict[str, Any]) -> str:
    import re

    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in kwargs:
            raise AssertionError(f"add a sample value for <{name}> used by {route}")
        return str(kwargs[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


ROUTES = sorted({route for route, _ in url_patterns()})


@pytest.mark.parametrize("username", [*PERSONAS, "primaryhead", None])
def test_every_route_asks_access_for_every_person(cast: Cast, username: str | None) -> None:
    """Every route, for every person, asks the access module; and every page the walk is shown
    passes the page check in `tests/security/pages.py`: nothing a strict Content Security
    Policy would block (inline script, style, handlers) and a CSRF token in every post form."""
    from django.test import Client

    from tests.security.pages import page_problems

    client = cast.client(username) if username else Client()
    pages = 0
    problems: list[str] = []
    for route in ROUTES:
        roles = Role.values + ["nobody"] if "<str:role>" in route else ["teacher"]
        for role in roles:
            path = fill(route, sample_kwargs(cast, route, role))
            response = client.get(path)
            assert response.status_code < 500, f"{path} as {username}: {response.status_code}"
            if page_html(response) is not None:
                pages += 1
                problems += page_problems(path, response.content.decode())
            if route.startswith("api/v1/"):
                # The API answers 401 without a token; its schema and docs are public.
                public_api = route.endswith(("openapi.json", "docs"))
                if username is None and not public_api:
                    assert response.status_code in {401, 404, 405}, f"{path} open to anonymous"
                continue
            if username is None and route not in {
                "",
                "healthz",
                "accounts/login/",
                "accounts/logout/",
                "privacy/",  # the privacy notice is for everyone
            }:
                assert response.status_code in {302, 404, 405}, f"{path} open to anonymous users"
    assert pages >= (3 if username in {None, "otherteacher", "leader", "hod"} else 10)
    assert problems == []


EXPECTED = {
    # (path template, who may see it); everyone else gets 404 (or a redirect when signed out).
    "/school/{urn}/classes/{four_oak}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/classes/{four_oak}/cards/": {"teacher"},
    "/school/{urn}/pupils/{amara}/": {"admin", "teacher", "ta", "pupil", "parent", "primaryhead"},
    "/school/{urn}/frameworks/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/frameworks/{framework}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/frameworks/import/": {"admin", "primaryhead"},
    "/school/{urn}/audit/": {"admin", "primaryhead"},
    "/school/{urn}/security/": {"admin", "primaryhead"},
    "/school/{urn}/security/pupils/{amara}/export/": {"admin"},
    "/school/{urn}/data/": {"admin"},
    "/school/{urn}/data/tokens/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/getting-started/": {"admin", "primaryhead"},
    "/school/{urn}/style/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/teacher/": {"teacher"},
    "/school/{urn}/reports/": {"admin", "primaryhead"},
    "/school/{urn}/reports/classes/{four_oak}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/reports/years/4/": {"admin", "primaryhead"},
    "/school/{urn}/reports/information/": {
        "admin",
        "teacher",
        "ta",
        "pupil",
        "parent",
        "primaryhead",
    },
    "/school/{urn}/markbook/classes/{four_oak}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/markbook/classes/{four_oak}/gaps/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/markbook/classes/{four_oak}/capture/": {"teacher", "ta"},
    "/school/{urn}/markbook/pupils/{amara}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/markbook/points/": {"admin", "primaryhead"},
    "/school/{urn}/pupil/": {"pupil"},
    "/school/{urn}/guardian/": {"parent"},
    "/school/{urn}/admin/": {"admin"},
    "/school/{urn}/leader/": {"primaryhead"},
    "/school/{urn}/assessments/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/assessments/{test}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/assessments/{test}/questions/": {"admin", "teacher", "primaryhead"},
    "/school/{urn}/assessments/{test}/marks/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/assessments/{test}/marks/upload/": {"teacher", "ta"},
    "/school/{urn}/assessments/{test}/analysis/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/assessments/{test}/scores/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/assessments/{test}/judgements/": {"teacher", "ta"},
    "/school/{urn}/assessments/challenges/{challenge}/classes/{four_oak}/": {
        "admin",
        "teacher",
        "ta",
        "primaryhead",
    },
    "/school/{urn}/assessments/pupils/{amara}/": {
        "admin",
        "teacher",
        "ta",
        "pupil",
        "parent",
        "primaryhead",
    },
    "/school/{urn}/progress/": {"admin", "primaryhead"},
    # KS2 writing: leaders and Year 6 teachers (none of the personas teaches Year 6; see
    # tests/writing for 6 Oak's teacher); pupils and parents never.
    "/school/{urn}/writing/": {"admin", "primaryhead"},
    "/school/{urn}/writing/statements/": {"admin", "primaryhead"},
    "/school/{urn}/progress/results/": {"admin", "primaryhead"},
    "/school/{urn}/progress/tables/": {"admin", "primaryhead"},
    "/school/{secondary}/progress/options/": {"admin", "leader"},
    # KS4 results: leaders, and heads of department for their own subjects.
    "/school/{secondary}/progress/ks4/{p8_year}/": {"admin", "leader", "hod"},
    "/school/{secondary}/progress/ks4/year11/": {"admin", "leader", "hod"},
    "/school/{urn}/judging/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/judging/feedback/": {"teacher", "ta", "primaryhead"},
    "/school/{urn}/judging/exemplars/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/judging/moderation/new/": {"primaryhead"},
    "/school/{urn}/judging/cj/new/": {"primaryhead"},
    "/school/{urn}/policy/published/": {"admin", "teacher", "ta", "pupil", "parent", "primaryhead"},
    "/school/{urn}/policy/published/1/": {
        "admin",
        "teacher",
        "ta",
        "pupil",
        "parent",
        "primaryhead",
    },
    "/school/{urn}/policy/glossary/": {"admin", "teacher", "ta", "pupil", "parent", "primaryhead"},
    "/school/{urn}/policy/questions/": {"primaryhead"},
    "/school/{urn}/policy/synthesis/": {"primaryhead"},
    "/school/{urn}/policy/workload/": {"primaryhead"},
    "/school/{urn}/policy/reviews/": {"primaryhead"},
    "/school/{urn}/policy/preview/": {"primaryhead"},
    "/school/{urn}/policy/planning/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/policy/planning/classes/{four_oak}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/policy/planning/classes/{four_oak}/next-steps/": {"teacher"},
    "/school/{urn}/feedback/classes/{four_oak}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/feedback/classes/{four_oak}/intentions/": {"teacher"},
    "/school/{urn}/feedback/classes/{four_oak}/self-assessment/": {
        "admin",
        "teacher",
        "ta",
        "primaryhead",
    },
    "/school/{urn}/feedback/classes/{four_oak}/targets/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/feedback/classes/{four_oak}/questions/": {
        "admin",
        "teacher",
        "ta",
        "primaryhead",
    },
    "/school/{urn}/feedback/classes/{four_oak}/work/new/": {"teacher"},
    "/school/{urn}/feedback/classes/{four_oak}/whole-class/new/": {"teacher"},
    "/school/{urn}/feedback/classes/{four_oak}/conversations/new/": {"teacher", "ta"},
    "/school/{urn}/feedback/classes/{four_oak}/verbal/": {"teacher", "ta"},
    "/school/{urn}/feedback/pupils/{amara}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/feedback/work/{story}/pupils/{amara}/": {
        "admin",
        "teacher",
        "ta",
        "pupil",
        "primaryhead",
    },
    "/school/{urn}/feedback/targets/{target}/": {"admin", "teacher", "ta", "pupil", "primaryhead"},
    "/school/{urn}/feedback/children/{amara}/": {"parent"},
    "/school/{urn}/feedback/me/work/": {"pupil"},
    "/school/{urn}/feedback/me/review/": {"pupil"},
    "/school/{urn}/feedback/codes/": {"admin", "teacher", "ta", "pupil", "parent", "primaryhead"},
    "/school/{urn}/feedback/notifications/": {
        "admin",
        "teacher",
        "ta",
        "pupil",
        "parent",
        "primaryhead",
    },
    # Statutory checks are for staff: pupils and parents see no statutory results.
    "/school/{urn}/statutory/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/statutory/mtc/classes/{four_oak}/": {"admin", "teacher", "ta", "primaryhead"},
    # Times tables check practice: pupils practise; staff see class fact maps; a pupil's fact
    # map is for the pupil, their parent and the staff who see the pupil.
    "/school/{urn}/mtc/": {"admin", "teacher", "ta", "pupil", "primaryhead"},
    "/school/{urn}/mtc/arrangements/": {"pupil"},
    "/school/{urn}/mtc/practice/{attempt}/result/": {"pupil"},
    "/school/{urn}/mtc/pupils/{amara}/": {
        "admin",
        "teacher",
        "ta",
        "pupil",
        "parent",
        "primaryhead",
    },
    "/school/{urn}/mtc/classes/{four_oak}/": {"admin", "teacher", "ta", "primaryhead"},
    "/school/{urn}/mtc/classes/{four_oak}/pupils/{amara}/arrangements/": {"teacher"},
    # The API, signed in (the session works as a token does); unknown or refused is 404.
    "/api/v1/schools/{urn}/assessments": {"admin", "teacher", "ta", "primaryhead"},
    "/api/v1/schools/{urn}/assessments/{test}": {"admin", "teacher", "ta", "primaryhead"},
    "/api/v1/schools/{urn}/assessments/{test}/marks": {"admin", "teacher", "ta", "primaryhead"},
    "/api/v1/schools/{urn}/targets": {"admin", "teacher", "ta", "pupil", "parent", "primaryhead"},
    # a parent reads their child's targets when they are shared with parents (Amara's are)
    "/api/v1/schools/{urn}/targets/{target}": {
        "admin",
        "teacher",
        "ta",
        "pupil",
        "parent",
        "primaryhead",
    },
    "/api/v1/schools/{urn}/progress": {"admin", "primaryhead"},
    "/api/v1/schools/{urn}/progress/tables": {"admin", "primaryhead"},
    "/api/v1/schools/{urn}/progress/tables/{p8_table}": {"admin", "primaryhead"},
    "/api/v1/schools/{urn}/progress/ks2/{ks2_year}": {"admin", "primaryhead"},
    "/api/v1/schools/{secondary}/progress/p8/{p8_year}": {"admin", "leader"},
    "/api/v1/schools/{secondary}/progress/ks4/{p8_year}": {"admin", "leader", "hod"},
    "/api/v1/schools/{secondary}/progress/options": {"admin", "leader"},
    # A department's data: its head and whole-school staff; no teacher, pupil or parent.
    "/school/{secondary}/reports/departments/{maths_department}/": {"admin", "leader", "hod"},
    # Staff only: no pupil's or parent's page shows key stage results or progress measures.
    "/api/v1/schools/{urn}/pupils/{amara}/progress": {"admin", "teacher", "ta", "primaryhead"},
}


@pytest.mark.parametrize("template", sorted(EXPECTED))
def test_each_page_is_seen_only_by_the_people_it_is_for(cast: Cast, template: str) -> None:
    path = template.format(
        urn=cast.primary.urn,
        four_oak=cast.four_oak.pk,
        amara=cast.amara.pk,
        framework=cast.maths_framework.pk,
        test=sample_kwargs(cast, "", "teacher")["assessment_id"],
        challenge=sample_kwargs(cast, "", "teacher")["challenge_id"],
        story=feedback_kwargs(cast)["work_id"],
        target=feedback_kwargs(cast)["target_id"],
        attempt=mtc_attempt_id(cast),
        maths_department=maths_department_id(cast),
        **progress_kwargs(cast),
    )
    for username in [*PERSONAS, "primaryhead"]:
        status = cast.client(username).get(path).status_code
        # Refused is "not found" (404), or "forbidden" (403) where the person may see the
        # class but not record in it.
        expected = {200} if username in EXPECTED[template] else {403, 404}
        assert status in expected, f"{path} as {username}: {status}, expected {expected}"


# Forms that post to a route of their own (GET answers 405 in the walk above): who may post.
POST_EXPECTED: dict[str, tuple[dict[str, str], set[str]]] = {
    # The school's switch for parents' replies: whole-school staff, as for report settings.
    "/school/{urn}/feedback/settings/parent-replies/": (
        {"replies_open": "1"},
        {"admin", "primaryhead"},
    ),
    # The daily e-mail: parents and staff of the school; a pupil's account has no e-mail.
    "/school/{urn}/feedback/notifications/email/": (
        {"daily": "0"},
        {"admin", "teacher", "ta", "parent", "primaryhead"},
    ),
}


@pytest.mark.parametrize("template", sorted(POST_EXPECTED))
def test_each_form_route_takes_posts_only_from_the_people_it_is_for(
    cast: Cast, template: str
) -> None:
    path = template.format(urn=cast.primary.urn)
    data, allowed = POST_EXPECTED[template]
    for username in [*PERSONAS, "primaryhead"]:
        status = cast.client(username).post(path, data).status_code
        expected = {302} if username in allowed else {cast.refused(username)}
        assert status in expected, f"POST {path} as {username}: {status}, expected {expected}"


def test_unknown_role_or_school_in_a_url_is_not_found(cast: Cast) -> None:
    client = cast.client("teacher")
    assert client.get(f"/school/{cast.primary.urn}/wizard/").status_code == 404
    assert client.get("/school/123456/teacher/").status_code == 404
    assert client.get(f"/school/{cast.other.urn}/teacher/").status_code == 404


def test_teacher_cannot_see_another_schools_pupil(cast: Cast) -> None:
    from nextsteps.people.models import Pupil

    isaac = Pupil.objects.get(school=cast.other)
    client = cast.client("teacher")
    assert client.get(f"/school/{cast.primary.urn}/pupils/{isaac.pk}/").status_code == 404
    assert client.get(f"/school/{cast.other.urn}/pupils/{isaac.pk}/").status_code == 404
    other = cast.client("otherteacher")
    assert other.get(f"/school/{cast.other.urn}/pupils/{isaac.pk}/").status_code == 200
    assert other.get(f"/school/{cast.primary.urn}/pupils/{cast.amara.pk}/").status_code == 404


def test_parent_sees_only_their_own_children(cast: Cast) -> None:
    from nextsteps.people.models import Pupil

    client = cast.client("parent")
    classmate = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk=cast.amara.pk)
        .first()
    )
    assert classmate is not None
    assert client.get(f"/school/{cast.primary.urn}/pupils/{cast.amara.pk}/").status_code == 200
    assert client.get(f"/school/{cast.primary.urn}/pupils/{classmate.pk}/").status_code == 404


def test_pupil_sees_only_themselves(cast: Cast) -> None:
    from nextsteps.people.models import Pupil

    client = cast.client("pupil")
    classmate = (
        Pupil.objects.filter(enrolments__teaching_class=cast.four_oak)
        .exclude(pk=cast.amara.pk)
        .first()
    )
    assert classmate is not None
    assert client.get(f"/school/{cast.primary.urn}/pupils/{classmate.pk}/").status_code == 404


def test_head_of_maths_sees_maths_classes_but_not_english(cast: Cast) -> None:
    from nextsteps.teaching.models import Class

    client = cast.client("hod")
    urn = cast.secondary.urn
    maths = Class.objects.get(school=cast.secondary, name="8 Ma2")
    english = Class.objects.get(school=cast.secondary, name="8K En")
    assert client.get(f"/school/{urn}/classes/{maths.pk}/").status_code == 200
    assert client.get(f"/school/{urn}/classes/{english.pk}/").status_code == 404


def test_admin_site_is_for_data_managers_and_scoped_to_their_schools(cast: Cast) -> None:
    assert cast.client("teacher").get("/admin/").status_code == 302
    admin = cast.client("admin")
    assert admin.get("/admin/").status_code == 200
    response = admin.get("/admin/people/pupil/?q=North")
    assert response.status_code == 200
    assert b"Isaac" not in response.content  # a pupil of another trust's school


def api_writes(cast: Cast) -> dict[str, tuple[str, str, dict[str, Any], set[str]]]:
    """Each write route of the API with a valid body, and who may get past its access check."""
    from nextsteps.assessments.models import Assessment
    from nextsteps.curriculum.models import ScaleLevel

    kwargs = sample_kwargs(cast, "", "teacher")
    test = Assessment.objects.get(pk=kwargs["assessment_id"])
    question = test.questions.order_by("position").first()
    level = ScaleLevel.objects.filter(scale=cast.maths_framework.scale).order_by("position").last()
    assert question is not None and level is not None
    base = f"/api/v1/schools/{cast.primary.urn}"
    target = f"{base}/targets/{kwargs['target_id']}"
    new_target = {
        "pupil_id": cast.amara.pk,
        "class_id": cast.four_oak.pk,
        "objective_id": kwargs["objective_id"],
        "wording": "I can check my answer with the inverse.",
    }
    mark = {"pupil_id": cast.amara.pk, "question_id": question.pk, "marks": 1}
    return {
        "marks": (
            "post",
            f"{base}/assessments/{test.pk}/marks",
            {"marks": [mark]},
            {"teacher", "ta"},
        ),
        "target set": ("post", f"{base}/targets", new_target, {"teacher"}),
        "target change": ("patch", target, {"shared_with_guardians": True}, {"teacher"}),
        "target confirm": ("post", f"{target}/confirm", {"level_id": level.pk}, {"teacher"}),
        "target return": (
            "post",
            f"{target}/return",
            {"comment": "One more, please."},
            {"teacher"},
        ),
    }


@pytest.mark.parametrize(
    "write", ["marks", "target set", "target change", "target confirm", "target return"]
)
def test_each_api_write_is_made_only_by_the_people_it_is_for(cast: Cast, write: str) -> None:
    """Refused is 404 and writes nothing; allowed gets past access (the body may still be
    refused for what it says, 422, or the row's state, as a second confirm is)."""
    import json

    from django.test import Client

    from nextsteps.api.services import token_create

    method, path, payload, allowed = api_writes(cast)[write]
    for username in [*PERSONAS, "primaryhead", "trustleader"]:
        _, secret = token_create(user=cast.user(username), name="walk", by=None)
        response = getattr(Client(), method)(
            path,
            json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        if username in allowed:
            assert response.status_code in {200, 201, 422}, f"{write} as {username}"
        else:
            assert response.status_code == 404, f"{write} as {username}: {response.status_code}"
