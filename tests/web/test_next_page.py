"""A form's "next" sends a person on only to a page of this site, named by its path."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from nextsteps.next_page import next_page


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/school/990101/statutory/", "/school/990101/statutory/"),
        ("https://elsewhere.example/", ""),
        ("//elsewhere.example/", ""),
        ("-2147483649", ""),  # a word Django's redirect would try to reverse as a view name
        ("home", ""),
        ("javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_only_a_path_on_this_site_is_a_next_page(given: str, expected: str) -> None:
    request = RequestFactory().post("/", {"next": given}, HTTP_HOST="testserver")
    assert next_page(request) == expected
