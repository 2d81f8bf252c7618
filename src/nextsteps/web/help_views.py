"""Help inside the product: the getting-started guide for a new school, and the style page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from nextsteps import access
from nextsteps.web import permissions
from nextsteps.web.selectors import sample_levels, setup_progress
from nextsteps.web.style_guide import EXAMPLES


@access.signed_in
def getting_started(request: HttpRequest, urn: int) -> HttpResponse:
    """The steps a new school takes, each linked to the page that does it, with how far it is."""
    school = permissions.getting_started_school(request.user, urn)
    return render(
        request,
        "web/getting_started.html",
        {
            "school": school,
            "progress": setup_progress(school),
            "is_admin": permissions.is_school_admin(request.user, school),
        },
    )


class SampleForm(forms.Form):
    """The form the style page shows, filled in with one mistake so that an error shows."""

    name = forms.CharField(
        label=_("Name of the test"), help_text=_("As pupils and parents will see it.")
    )
    taken_on = forms.DateField(
        label=_("Date sat"),
        help_text=_("The day the pupils sat it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    method = forms.ChoiceField(
        label=_("How was it seen?"),
        choices=[("observation", _("Observation")), ("task", _("Task")), ("test", _("Test"))],
        widget=forms.RadioSelect,
    )
    core = forms.BooleanField(label=_("Core learning"), required=False)


@access.signed_in
def style_guide(request: HttpRequest, urn: int) -> HttpResponse:
    """Every component, live, beside the snippet that renders it."""
    school = permissions.style_guide_school(request.user, urn)
    context: dict[str, Any] = {
        "school": school,
        "sample_form": SampleForm(
            data={"name": "Fractions quiz", "taken_on": "2026-02-31", "method": "task"}
        ),
        "sample_errors": [_("The date must be in this school year.")],
        "sample_levels": sample_levels(school, limit=4),
    }
    examples = []
    for example in EXAMPLES:
        snippet = get_template(example.template_name)
        examples.append(
            {
                "example": example,
                "source": snippet.template.source,  # type: ignore[attr-defined]
                "live": snippet.render(context, request),
            }
        )
    return render(request, "web/style_guide.html", {**context, "examples": examples})
