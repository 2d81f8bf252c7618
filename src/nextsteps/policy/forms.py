"""Forms for the policy pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.kernels.spec import CALCULATION_METHODS
from nextsteps.policy.models import Effect, GuidanceSubject, MarkingKind, Period, Structure
from nextsteps.policy.structures import (
    METHOD_LABELS,
    Audience,
    Dimension,
    EvidenceMethod,
    ModerationApproach,
)

CHECKBOXES = forms.CheckboxSelectMultiple


class AnswerForm(forms.Form):
    """The answer's text and, for structured questions, its choices and numbers."""

    text = forms.CharField(
        label=_("The department's answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("Write it for colleagues, pupils and parents: plain words, no jargon."),
    )

    def __init__(self, *args: Any, structure: str, scale_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.structure = structure
        if structure == Structure.PROGRESS:
            self.fields["scale"] = forms.ChoiceField(
                label=_("Scale teachers judge against"),
                choices=[(name, name) for name in scale_names],
            )
            self.fields["method"] = forms.ChoiceField(
                label=_("How judgements combine into a standing"),
                choices=[(m, METHOD_LABELS[m]) for m in CALCULATION_METHODS],
            )
            self.fields["parameter"] = forms.IntegerField(
                label=_("Setting for the method"),
                required=False,
                help_text=_(
                    "Weighted or decaying average: the weight of the newest evidence, as a "
                    "percentage. Mastery shown a number of times: how many times. "
                    "Other methods need no setting."
                ),
            )
            self.fields["dimensions"] = forms.MultipleChoiceField(
                label=_("Progress includes"), choices=Dimension.choices, widget=CHECKBOXES
            )
        elif structure == Structure.EVIDENCE:
            self.fields["methods"] = forms.MultipleChoiceField(
                label=_("Evidence we use"), choices=EvidenceMethod.choices, widget=CHECKBOXES
            )
        elif structure == Structure.MODERATION:
            self.fields["sessions_per_year"] = forms.IntegerField(
                label=_("Moderation sessions a year"), min_value=0, max_value=12
            )
            self.fields["approaches"] = forms.MultipleChoiceField(
                label=_("How we check judgements"),
                choices=ModerationApproach.choices,
                widget=CHECKBOXES,
            )
        elif structure == Structure.REPORTING:
            self.fields["reports_per_year"] = forms.IntegerField(
                label=_("Written reports to parents a year"), min_value=0, max_value=6
            )
            self.fields["audiences"] = forms.MultipleChoiceField(
                label=_("Who we report to"), choices=Audience.choices, widget=CHECKBOXES
            )

    def structured(self) -> dict[str, Any]:
        """The structured part of the cleaned data, as the service expects it."""
        data = self.cleaned_data
        if self.structure == Structure.PROGRESS:
            return {
                "scale": data["scale"],
                "method": data["method"],
                "parameter": data.get("parameter"),
                "dimensions": data["dimensions"],
            }
        keys = {
            Structure.EVIDENCE: ("methods",),
            Structure.MODERATION: ("sessions_per_year", "approaches"),
            Structure.REPORTING: ("reports_per_year", "audiences"),
        }.get(Structure(self.structure), ())
        return {key: data[key] for key in keys}


class RowForm(forms.Form):
    """A row in a list of rows: left blank (its `key_fields` empty), it is simply skipped."""

    key_fields: tuple[str, ...] = ()

    def full_clean(self) -> None:
        if self.is_bound and all(
            not str(self.data.get(self.add_prefix(name), "")).strip() for name in self.key_fields
        ):
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()


class PointForm(RowForm):
    key_fields = ("name", "date")
    name = forms.CharField(label=_("Name"), max_length=100)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class ActivityForm(RowForm):
    key_fields = ("kind",)
    kind = forms.ChoiceField(
        label=_("Kind of feedback"), choices=[("", _("Choose…")), *MarkingKind.choices]
    )
    times = forms.IntegerField(label=_("Times"), min_value=1, max_value=10)
    period = forms.ChoiceField(label=_("Every"), choices=Period.choices)
    minutes_per_pupil = forms.DecimalField(
        label=_("Minutes a pupil"), min_value=Decimal(0), max_value=Decimal(60), decimal_places=1
    )
    classes = forms.IntegerField(label=_("Classes"), min_value=1, max_value=20)


PointFormSet = formset_factory(PointForm, extra=2, max_num=12, absolute_max=12)
ActivityFormSet = formset_factory(ActivityForm, extra=2, max_num=12, absolute_max=12)


def rows_of(formset: forms.BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The filled-in rows of a valid formset, in order (blank rows are left out)."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data]


class CommentForm(forms.Form):
    """One box for a comment, a request for changes or a note with an agreement.

    Not required in the browser: a leader agrees an answer with no comment, while a comment
    and a request for changes are refused empty by the services, with a message that says so.
    """

    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Needed to comment or ask for changes; optional when you agree the answer."),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Whole-school decision"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_("What every department does, and where departments may differ."),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    position = forms.IntegerField(label=_("Position in the stage"), min_value=1, max_value=50)
    guidance = forms.CharField(
        label=_("Guidance for every subject"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    prompts = forms.CharField(
        label=_("Prompts for discussion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One prompt a line."),
    )
    active = forms.BooleanField(label=_("Departments answer this question"), required=False)

    def __init__(self, *args: Any, stages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages  # type: ignore[attr-defined]
        for subject, label in GuidanceSubject.choices:
            if subject == GuidanceSubject.GENERAL:
                continue
            self.fields[f"guidance_{subject}"] = forms.CharField(
                label=_("Guidance for %(subject)s") % {"subject": label},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )

    def subject_guidance(self) -> dict[str, str]:
        return {
            subject: self.cleaned_data.get(f"guidance_{subject}", "")
            for subject in GuidanceSubject.values
            if subject != GuidanceSubject.GENERAL
        }


class NewQuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    guidance = forms.CharField(
        label=_("Guidance for every subject"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    prompts = forms.CharField(
        label=_("Prompts for discussion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One prompt a line."),
    )

    def __init__(self, *args: Any, stages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    workload_limit_hours = forms.DecimalField(
        label=_("Marking and feedback limit, in hours per teacher per week"),
        min_value=Decimal("0.5"),
        max_value=Decimal(40),
        decimal_places=1,
    )
    review_interval_months = forms.IntegerField(
        label=_("Months between reviews"), min_value=1, max_value=24
    )
    data_drops_limit = forms.IntegerField(
        label=_("Data drops a year"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("Leave blank for the default: three a year, after “Making data work”."),
    )


class DepartmentSettingsForm(forms.Form):
    guidance_subject = forms.ChoiceField(
        label=_("Guidance the department reads"), choices=GuidanceSubject.choices
    )
    pupils_per_class = forms.IntegerField(
        label=_("Pupils per class for workload"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Leave blank to use the average size of the department's classes."),
    )
    compare_teachers = forms.BooleanField(
        label=_("Show the department's figures by teacher"),
        required=False,
        help_text=_(
            "On the department's data page, for its head and senior leaders only. Off until "
            "the school decides to compare classes by teacher."
        ),
    )


class ReviewScheduleForm(forms.Form):
    focus = forms.CharField(label=_("What the review looks at"), max_length=300)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.TypedChoiceField(
        label=_("Scope"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, departments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole school")),
            *departments,
        ]


class ReviewCompleteForm(forms.Form):
    effect = forms.ChoiceField(
        label=_("Effect on pupils' progress"), choices=Effect.choices, widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label=_("Evidence of the effect"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=_("For example: standings on core learning, pupils' work, pupil voice."),
    )
    actions = forms.CharField(
        label=_("What we will change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )
    completed_on = forms.DateField(
        label=_("Reviewed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
