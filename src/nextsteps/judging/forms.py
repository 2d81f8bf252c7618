"""Forms for setting up sessions: choices are limited to what the organiser may use."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective, ScaleLevel
from nextsteps.judging.models import CJSession, ModerationSession
from nextsteps.people.models import Staff, year_label
from nextsteps.schools.models import Department


def objective_choices(objectives: Iterable[Objective]) -> list[tuple[str, Any]]:
    """Objectives grouped by framework and year for a select's optgroups."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for objective in objectives:
        year = f" · {year_label(objective.year_group)}" if objective.year_group is not None else ""
        group = f"{objective.framework.name}{year}"
        groups.setdefault(group, []).append((objective.pk, f"{objective.code} {objective.wording}"))
    return [("", _("Choose a learning intention")), *groups.items()]


class ObjectiveField(forms.TypedChoiceField):
    """A choice among the objectives the organiser may use; cleans to the Objective."""

    def __init__(self, objectives: QuerySet[Objective], **kwargs: Any) -> None:
        self.objectives = objectives
        super().__init__(choices=objective_choices(objectives), coerce=int, **kwargs)

    def clean(self, value: Any) -> Objective | None:
        pk = super().clean(value)
        if pk in (None, ""):
            return None
        objective = self.objectives.filter(pk=pk).first()
        if objective is None:
            raise forms.ValidationError(_("Choose one of the learning intentions listed."))
        return objective


class StaffField(forms.ModelMultipleChoiceField[Staff]):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LevelField(forms.ModelChoiceField[ScaleLevel]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} ({obj.scale.name})"


class ModerationSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    sampling = forms.ChoiceField(
        label=_("How to choose the sample"),
        choices=ModerationSession.Sampling.choices,
        initial=ModerationSession.Sampling.STRATIFIED,
        widget=forms.RadioSelect,
    )
    sample_size = forms.IntegerField(
        label=_("Pieces of work in the sample"), min_value=2, max_value=60, initial=12
    )
    standard = LevelField(
        label=_("Only work at this standard (optional)"),
        queryset=ScaleLevel.objects.none(),
        required=False,
        empty_label=_("Any standard"),
        help_text=_("For example, moderate only the pupils judged at greater depth."),
    )
    standardise_first = forms.BooleanField(
        label=_("Moderators judge exemplars from the bank first"), required=False, initial=True
    )

    def __init__(
        self, *args: Any, objectives: QuerySet[Objective], staff: QuerySet[Staff], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"] = ObjectiveField(objectives, label=_("Learning intention"))
        self.fields["moderators"] = StaffField(
            queryset=staff,
            label=_("Moderators"),
            help_text=_("They judge the work without seeing the teacher's judgement."),
        )
        scale_ids = objectives.values("framework__scale_id")
        self.fields["standard"].queryset = (  # type: ignore[attr-defined]
            ScaleLevel.objects.filter(scale_id__in=scale_ids).select_related("scale")
        )
        self.order_fields(["title", "objective", "standard", "sampling", "sample_size"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        objective, standard = data.get("objective"), data.get("standard")
        if objective and standard and standard.scale_id != objective.framework.scale_id:
            self.add_error(
                "standard",
                _("%(level)s is not a level of %(framework)s.")
                % {"level": standard.label, "framework": objective.framework.name},
            )
        return data


class CJSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    task = forms.CharField(
        label=_("Task"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The question the pupils answered; judges see it above every pair."),
    )
    target_per_script = forms.IntegerField(
        label=_("Judgements per script"),
        min_value=1,
        max_value=100,
        initial=20,
        help_text=_("20 is usual for a reliable scale."),
    )
    adaptive = forms.BooleanField(
        label=_("Adaptive pairing (pairs scripts close on the scale)"),
        required=False,
        help_text=_(
            "Fewer judgements for the same precision, but it inflates the reliability "
            "figure; the report says so."
        ),
    )
    estimator = forms.ChoiceField(
        label=_("Estimator"), choices=CJSession.Estimator.choices, initial=CJSession.Estimator.NMM
    )
    scaled_centre = forms.DecimalField(
        label=_("Scaled score at the centre of the scale"),
        initial=100,
        max_digits=6,
        decimal_places=1,
    )
    scaled_per_logit = forms.DecimalField(
        label=_("Scaled points per logit"),
        initial=10,
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Scaled score = centre + points per logit × the script’s place."),
    )

    def __init__(
        self,
        *args: Any,
        objectives: QuerySet[Objective],
        staff: QuerySet[Staff],
        departments: QuerySet[Department],
        whole_school: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"] = forms.ModelChoiceField(
            label=_("Department"),
            queryset=departments,
            required=not whole_school,
            empty_label=_("Whole school") if whole_school else None,
        )
        self.fields["objective"] = ObjectiveField(
            objectives,
            label=_("Learning intention the results are judgements on (optional)"),
            required=False,
        )
        self.fields["judges"] = StaffField(queryset=staff, label=_("Judges"))
        self.order_fields(["title", "task", "department", "objective", "judges"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        objective, department = data.get("objective"), data.get("department")
        if objective and department and objective.framework.subject.department_id != department.pk:
            self.add_error(
                "objective",
                _("%(code)s is not taught by %(department)s.")
                % {"code": objective.code, "department": department.name},
            )
        return data


class ExemplarForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    level = forms.ModelChoiceField(label=_("Agreed standard"), queryset=ScaleLevel.objects.none())
    text = forms.CharField(
        label=_("The work, in words"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    file = forms.FileField(
        label=_("Or a photo or PDF of it"),
        required=False,
        help_text=_("JPEG, PNG or PDF, up to 10 MB."),
    )

    def __init__(self, *args: Any, levels: QuerySet[ScaleLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels  # type: ignore[attr-defined]
