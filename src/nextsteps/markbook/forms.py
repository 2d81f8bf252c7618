"""The markbook's forms: filling a column, and setting an assessment point."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from nextsteps.markbook.models import Method
from nextsteps.schools.models import Department


class FillForm(forms.Form):
    level = forms.IntegerField()
    group = forms.IntegerField(required=False)
    method = forms.ChoiceField(choices=[("", "")] + list(Method.choices), required=False)
    only_empty = forms.BooleanField(required=False)


class PointForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department (leave empty for the whole school)"),
        queryset=Department.objects.none(),
        required=False,
    )
