"""Writes for curriculum frameworks: import a `FrameworkSpec` as rows, in one transaction."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext

from nextsteps.accounts.models import Actor
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.curriculum.kernels.spec import (
    ExemplarSpec,
    FrameworkSpec,
    LevelSpec,
    ObjectiveSpec,
    ScaleSpec,
    StrandSpec,
)
from nextsteps.curriculum.models import (
    Exemplar,
    Framework,
    Objective,
    Scale,
    ScaleLevel,
    Strand,
    SuccessCriterion,
)
from nextsteps.schools.models import School, Subject

DEFAULT_SCALE = ScaleSpec(
    name="Standards",
    mastery_threshold=Decimal(3),
    levels=(
        LevelSpec("Not yet", Decimal(1), "#d4351c"),
        LevelSpec("Working towards", Decimal(2), "#f47738"),
        LevelSpec("Secure", Decimal(3), "#00703c"),
        LevelSpec("Greater depth", Decimal(4), "#1d70b8"),
    ),
)


class FrameworkExists(ValueError):
    """A framework with this name and version is already in the school."""


@transaction.atomic(durable=True)
def framework_import(
    *, school: School, spec: FrameworkSpec, by: Actor | None, replace: bool = False
) -> Framework:
    """Create a framework with its scales, strands, objectives and steps from a spec.

    A framework is identified by name and version; importing the same again is refused
    unless `replace` is set, in which case the old version's objectives are updated in place
    (so judgements recorded against them are kept) and new ones added.
    """
    existing = Framework.objects.filter(school=school, name=spec.name, version=spec.version).first()
    if existing is not None and not replace:
        raise FrameworkExists(
            gettext("%(name)s version %(version)s is already in %(school)s")
            % {"name": spec.name, "version": spec.version, "school": school}
        )
    subject, _ = Subject.objects.get_or_create(school=school, name=spec.subject)
    scale = scale_ensure(school=school, spec=spec.scale or DEFAULT_SCALE, kind=Scale.Kind.TEACHER)
    self_scale = (
        scale_ensure(school=school, spec=spec.self_scale, kind=Scale.Kind.SELF)
        if spec.self_scale
        else None
    )
    fields = {
        "subject": subject,
        "phase": spec.phase,
        "description": spec.description,
        "calculation_method": spec.calculation_method,
        "calculation_parameter": spec.calculation_parameter,
        "scale": scale,
        "self_scale": self_scale,
        "attribution": spec.attribution,
        "licence": spec.licence,
    }
    framework, _ = Framework.objects.update_or_create(
        school=school, name=spec.name, version=spec.version, defaults=fields
    )
    levels = {level.label: level for level in scale.levels.all()}
    _import_strands(framework, spec.strands, levels)
    audit_write(actor=by, action=AuditAction.FRAMEWORK_IMPORT, target=framework)
    return framework


def scale_ensure(*, school: School, spec: ScaleSpec, kind: str) -> Scale:
    """The school's scale of this name, created or brought in line with the spec."""
    scale, _ = Scale.objects.update_or_create(
        school=school,
        name=spec.name,
        kind=kind,
        defaults={"mastery_threshold": spec.mastery_threshold},
    )
    wanted = {level.label for level in spec.levels}
    # Levels are matched by label so that judgements pointing at a level keep their meaning.
    ScaleLevel.objects.filter(scale=scale).exclude(label__in=wanted).delete()
    ScaleLevel.objects.filter(scale=scale).update(position=F("position") + 1000)
    for position, level in enumerate(spec.levels, start=1):
        current = ScaleLevel.objects.filter(scale=scale, label=level.label).first()
        values = {
            "position": position,
            "value": level.value,
            "colour": level.colour,
            "description": level.description,
            "symbol": level.symbol,
        }
        if current is None:
            ScaleLevel.objects.create(school=school, scale=scale, label=level.label, **values)
        else:
            for name, value in values.items():
                setattr(current, name, value)
            current.save()
    return scale


def _import_strands(
    framework: Framework, strands: tuple[StrandSpec, ...], levels: dict[str, ScaleLevel]
) -> None:
    school = framework.school
    objective_position = 0
    for strand_position, strand_spec in enumerate(strands, start=1):
        strand, _ = Strand.objects.update_or_create(
            framework=framework,
            code=strand_spec.code,
            defaults={"school": school, "name": strand_spec.name, "position": strand_position},
        )
        for objective_spec in strand_spec.objectives:
            objective_position += 1
            _import_objective(framework, strand, objective_spec, objective_position, levels)


def _import_objective(
    framework: Framework,
    strand: Strand,
    spec: ObjectiveSpec,
    position: int,
    levels: dict[str, ScaleLevel],
) -> None:
    school = framework.school
    objective, _ = Objective.objects.update_or_create(
        framework=framework,
        code=spec.code,
        defaults={
            "school": school,
            "strand": strand,
            "wording": spec.wording,
            "pupil_wording": spec.pupil_wording,
            "year_group": spec.year_group,
            "key_stage": spec.key_stage,
            "core": spec.core,
            "dimension": spec.dimension,
            "position": position,
        },
    )
    objective.success_criteria.all().delete()
    SuccessCriterion.objects.bulk_create(
        SuccessCriterion(school=school, objective=objective, position=index, wording=wording)
        for index, wording in enumerate(spec.success_criteria, start=1)
    )
    objective.exemplars.filter(file="").delete()
    Exemplar.objects.bulk_create(
        Exemplar(
            school=school,
            objective=objective,
            title=exemplar.title,
            text=exemplar.text,
            level=levels.get(exemplar.level),
        )
        for exemplar in spec.exemplars
    )


def framework_spec(framework: Framework) -> FrameworkSpec:
    """The framework as plain data, for export (YAML keeps exemplars; CSV does not)."""
    strands = list(framework.strands.all())
    objectives = list(framework.objectives.prefetch_related("success_criteria", "exemplars__level"))
    by_strand: dict[int, list[ObjectiveSpec]] = {strand.pk: [] for strand in strands}
    for objective in objectives:
        by_strand[objective.strand_id].append(_objective_spec(objective))
    return FrameworkSpec(
        name=framework.name,
        subject=framework.subject.name,
        version=framework.version,
        phase=framework.phase,
        description=framework.description,
        calculation_method=framework.calculation_method,
        calculation_parameter=framework.calculation_parameter,
        scale=_scale_spec(framework.scale),
        self_scale=_scale_spec(framework.self_scale) if framework.self_scale else None,
        attribution=framework.attribution,
        licence=framework.licence,
        strands=tuple(
            StrandSpec(code=s.code, name=s.name, objectives=tuple(by_strand[s.pk])) for s in strands
        ),
    )


def _objective_spec(objective: Objective) -> ObjectiveSpec:
    return ObjectiveSpec(
        code=objective.code,
        wording=objective.wording,
        pupil_wording=objective.pupil_wording,
        year_group=objective.year_group,
        key_stage=objective.key_stage,
        core=objective.core,
        dimension=objective.dimension,
        success_criteria=tuple(c.wording for c in objective.success_criteria.all()),
        exemplars=tuple(
            ExemplarSpec(title=e.title, text=e.text, level=e.level.label if e.level else "")
            for e in objective.exemplars.all()
            if not e.file
        ),
    )


def _scale_spec(scale: Scale) -> ScaleSpec:
    return ScaleSpec(
        name=scale.name,
        mastery_threshold=scale.mastery_threshold,
        levels=tuple(
            LevelSpec(
                label=level.label,
                value=level.value,
                colour=level.colour,
                description=level.description,
                symbol=level.symbol,
            )
            for level in scale.levels.all()
        ),
    )
