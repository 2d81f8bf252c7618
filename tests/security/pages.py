"""Shared by the page checks: every GET page of the site for a person, and an HTML reader that
finds what the Content Security Policy would block and forms without a CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client

from tests.conftest import Cast
from tests.web.test_access_walk import sample_kwargs, url_patterns

# JSON data blocks are not run by the browser, so the CSP does not need to allow them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# The API's Swagger page has its own, documented policy (inline styles only, no inline script).
OWN_POLICY = ("/api/v1/docs",)


def routes() -> list[str]:
    return sorted({route for route, _ in url_patterns()})


def fill(route: str, values: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        return str(values.get(match.group(2), 1))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def page_paths(cast: Cast, role_hint: str) -> Iterator[str]:
    """One path per route, with the primary school's sample ids (1 where none is known)."""
    for route in routes():
        roles = (
            ["admin", "leader", "hod", "teacher", "ta", "pupil", "guardian"]
            if "<str:role>" in route
            else [role_hint]
        )
        for role in roles:
            try:
                values = sample_kwargs(cast, route, role)
            except Exception:  # noqa: BLE001 - a sample the walk cannot make yet: use 1s
                values = {"urn": cast.primary.urn, "role": role}
            yield fill(route, values)


def html_pages(cast: Cast, client: Client, role_hint: str) -> Iterator[tuple[str, Any]]:
    """(path, response) for every page that answers 200 with HTML."""
    for path in page_paths(cast, role_hint):
        response = client.get(path)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            yield path, response


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)
    has_csrf: bool = False


class PageReader(HTMLParser):
    """Collects what a strict CSP blocks (inline script, style attributes and elements, event
    handler attributes, javascript: URLs) and the page's forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._script_open = False
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name == "style":
                self.problems.append(f'<{tag} style="{value[:40]}">')
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...> (inline event handler)")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
        if tag == "style":
            self.problems.append("<style> element")
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") not in DATA_SCRIPT_TYPES
        ):
            self._script_open = True
            self._script_text = []
        if tag == "form":
            self._form = Form(
                action=attributes.get("action", ""), method=attributes.get("method", "get").lower()
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "textarea", "select", "button"}:
            name = attributes.get("name")
            if name == "csrfmiddlewaretoken":
                self._form.has_csrf = True
            elif name:
                self._form.fields.append({"tag": tag, "name": name, **attributes})
            if tag == "select":
                self._select = name
        if tag == "option" and self._form is not None and self._select:
            self._form.options.setdefault(self._select, []).append(attributes.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._script_open:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script_open:
            self._script_open = False
            self.problems.append(
                f"<script> without src: {''.join(self._script_text).strip()[:60]!r}"
            )
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def read(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


def page_problems(path: str, html: str) -> list[str]:
    """What a strict Content Security Policy would block on the page, and post forms without a
    CSRF token, each named with the page's path."""
    page = read(html)
    found = [p for p in page.problems if not (path.startswith(OWN_POLICY) and "style" in p)]
    return [f"{path}: {p}" for p in found] + [
        f"{path}: <form method=post action={form.action!r}> has no CSRF token"
        for form in page.forms
        if form.method == "post" and not form.has_csrf
    ]
