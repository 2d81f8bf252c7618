"""Reads of frameworks, shaped for their pages, with bounded queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from nextsteps.curriculum.models import Framework, Objective, ScaleLevel, Strand


def framework_cards(frameworks: QuerySet[Framework]) -> list[Framework]:
    """Frameworks with their objective, core objective and strand counts (one query)."""
    return list(
        frameworks.annotate(
            objective_count=Count("objectives", distinct=True),
            core_count=Count("objectives", filter=Q(objectives__core=True), distinct=True),
            strand_count=Count("strands", distinct=True),
        )
    )


@dataclass(frozen=True)
class FrameworkPage:
    strands: list[Strand]
    levels: list[ScaleLevel]
    self_levels: list[ScaleLevel]
    years: list[int]


def framework_page(framework: Framework, year: int | None = None) -> FrameworkPage:
    """A framework's strands with their objectives (of one year group, when given), its
    levels and the year groups it has objectives for."""
    objectives = Objective.objects.prefetch_related("success_criteria", "exemplars__level")
    if year is not None:
        objectives = objectives.filter(year_group=year)
    strands = framework.strands.prefetch_related(Prefetch("objectives", queryset=objectives))
    years = sorted(
        {y for y in framework.objectives.values_list("year_group", flat=True) if y is not None}
    )
    return FrameworkPage(
        strands=[s for s in strands if s.objectives.all()],
        levels=list(framework.scale.levels.all()),
        self_levels=list(framework.self_scale.levels.all()) if framework.self_scale else [],
        years=years,
    )
