"""Pages with a large part built in Python: the part joined into the response once.

Django's template engine joins each block's output into a new string at every level of the
template (each `{% if %}`, `{% block %}` and the layout around them), and marks each safe
with another copy. A markbook grid is half a megabyte of HTML, so its page spent more time
copying the grid from level to level than drawing it. `render_with_parts` renders the
template with a short marker where each part goes and writes the response from the pieces:
each part is copied once, into the response's bytes.

A part is HTML already escaped (a `SafeString`); a marker the template does not show leaves
its part out, as a variable the template does not use would, and a marker shown twice shows
the part twice.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


def render_with_parts(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any],
    parts: Mapping[str, SafeString],
) -> HttpResponse:
    """The template rendered with `context`, each of `parts` shown where the template shows
    the context variable of its name."""
    for name, part in parts.items():
        if not isinstance(part, SafeString):
            raise TypeError(f"the page's part {name!r} must be HTML marked safe")
    # A marker no person's text can make: this response's own random token.
    token = secrets.token_hex(8)
    markers = {name: mark_safe(f"<!--part-{token}-{name}-->") for name in parts}  # noqa: S308
    page = render_to_string(template_name, {**context, **markers}, request)
    pieces = re.split(f"<!--part-{token}-([A-Za-z_][A-Za-z0-9_]*)-->", page)
    response = HttpResponse()
    # Text and names alternate: text, name, text, name, text... Each is written as it is
    # (encoded once), not joined into one string first.
    for index, piece in enumerate(pieces):
        response.write(piece if index % 2 == 0 else parts[piece])
    return response
