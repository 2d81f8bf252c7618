"""Reads for the web shell's own pages: how far a school has come in setting up."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from nextsteps.curriculum.models import Framework
from nextsteps.markbook.models import AssessmentPoint, Judgement
from nextsteps.people.models import Guardian, Pupil
from nextsteps.policy.models import PolicyDocument
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class


def setup_progress(school: School) -> dict[str, Any]:
    """The counts the getting-started guide shows beside each step (one query per table)."""
    pupils = Pupil.objects.filter(school=school, leaving_date__isnull=True).aggregate(
        total=Count("pk"), with_accounts=Count("pk", filter=Q(user__isnull=False))
    )
    guardians = Guardian.objects.filter(school=school).aggregate(
        total=Count("pk"), with_accounts=Count("pk", filter=Q(user__isnull=False))
    )
    classes = list(
        Class.objects.filter(school=school)
        .annotate(pupil_count=Count("enrolments", distinct=True))
        .order_by("name")
    )
    return {
        "pupils": pupils["total"],
        "pupils_with_accounts": pupils["with_accounts"],
        "classes": classes,
        "frameworks": Framework.objects.filter(school=school).count(),
        "assessment_points": AssessmentPoint.objects.filter(school=school).count(),
        "policy_versions": PolicyDocument.objects.filter(school=school).count(),
        "judgements": Judgement.objects.filter(school=school).count(),
        "guardians": guardians["total"],
        "guardians_with_accounts": guardians["with_accounts"],
    }
