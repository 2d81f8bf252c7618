"""The school a policy page is for, and who may open it: one answer for every policy page."""

from __future__ import annotations

from django.http import HttpRequest

from nextsteps import access
from nextsteps.policy import permissions, services
from nextsteps.schools.models import School


def policy_school(request: HttpRequest, urn: int) -> School:
    """The school, for anyone with a role in it; the default questions are there from now on."""
    school = access.access_school(request.user, urn)
    services.key_questions_ensure(school=school, by=None)
    return school


def policy_worker_school(request: HttpRequest, urn: int) -> School:
    """Leaders and heads of department, who work on the policy before it is published."""
    school = policy_school(request, urn)
    permissions.require_worker(request.user, school)
    return school


def policy_leader_school(request: HttpRequest, urn: int) -> School:
    """The policy's leaders, who preview, publish and schedule reviews."""
    school = policy_school(request, urn)
    permissions.require_leader(request.user, school)
    return school
