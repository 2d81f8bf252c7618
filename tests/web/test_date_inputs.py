"""Every date input is sent an ISO date (YYYY-MM-DD), the only value `<input type="date">`
takes: any other form (22/11/2026) shows as blank and blocks the form from being sent.

The walk finds the forms itself (every subclass of Django's `BaseForm` defined in a nextsteps
module), so a form added later is checked without being listed here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.utils import translation

import nextsteps

INITIAL = dt.date(2026, 12, 6)  # the sixth of December: 06/12/2026 in UK order
SOURCE = Path(nextsteps.__file__).parent


def project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(nextsteps.__path__, "nextsteps."):
        if ".migrations" not in module.name and not module.name.endswith(".wsgi"):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[Any]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("nextsteps.") and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def date_fields(form_class: type[forms.BaseForm]) -> list[str]:
    return [
        name
        for name, field in form_class.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.DateField)
    ]


FORMS_WITH_DATES = [form for form in project_forms() if date_fields(form)]


def unbound_form(form_class: type[forms.BaseForm], initial: dict[str, Any]) -> forms.BaseForm:
    """The form with these initial values, without the arguments its own `__init__` wants
    (a school, a pupil): the fields and widgets are the class's, which is what is checked."""
    form = form_class.__new__(form_class)
    forms.BaseForm.__init__(form, initial=initial)
    return form


def test_the_walk_finds_the_forms_with_dates() -> None:
    names = {cls.__qualname__ for cls in FORMS_WITH_DATES}
    # The review form of the issue, and forms defined outside forms.py modules.
    assert {"ReviewCompleteForm", "SampleForm"} <= names, names
    assert len(FORMS_WITH_DATES) >= 8


@pytest.mark.parametrize(
    "form_class", FORMS_WITH_DATES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}"
)
def test_every_date_field_renders_an_iso_date_input(form_class: type[forms.BaseForm]) -> None:
    with translation.override("en-gb"):
        for name in date_fields(form_class):
            html = str(unbound_form(form_class, {name: INITIAL})[name])
            assert re.search(r'type="date"', html), f"{form_class.__qualname__}.{name}: {html}"
            assert 'value="2026-12-06"' in html, f"{form_class.__qualname__}.{name}: {html}"


def test_a_date_typed_in_uk_order_is_still_understood() -> None:
    """Parsing keeps the UK forms (imports, the API, a browser without a date picker)."""
    with translation.override("en-gb"):
        field = forms.DateField()
        assert field.clean("06/12/2026") == INITIAL
        assert field.clean("2026-12-06") == INITIAL


def hand_written_date_inputs() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SOURCE.rglob("templates/**/*.html")):
        text = path.read_text()
        for tag in re.findall(r"<input\b[^>]*>", text, flags=re.DOTALL):
            if re.search(r'type="date"', tag):
                found.append((str(path.relative_to(SOURCE)), tag))
    return found


def test_templates_write_date_inputs_with_iso_values() -> None:
    """A value in a hand-written date input is formatted with `|date:'Y-m-d'`, nothing else."""
    inputs = hand_written_date_inputs()
    assert inputs, "the walk found no hand-written date inputs"
    for where, tag in inputs:
        for attribute in ("value", "min", "max"):
            match = re.search(rf'\b{attribute}="([^"]*)"', tag)
            if match is None:
                continue
            for expression in re.findall(r"\{\{(.*?)\}\}", match.group(1)):
                assert re.search(r"\|date:['\"]Y-m-d['\"]\s*$", expression), (where, tag)
            literal = re.sub(r"\{\{.*?\}\}", "", match.group(1))
            assert literal == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", literal), (where, tag)
