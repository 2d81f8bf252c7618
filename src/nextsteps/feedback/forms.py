"""Forms for the feedback pages: they parse and validate; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nextsteps.curriculum.models import Objective, ScaleLevel, SuccessCriterion
from nextsteps.feedback.models import Depth
from nextsteps.markbook.uploads import MAX_BYTES
from nextsteps.people.models import Pupil
from nextsteps.teaching.models import PupilGroup

UPLOAD_ACCEPT = "image/*,application/pdf,.doc,.docx,.odt,.pptx,.xlsx"
UPLOAD_HELP = _("A photo, PDF or document, up to %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


if TYPE_CHECKING:  # the fields are generic only to the type checker
    _ObjectivesChoice = forms.ModelMultipleChoiceField[Objective]
    _ObjectiveChoice = forms.ModelChoiceField[Objective]
else:
    _ObjectivesChoice = forms.ModelMultipleChoiceField
    _ObjectiveChoice = forms.ModelChoiceField


class ObjectivesField(_ObjectivesChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.wording}"


class ObjectiveField(_ObjectiveChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.wording}"


class WorkForm(forms.Form):
    """Setting work. The subject, strand and search on the page only choose which intentions
    are listed (the view reads them, and ignores any it does not know), so they are not
    fields here: they can never refuse the work."""

    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(
        label=_("What to do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.ModelChoiceField(
        label=_("Set to"),
        queryset=PupilGroup.objects.none(),
        required=False,
        empty_label=_("The whole class"),
    )
    objectives = ObjectivesField(
        label=_("Learning intentions"),
        queryset=Objective.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    criteria = forms.ModelMultipleChoiceField(
        label=_("Success criteria to look for"),
        queryset=SuccessCriterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to use every step of the chosen intentions."),
    )
    due_on = forms.DateField(label=_("Due"), required=False, widget=_date_input())

    def __init__(self, *args: Any, groups: Any, objectives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["objectives"].queryset = objectives  # type: ignore[attr-defined]
        self.fields["criteria"].queryset = SuccessCriterion.objects.filter(  # type: ignore[attr-defined]
            objective__in=objectives
        ).select_related("objective")


class VersionForm(forms.Form):
    text = forms.CharField(
        label=_("My writing"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    response = forms.CharField(
        label=_("What I changed, or my answer to the feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(
        label=_("Or a photo or file of my work"),
        required=False,
        help_text=UPLOAD_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )


class FeedbackForm(forms.Form):
    criteria_met = forms.ModelMultipleChoiceField(
        label=_("Success criteria met"),
        queryset=SuccessCriterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_step = forms.CharField(
        label=_("One next step"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One short step the pupil can act on now, in words they can read."),
    )
    released_to_guardians = forms.BooleanField(
        label=_("Share this feedback with parents"), required=False, initial=True
    )

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_met"].queryset = criteria  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    pupil = forms.ModelChoiceField(label=_("Pupil"), queryset=Pupil.objects.none())
    objective = ObjectiveField(label=_("Learning intention"), queryset=Objective.objects.none())
    wording = forms.CharField(
        label=_("The target, in the pupil's words"),
        max_length=300,
        help_text=_("Agree it with the pupil: “I can…”"),
    )
    due_on = forms.DateField(label=_("Aim to achieve by"), required=False, widget=_date_input())
    set_with_pupil = forms.BooleanField(
        label=_("Agreed with the pupil"), required=False, initial=True
    )

    def __init__(self, *args: Any, pupils: Any, objectives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
        self.fields["objective"].queryset = objectives  # type: ignore[attr-defined]
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_due_on(self) -> dt.date | None:
        due_on: dt.date | None = self.cleaned_data.get("due_on")
        if due_on is not None and due_on < timezone.localdate():
            raise forms.ValidationError(
                _("“Aim to achieve by” is in the past: choose today or a later date.")
            )
        return due_on


class ClaimForm(forms.Form):
    comment = forms.CharField(
        label=_("How I know I can do it"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("A photo of my work (if I have one)"),
        required=False,
        help_text=UPLOAD_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )


class ConfirmForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Judgement"), queryset=ScaleLevel.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, levels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What to do next"), widget=forms.Textarea(attrs={"rows": 2}))


class QuestionForm(forms.Form):
    pupil = forms.ModelChoiceField(label=_("Pupil"), queryset=Pupil.objects.none())
    text = forms.CharField(label=_("The question they asked"), max_length=1000)
    depth = forms.TypedChoiceField(
        label=_("Depth"), choices=Depth.choices, coerce=int, widget=forms.RadioSelect
    )
    objective = ObjectiveField(
        label=_("Learning intention"), queryset=Objective.objects.none(), required=False
    )

    def __init__(self, *args: Any, pupils: Any, objectives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils  # type: ignore[attr-defined]
        self.fields["objective"].queryset = objectives  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    proud_of = forms.CharField(
        label=_("What went well this term"), widget=forms.Textarea(attrs={"rows": 3})
    )
    next_focus = forms.CharField(
        label=_("What to work on next"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MarkingCodeForm(forms.Form):
    symbol = forms.CharField(label=_("Symbol"), max_length=8)
    meaning = forms.CharField(label=_("What it means"), max_length=120)
    pupil_action = forms.CharField(
        label=_("What the pupil should do"), max_length=200, required=False
    )
