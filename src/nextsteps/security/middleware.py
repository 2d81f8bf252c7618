"""Recording who viewed a pupil's pages: one audit event per person, pupil and day.

Any page or API route whose URL names a pupil (`<pupil_id>`) and that answered 200 to a GET
counts as a view of that pupil's data. Repeat views the same day are not written again: the
session remembers them (no query at all), and token callers, who have no session, are
remembered in the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from nextsteps.filereading import Unreadable
from nextsteps.security.services import pupil_view_record


class PupilViewAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pupil_id = getattr(request, "_viewed_pupil_id", None)
        if pupil_id is not None and response.status_code == 200:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                pupil_view_record(request=request, user=user, pupil_id=pupil_id)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: dict[str, Any],
    ) -> None:
        if request.method == "GET" and "pupil_id" in view_kwargs:
            try:
                request._viewed_pupil_id = int(view_kwargs["pupil_id"])  # type: ignore[attr-defined]
            except (TypeError, ValueError):
                return None
        return None


class RefuseNulCharactersMiddleware:
    """Refuse (400) a request whose query string or form fields hold a NUL character.

    No page needs one, PostgreSQL cannot store one in text (it would fail the request with a
    server error deep in a service), and it is a classic way to confuse parsers. Django's form
    fields refuse it already; this covers views that read `request.POST` directly.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (
            request.method in {"POST", "PUT", "PATCH"} and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest(
                _("The form held a NUL character, which cannot be stored. Nothing was saved."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class UnreadableUploadMiddleware:
    """The guard behind every upload page: a file its reader refused is a 400, never a 500.

    Every reader of an uploaded file goes through `nextsteps.filereading`, which raises
    `Unreadable` naming the file and line (a NUL, text that is not UTF-8, a damaged or
    bomb-sized zip). The upload pages catch it and show it beside their form; should one not,
    the person is still told what is wrong with which file, and the transaction the reader ran
    in has been rolled back, so nothing was saved.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Unreadable):
            return None
        return HttpResponseBadRequest(
            _("That file cannot be read, so nothing was saved. %(problem)s")
            % {"problem": exception},
            content_type="text/plain; charset=utf-8",
        )


def _has_nul(data: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())
