"""Navigation for the layout: the schools and roles the signed-in person can switch between."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from nextsteps import access
from nextsteps.accounts.models import Role
from nextsteps.feedback.selectors import unread_count
from nextsteps.web.permissions import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    memberships = access.memberships(user)
    homes = [
        {
            "urn": m.school.urn,
            "school": m.school.name,
            "role": m.role,
            "label": m.get_role_display(),
        }
        for m in memberships
    ]
    match = request.resolver_match
    urn = match.kwargs.get("urn") if match else None
    role = match.kwargs.get("role") if match else None
    here = [m for m in memberships if m.school.urn == urn] or memberships[:1]
    roles = {m.role for m in here}
    current = role if role in roles else (here[0].role if here else None)
    return {
        "role_homes": homes,
        "nav_urn": here[0].school.urn if here else None,
        "nav_school": here[0].school.name if here else "",
        "nav_role": current,
        "nav_role_label": Role(current).label if current else "",
        **menu_for(roles),
        # Counted only when the layout shows it (one query), then remembered for the page.
        "nav_unread": SimpleLazyObject(lambda: unread_count(user, here[0].school_id))
        if here
        else 0,
    }
