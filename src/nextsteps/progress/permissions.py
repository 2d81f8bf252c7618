"""Who may see the progress measures and results analysis, built from the access core.

- Senior leaders and data managers of the school, and leaders of its trust: every progress
  page (the measures, the reference tables, the KS4 models and options).
- A head of department: the KS4 results analysis and Year 11 working-at pages, for their
  department's subjects only.
- Anyone else: not found (404), or refused plainly (403) if they belong to the school.
"""

from __future__ import annotations

from django.http import Http404

from nextsteps import access
from nextsteps.accounts.models import Actor
from nextsteps.schools.models import School


def leaders_school(user: Actor, urn: int) -> School:
    """The school, for its senior leaders and data managers and the leaders of its trust."""
    return access.access_school(user, urn, roles=access.WHOLE_SCHOOL_ROLES)


def results_departments(user: Actor, school: School) -> set[int] | None:
    """Whose subjects' exam results the user may analyse: None (every subject) for
    whole-school staff and trust leaders, a head of department's own departments, else 404."""
    access.mark_asked()
    if access.sees_whole_school(user, school):
        return None
    departments = access.hod_department_ids(user, school)
    if not departments:
        raise Http404("Not found")
    return departments


def results_school(user: Actor, urn: int) -> tuple[School, set[int] | None]:
    """The school and the departments whose results the user analyses (None: every one)."""
    school = access.access_school(user, urn)
    return school, results_departments(user, school)
