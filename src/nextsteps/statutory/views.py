"""Statutory check pages: phonics (Year 1 and the Year 2 retake), the multiplication tables
check's statutory scores (Year 4), the Reception baseline (administered, never scored), and
the school's summary beside the national figures.

Thin: ask `permissions`, parse the form, call services or selectors, render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.next_page import next_page
from nextsteps.schools.models import School
from nextsteps.statutory import permissions, selectors, services
from nextsteps.statutory.kernels import rules
from nextsteps.statutory.kernels.rules import ItemMark
from nextsteps.statutory.models import ResultSource
from nextsteps.statutory.services import (
    BaselineEntry,
    MtcEntry,
    PhonicsEntry,
    StatutoryProblems,
    WordEntry,
)
from nextsteps.teaching.models import Class


def _reasons(check: str) -> list[rules.Reason]:
    return list(rules.shipped_reasons()[check].values())


def _classes(request: HttpRequest, school: School, check: str) -> list[Class]:
    return list(permissions.check_classes[check].scope(request.user, school, Action.VIEW))


@access.signed_in
@require_http_methods(["GET"])
def statutory_home(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.school_for_staff(request.user, urn)
    whole_school = permissions.sees_school(request.user, school)
    context: dict[str, Any] = {
        "school": school,
        "whole_school": whole_school,
        "phonics_classes": _classes(request, school, "phonics"),
        "mtc_classes": _classes(request, school, "mtc"),
        "baseline_classes": _classes(request, school, "baseline"),
    }
    if whole_school:
        context["summary"] = selectors.school_summary(school)
    return render(request, "statutory/home.html", context)


@access.signed_in
@require_POST
def phonics_threshold(request: HttpRequest, urn: int) -> HttpResponse:
    """Leaders enter a year's threshold mark when the STA publishes it."""
    school = permissions.school_for_staff(request.user, urn)
    permissions.require_school(request.user, school)
    try:
        row = services.phonics_threshold_enter(
            school=school,
            academic_year=request.POST.get("academic_year", ""),
            threshold=request.POST.get("threshold", ""),
            by=request.user,
        )
    except StatutoryProblems as problems:
        messages.error(request, problems.describe())
    else:
        messages.success(
            request,
            _("The threshold mark for %(year)s is %(mark)s (entered by the school).")
            % {"year": row.academic_year, "mark": row.threshold},
        )
    return redirect(next_page(request) or f"/school/{urn}/statutory/")


# ---------------------------------------------------------------------------- phonics


def _class(request: HttpRequest, urn: int, check: str, class_id: int) -> tuple[School, Class]:
    school = permissions.school_for_staff(request.user, urn)
    return school, permissions.check_classes[check].get(request.user, school, class_id)


def _recording(
    request: HttpRequest, school: School, check: str, teaching_class: Class
) -> permissions.Recording:
    return permissions.check_classes[check].recording(request.user, school, teaching_class)


@access.signed_in
@require_http_methods(["GET", "POST"])
def phonics_class(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class(request, urn, "phonics", class_id)
    recording = _recording(request, school, "phonics", teaching_class)
    view = selectors.phonics_class(teaching_class, recording.pupils)
    problems: list[str] = []
    invalid: set[str] = set()
    if request.method == "POST":
        entries = []
        for row in view.rows:
            if not row.may_record or (view.year_group == 2 and not row.retake and not row.result):
                continue
            mark = request.POST.get(f"mark-{row.pupil.pk}", "").strip()
            reason = request.POST.get(f"reason-{row.pupil.pk}", "").strip()
            row.typed = (mark, reason)
            if mark or reason:
                entries.append(
                    PhonicsEntry(row.pupil, view.academic_year, view.year_group, mark, reason)
                )
        try:
            services.phonics_results_record(
                school=school, entries=entries, source=ResultSource.ENTRY, by=request.user
            )
        except StatutoryProblems as error:
            problems = [str(p) for p in error.problems]
            invalid = {p.file for p in error.problems}
        else:
            messages.success(request, _("%(n)s phonics results saved.") % {"n": len(entries)})
            return redirect(request.path)
    return render(
        request,
        "statutory/phonics_class.html",
        {
            "school": school,
            "view": view,
            "problems": problems,
            "invalid": invalid,
            "reasons": _reasons("phonics"),
            "can_record": recording.any,
            "whole_school": permissions.sees_school(request.user, school),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def phonics_pupil(request: HttpRequest, urn: int, class_id: int, pupil_id: int) -> HttpResponse:
    """A pupil's 40 words marked one by one; the mark is the number read correctly."""
    school, teaching_class = _class(request, urn, "phonics", class_id)
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    pupil = permissions.check_classes["phonics"].pupil(
        request.user, teaching_class, pupil_id, action
    )
    year = teaching_class.academic_year.name
    words = selectors.phonics_words(school, year)
    result = selectors.phonics_result(pupil, year)
    problems: list[str] = []
    if request.method == "POST" and len(words) == rules.PHONICS_WORDS:
        correct = set(request.POST.getlist("correct"))
        items = [
            ItemMark(p, words[p].kind, str(p) in correct) for p in range(1, rules.PHONICS_WORDS + 1)
        ]
        try:
            services.phonics_result_record(
                pupil=pupil,
                academic_year=year,
                year_group=int(teaching_class.year_group or 0),
                mark=sum(1 for i in items if i.correct),
                items=items,
                by=request.user,
            )
        except StatutoryProblems as error:
            problems = [str(p) for p in error.problems]
        else:
            messages.success(request, _("Words saved for %(name)s.") % {"name": pupil.name})
            return redirect("statutory:phonics_class", urn=urn, class_id=class_id)
    marked = selectors.phonics_items(result)
    return render(
        request,
        "statutory/phonics_pupil.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "pupil": pupil,
            "academic_year": year,
            "result": result,
            "problems": problems,
            "words": [
                (p, words.get(p), marked.get(p, False)) for p in range(1, rules.PHONICS_WORDS + 1)
            ],
            "words_ready": len(words) == rules.PHONICS_WORDS,
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def phonics_words(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """The school's notes of the year's 40 words (real or pseudo; the word and grapheme are
    optional), typed from its own copy of the check, for item-level marking and gap analysis."""
    school, teaching_class = _class(request, urn, "phonics", class_id)
    recording = _recording(request, school, "phonics", teaching_class)
    if request.method == "POST" and not recording.whole_class:
        raise Http404("Only the class's teachers and leaders keep the word list")
    year = teaching_class.academic_year.name
    problems: list[str] = []
    if request.method == "POST":
        entries = [
            WordEntry(
                position=p,
                kind=request.POST.get(f"kind-{p}", ""),
                word=request.POST.get(f"word-{p}", ""),
                grapheme=request.POST.get(f"grapheme-{p}", ""),
                line=p,
            )
            for p in range(1, rules.PHONICS_WORDS + 1)
        ]
        try:
            services.phonics_words_set(
                school=school, academic_year=year, words=entries, by=request.user
            )
        except StatutoryProblems as error:
            problems = [str(p) for p in error.problems]
        else:
            messages.success(request, _("The word list for %(year)s is saved.") % {"year": year})
            return redirect("statutory:phonics_class", urn=urn, class_id=class_id)
    words = selectors.phonics_words(school, year)
    return render(
        request,
        "statutory/phonics_words.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "academic_year": year,
            "problems": problems,
            "can_record": recording.whole_class,
            "rows": [(p, words.get(p)) for p in range(1, rules.PHONICS_WORDS + 1)],
        },
    )


# ---------------------------------------------------------------------------- MTC


@access.signed_in
@require_http_methods(["GET", "POST"])
def mtc_class(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class(request, urn, "mtc", class_id)
    recording = _recording(request, school, "mtc", teaching_class)
    view = selectors.mtc_class(teaching_class, recording.pupils)
    problems: list[str] = []
    invalid: set[str] = set()
    if request.method == "POST":
        entries = []
        for row in view.rows:
            score = request.POST.get(f"score-{row.pupil.pk}", "").strip()
            reason = request.POST.get(f"reason-{row.pupil.pk}", "").strip()
            row.typed = (score, reason)
            if row.may_record and (score or reason):
                entries.append(MtcEntry(row.pupil, view.academic_year, score, reason))
        try:
            services.mtc_results_record(
                school=school, entries=entries, source=ResultSource.ENTRY, by=request.user
            )
        except StatutoryProblems as error:
            problems = [str(p) for p in error.problems]
            invalid = {p.file for p in error.problems}
        else:
            messages.success(request, _("%(n)s scores saved.") % {"n": len(entries)})
            return redirect(request.path)
    return render(
        request,
        "statutory/mtc_class.html",
        {
            "school": school,
            "view": view,
            "problems": problems,
            "invalid": invalid,
            "reasons": _reasons("mtc"),
            "can_record": recording.any,
        },
    )


# ---------------------------------------------------------------------------- baseline


@access.signed_in
@require_http_methods(["GET", "POST"])
def baseline_class(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class(request, urn, "baseline", class_id)
    recording = _recording(request, school, "baseline", teaching_class)
    rows = selectors.baseline_class(teaching_class, recording.pupils)
    year = teaching_class.academic_year.name
    problems: list[str] = []
    if request.method == "POST":
        today = timezone.localdate()
        everyone = request.POST.get("action") == "all-today"
        entries = []
        for row in rows:
            if not row.may_record:
                continue
            if everyone:
                if row.record is None:
                    entries.append(BaselineEntry(row.pupil, year, today))
                continue
            when = request.POST.get(f"date-{row.pupil.pk}", "").strip()
            reason = request.POST.get(f"reason-{row.pupil.pk}", "").strip()
            row.typed = (when, reason)
            date = _date(when)
            row.typed_date = date
            if when and date is None:
                problems.append(
                    _("%(name)s, column administered_on: '%(text)s' is not a date")
                    % {"name": row.pupil.name, "text": when}
                )
            elif when or reason:
                entries.append(BaselineEntry(row.pupil, year, date, reason))
        try:
            if problems:
                raise StatutoryProblems([])
            services.baseline_records_record(
                school=school, entries=entries, source=ResultSource.ENTRY, by=request.user
            )
        except StatutoryProblems as error:
            problems += [str(p) for p in error.problems]
        else:
            messages.success(request, _("%(n)s pupils recorded.") % {"n": len(entries)})
            return redirect(request.path)
    return render(
        request,
        "statutory/baseline_class.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "academic_year": year,
            "rows": rows,
            "problems": problems,
            "reasons": _reasons("baseline"),
            "can_record": recording.any,
            "administered": sum(1 for r in rows if r.record and r.record.administered_on),
            "today": timezone.localdate(),
        },
    )


def _date(text: str) -> dt.date | None:
    """An ISO date from a date input, or None."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
