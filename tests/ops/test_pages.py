"""A page's large parts are joined into the response once, and the page is the same as the
template would have drawn it with the parts in its context."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils.safestring import mark_safe

from nextsteps.ops.pages import render_with_parts

PAGE = """<main>{% if show %}<table>{{ head }}<tbody>{{ body }}</tbody></table>{% endif %}
<p>{{ note }}</p>{% for i in twice %}{{ head }}{% endfor %}</main>"""

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"page.html": PAGE})]},
    }
]


@pytest.fixture
def request_():  # type: ignore[no-untyped-def]
    return RequestFactory().get("/")


@override_settings(TEMPLATES=TEMPLATES)
@pytest.mark.parametrize("show", [True, False])
def test_the_page_is_the_template_with_its_parts(request_, show: bool) -> None:  # type: ignore[no-untyped-def]
    parts = {
        "head": mark_safe("<tr><th>é · 1</th></tr>"),  # noqa: S308 - the test's own HTML
        "body": mark_safe("<tr><td>x</td></tr>" * 500),  # noqa: S308 - the test's own HTML
    }
    # A person's text that looks like a marker is only text.
    context = {"show": show, "note": "<!--part-0000000000000000-body-->", "twice": [1, 2]}
    response = render_with_parts(request_, "page.html", context, parts)
    assert response.status_code == 200
    assert response.content.decode() == render_to_string("page.html", {**context, **parts})
    assert response.content.count(b"<td>x</td>") == (500 if show else 0)
    assert response.content.count("é · 1".encode()) == (3 if show else 2)


@override_settings(TEMPLATES=TEMPLATES)
def test_a_part_must_be_html_marked_safe(request_) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="'body' must be HTML marked safe"):
        render_with_parts(request_, "page.html", {}, {"head": mark_safe(""), "body": "<b>"})  # type: ignore[dict-item]
