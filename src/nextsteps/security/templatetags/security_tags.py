"""`{% pupil_data_tools school pupil %}`: the data manager's subject access button."""

from __future__ import annotations

from typing import Any

from django import template

from nextsteps import access
from nextsteps.accounts.models import Role

register = template.Library()


@register.inclusion_tag("security/includes/pupil_tools.html", takes_context=True)
def pupil_data_tools(context: dict[str, Any], school: Any, pupil: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = user is not None and Role.ADMIN in access.roles_in(user, school)
    return {"shown": shown, "school": school, "pupil": pupil}
