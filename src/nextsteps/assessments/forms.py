"""Forms for tests, questions, score tables, thresholds and challenges (parsing only)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nextsteps.assessments.models import Assessment, Challenge, ScoreTable
from nextsteps.curriculum.models import Objective
from nextsteps.people.models import year_label
from nextsteps.schools.models import School, Subject
from nextsteps.teaching.models import Class

YEAR_CHOICES = [("", gettext_lazy("Any year"))] + [(str(y), year_label(y)) for y in range(0, 14)]


class ClassChoiceField(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AssessmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Assessment.Kind.choices)
    taken_on = forms.DateField(
        label=gettext_lazy("Date sat"), widget=forms.DateInput(attrs={"type": "date"})
    )
    subject = forms.ModelChoiceField(
        label=gettext_lazy("Subject"), queryset=Subject.objects.none(), required=False
    )
    year_group = forms.TypedChoiceField(
        label=gettext_lazy("Year group"),
        choices=YEAR_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    classes = ClassChoiceField(
        label=gettext_lazy("Classes sitting it"),
        queryset=Class.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    score_table = forms.ModelChoiceField(
        label=gettext_lazy("Convert raw marks with"),
        queryset=ScoreTable.objects.none(),
        required=False,
        empty_label=gettext_lazy("No conversion (raw marks only)"),
        help_text=gettext_lazy(
            "A scaled score or age-standardised score table loaded for the school."
        ),
    )

    def __init__(self, *args: Any, school: School, classes: Sequence[Class], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["classes"].queryset = Class.objects.filter(  # type: ignore[attr-defined]
            pk__in=[c.pk for c in classes]
        ).order_by("year_group", "name")
        self.fields["score_table"].queryset = ScoreTable.objects.filter(school=school)  # type: ignore[attr-defined]
        if not self.is_bound and "taken_on" not in self.initial:
            self.initial["taken_on"] = timezone.localdate()


CODE_SEPARATORS = re.compile(r"[\s,;]+")


class QuestionRowForm(forms.Form):
    """One question: its label, its marks, and the codes of the objectives it assesses."""

    label = forms.CharField(label=gettext_lazy("Question"), max_length=20, required=False)
    max_marks = forms.IntegerField(
        label=gettext_lazy("Marks"), min_value=1, max_value=100, required=False
    )
    objectives = forms.CharField(
        label=gettext_lazy("Objectives it assesses"),
        required=False,
        help_text=gettext_lazy("Objective codes, separated by commas: Y4-MD-01, Y4-MD-05"),
    )

    def __init__(self, *args: Any, objectives: dict[str, Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_code = objectives

    def clean_objectives(self) -> list[Objective]:
        codes = [c for c in CODE_SEPARATORS.split(self.cleaned_data.get("objectives", "")) if c]
        unknown = [code for code in codes if code.upper() not in self.by_code]
        if unknown:
            raise forms.ValidationError(
                _("No objective has the code %(codes)s in this test's subject.")
                % {"codes": ", ".join(unknown)}
            )
        return list({code.upper(): self.by_code[code.upper()] for code in codes}.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("label") and not data.get("max_marks"):
            self.add_error("max_marks", _("Say how many marks question %(label)s is worth.") % data)
        if data.get("max_marks") and not data.get("label"):
            self.add_error("label", _("Give this question a label, such as 1 or 2a."))
        return data


QuestionFormSet = forms.formset_factory(QuestionRowForm, extra=0, max_num=200, absolute_max=200)


class MarksUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Marks file (CSV or Excel)"),
        help_text=gettext_lazy(
            "A row per pupil with their UPN and a column per question (download the template "
            "below), or a row per mark with the columns UPN, Question and Mark. Empty cells are "
            "left as they are."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ScoreTableForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Test"),
        max_length=200,
        help_text=gettext_lazy("For example: KS2 mathematics, or a publisher's reading test."),
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ScoreTable.Kind.choices)
    file = forms.FileField(
        label=gettext_lazy("Table (CSV)"),
        help_text=gettext_lazy(
            "Scaled: raw_mark,scaled_score. Age-standardised: raw_mark then a column per age "
            "(8:04 or months), or raw_mark,age_months,standardised_score."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    licence = forms.CharField(
        label=gettext_lazy("Licence and attribution"), max_length=300, required=False
    )


class ChallengeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Challenge.Kind.choices)
    max_score = forms.IntegerField(
        label=gettext_lazy("Number of questions (highest score)"), min_value=1, max_value=500
    )
    time_limit = forms.CharField(
        label=gettext_lazy("Time allowed"),
        help_text=gettext_lazy("Minutes and seconds, such as 3:00, or a number of seconds."),
    )
    description = forms.CharField(
        label=gettext_lazy("What pupils do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean_time_limit(self) -> int:
        seconds = parse_duration(self.cleaned_data["time_limit"])
        if seconds is None:
            raise forms.ValidationError(
                _("Write the time as minutes and seconds (3:00) or seconds (180).")
            )
        return seconds


DURATION = re.compile(r"^\s*(?:(\d{1,3})\s*:\s*)?(\d{1,4})\s*$")


def parse_duration(text: str) -> int | None:
    """Seconds from `3:00`, `2:40` or `160`; None when it is not a time."""
    match = DURATION.match(text or "")
    if match is None:
        return None
    minutes, seconds = match.groups()
    if minutes is not None and int(seconds) > 59:
        return None
    return int(minutes or 0) * 60 + int(seconds)
