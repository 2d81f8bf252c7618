"""Where a form asked to go next, only if that page is on this site.

Every "next" a page or form carries comes from the browser, so it may name another site or
not be a path at all; each view that sends a person on asks here instead of redirecting to it.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_page(request: HttpRequest, *, field: str = "next") -> str:
    """The `field` the request carries (the form's, else the query string's), if it is a page
    of this site given as its path ("/school/…"); otherwise the empty string. Anything else,
    even a word that happens to name a view, is not a page a form asked for."""
    wanted = request.POST.get(field) or request.GET.get(field) or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""
