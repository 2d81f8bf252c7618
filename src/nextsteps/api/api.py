"""The REST API (django-ninja) under /api/v1/: OpenAPI at openapi.json, interactive docs at docs.

Callers authenticate with a personal token (`Authorization: Bearer …`) or a signed-in session;
every route asks `nextsteps.access` (or its app's permissions) for what it loads, so the API
sees what the pages see, and `access.AccessCheckedMiddleware` fails a route that does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from nextsteps import access
from nextsteps.api.auth import BearerToken, Session
from nextsteps.feedback.services import FeedbackRefused
from nextsteps.idempotency import IdempotencyConflict
from nextsteps.markbook.services import JudgementRefused

# Swagger UI builds its page with inline styles; only the docs page is allowed them.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def docs_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and the docs page are public: they describe the API, they hold no data."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access.mark_asked()
        response = view(request, *args, **kwargs)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    return wrapped


class BodyParser(Parser):
    """Ninja's JSON body parser; a body that does not parse is refused (400) before the route
    runs, so before it could ask `access` anything."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return super().parse_body(request)
        except Exception:
            access.answered_before_view()
            raise


api = NinjaAPI(
    title="nextsteps API",
    version="1",
    description=(
        "Pupils, classes, frameworks, judgements, standings, targets, tests and their marks, "
        "progress measures and comparative judgement reports of the schools you work in, with the "
        "same access as the pages. "
        "Each person also reads no more than their pages show: where staff and families share "
        "a route, staff receive the full record (`PupilOut`, `JudgementOut`, "
        "`TargetDetailOut`) and a pupil or their parents a narrower one (`PupilFamilyOut`, "
        "`JudgementFamilyOut`; a parent `TargetOut`), chosen by who is asking. "
        "Send a personal token as "
        "`Authorization: Bearer <token>`; make one from your school's data page or with "
        "`nextsteps token create USERNAME`."
    ),
    auth=[BearerToken(), Session()],
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_decorator=docs_view,
    parser=BodyParser(),
)


@api.exception_handler(AuthenticationError)
def sign_in_refused(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    """A caller refused at sign-in, before any route ran (no token or session, an expired or
    read-only token, a session without its CSRF token): the access core's sign-in rule is
    the answer, as `access.signed_in` is for a page; the route never ran."""
    access.answered_before_view()
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


@api.exception_handler(ValidationError)
def parameters_refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Parameters or a body that do not parse: 422 with each problem, before the route runs
    (so before it could ask `access` anything)."""
    access.answered_before_view()
    return api.create_response(request, {"detail": error.errors}, status=422)


@api.exception_handler(JudgementRefused)
@api.exception_handler(FeedbackRefused)
def refused(request: HttpRequest, error: Exception) -> HttpResponse:
    """A service's refusal (a rule of the school's work, not of the request's shape): 422,
    naming the field when the refusal is about one."""
    field = getattr(error, "field", None)
    detail = f"{field}: {error}" if field else str(error)
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: Exception) -> HttpResponse:
    """A person refused something of a school they belong to: 403 with the reason, as JSON."""
    detail = str(error) or "You may not do this."
    return api.create_response(request, {"detail": detail}, status=403)


def unknown_route(request: HttpRequest, unknown: str = "") -> HttpResponse:
    """An address under /api/ that names no route: a JSON 404 (a client parses every answer)."""
    access.mark_asked()
    return JsonResponse(
        {
            "detail": f"No API route at {request.path}. The routes are listed at "
            f"{reverse('api:openapi-view')}."
        },
        status=404,
    )


@api.exception_handler(IdempotencyConflict)
def idempotency_conflict(request: HttpRequest, error: Exception) -> HttpResponse:
    """An idempotency key reused for a different request: 409, naming the key; nothing stored."""
    return api.create_response(request, {"detail": str(error)}, status=409)


from nextsteps.api import (  # noqa: E402  (routes register on `api`)
    assessments,
    evidence,
    judging,
    progress,
    routes,
    targets,
)

api.add_router("", routes.router)
api.add_router("", evidence.router)
api.add_router("", targets.router)
api.add_router("", assessments.router)
api.add_router("", progress.router)
api.add_router("", judging.router)
