"""Test pages: the list, setting a test up, entering and uploading marks, analysis, scores
and judgements. Thin: each view asks `access`, then calls services or selectors."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.assessments import permissions, selectors, services
from nextsteps.assessments.forms import AssessmentForm, MarksUploadForm, QuestionFormSet
from nextsteps.assessments.kernels.marksfile import MarksFileRefused, parse_marks
from nextsteps.assessments.models import Assessment, Question
from nextsteps.audit.actions import AuditAction
from nextsteps.teaching.models import Class

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _test(
    request: HttpRequest, urn: int, assessment_id: int, action: Action = Action.VIEW
) -> Assessment:
    school = permissions.staff_school(request.user, urn)
    assessment = permissions.assessments.get(request.user, school, assessment_id, action)
    assessment.school = school
    return assessment


def _context(
    request: HttpRequest, assessment: Assessment, tab: str, **extra: Any
) -> dict[str, Any]:
    user = request.user
    return {
        "school": assessment.school,
        "assessment": assessment,
        "tab": tab,
        "can_manage": permissions.assessments.can(user, Action.MANAGE, assessment),
        "can_record": permissions.assessments.can(user, Action.CHANGE, assessment),
        **extra,
    }


def _visible_classes(request: HttpRequest, assessment: Assessment) -> list[Class]:
    visible = permissions.visible_class_ids(request.user, assessment.school)
    return [c for c in selectors.assessment_classes(assessment) if c.pk in visible]


def _chosen(classes: list[Class], raw: str | None) -> Class:
    if not classes:
        raise Http404("No class")
    return next((c for c in classes if str(c.pk) == raw), classes[0])


# ---------------------------------------------------------------------------- list and set-up


@access.signed_in
def assessment_list(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    tests = permissions.assessments.scope(request.user, school, Action.VIEW)
    chosen_class = None
    if (class_id := request.GET.get("class", "")).isdigit():
        chosen_class = permissions.get_class(request.user, school, int(class_id))
        tests = selectors.sat_by(tests, chosen_class)
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "school": school,
            "assessments": selectors.assessment_cards(tests),
            "chosen_class": chosen_class,
            "can_create": bool(permissions.classes_to_test(request.user, school)),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.staff_school(request.user, urn)
    classes = permissions.classes_to_test(request.user, school)
    if not classes:
        raise Http404("No classes to set a test for")
    initial: dict[str, Any] = {}
    if (class_id := request.GET.get("class", "")).isdigit():
        initial["classes"] = [c.pk for c in classes if c.pk == int(class_id)]
        initial["year_group"] = next((c.year_group for c in classes if c.pk == int(class_id)), None)
    form = AssessmentForm(request.POST or None, school=school, classes=classes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_create(
                school=school,
                name=data["name"],
                kind=data["kind"],
                taken_on=data["taken_on"],
                classes=list(data["classes"]),
                subject=data["subject"],
                year_group=data["year_group"],
                score_table=data["score_table"],
                by=request.user,
            )
        except services.AssessmentRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request, _("%(name)s is set up. Now add its questions.") % {"name": assessment.name}
            )
            return redirect("assessments:question_edit", urn=urn, assessment_id=assessment.pk)
    return render(request, "assessments/assessment_form.html", {"school": school, "form": form})


@access.signed_in
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    assessment = _test(request, urn, assessment_id, Action.MANAGE)
    classes = permissions.classes_to_test(request.user, assessment.school)
    current = selectors.assessment_classes(assessment)
    offered = {c.pk: c for c in [*classes, *current]}
    initial = {
        "name": assessment.name,
        "kind": assessment.kind,
        "taken_on": assessment.taken_on,
        "subject": assessment.subject_id,
        "year_group": assessment.year_group,
        "classes": [c.pk for c in current],
        "score_table": assessment.score_table_id,
    }
    form = AssessmentForm(
        request.POST or None,
        school=assessment.school,
        classes=list(offered.values()),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_update(
                assessment=assessment,
                name=data["name"],
                kind=data["kind"],
                taken_on=data["taken_on"],
                classes=list(data["classes"]),
                subject=data["subject"],
                year_group=data["year_group"],
                score_table=data["score_table"],
                by=request.user,
            )
        except services.AssessmentRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessments:assessment_detail", urn=urn, assessment_id=assessment.pk)
    return render(
        request,
        "assessments/assessment_form.html",
        _context(request, assessment, "edit", form=form),
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    assessment = _test(request, urn, assessment_id, Action.MANAGE)
    questions = selectors.questions_of(assessment)
    every_year = request.GET.get("years") == "all" or request.POST.get("years") == "all"
    objectives = selectors.objectives_for(assessment, every_year)
    linked = {o.pk for q in questions for o in selectors.linked_objectives(q)}
    if linked - {o.pk for o in objectives}:
        objectives = selectors.objectives_for(assessment, True)
    by_code = {o.code.upper(): o for o in objectives}
    problems: list[str] = []
    if request.method == "POST":
        formset = QuestionFormSet(request.POST, form_kwargs={"objectives": by_code})
        if formset.is_valid():
            rows = [
                services.QuestionRow(
                    label=f.cleaned_data["label"].strip(),
                    max_marks=f.cleaned_data["max_marks"],
                    objective_ids=tuple(o.pk for o in f.cleaned_data["objectives"]),
                )
                for f in formset.forms
                if f.cleaned_data.get("label")
            ]
            try:
                services.questions_save(assessment=assessment, rows=rows, by=request.user)
            except services.AssessmentRefused as refused:
                problems = refused.problems
            else:
                messages.success(
                    request,
                    ngettext("Saved %(n)d question.", "Saved %(n)d questions.", len(rows))
                    % {"n": len(rows)},
                )
                return redirect(
                    "assessments:assessment_detail", urn=urn, assessment_id=assessment.pk
                )
    else:
        formset = QuestionFormSet(
            initial=_question_rows(request, questions), form_kwargs={"objectives": by_code}
        )
    return render(
        request,
        "assessments/question_form.html",
        _context(
            request,
            assessment,
            "questions",
            formset=formset,
            problems=problems,
            every_year=every_year,
            objectives=list(objectives),
        ),
    )


def _question_rows(request: HttpRequest, questions: list[Question]) -> list[dict[str, Any]]:
    """The saved questions, then blank rows or the run of questions asked for (?add=20&marks=1)."""
    rows: list[dict[str, Any]] = [
        {
            "label": q.label,
            "max_marks": q.max_marks,
            "objectives": ", ".join(o.code for o in selectors.linked_objectives(q)),
        }
        for q in questions
    ]
    add = request.GET.get("add", "")
    marks = request.GET.get("marks", "")
    if add.isdigit() and 0 < int(add) <= 100:
        start = len(rows) + 1
        each = int(marks) if marks.isdigit() and 0 < int(marks) <= 100 else None
        rows += [{"label": str(n), "max_marks": each} for n in range(start, start + int(add))]
    else:
        rows += [{} for _ in range(3 if rows else 8)]
    return rows


@access.signed_in
def assessment_detail(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    assessment = _test(request, urn, assessment_id)
    classes = _visible_classes(request, assessment)
    questions = selectors.questions_of(assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
        _context(
            request,
            assessment,
            "overview",
            questions=questions,
            max_total=sum(q.max_marks for q in questions),
            progress=selectors.marking_progress(assessment, classes),
        ),
    )


# ---------------------------------------------------------------------------- marks


def _grid_context(
    request: HttpRequest,
    assessment: Assessment,
    teaching_class: Class,
    classes: list[Class],
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> dict[str, Any]:
    editable = permissions.editable_pupil_ids(request.user, teaching_class)
    grid = selectors.mark_grid(assessment, teaching_class, editable)
    errors, typed = errors or {}, typed or {}
    rows = []
    for row in grid.rows:
        cells = []
        for question, marks in zip(grid.questions, row.marks, strict=True):
            name = f"m-{row.pupil.pk}-{question.pk}"
            value = typed.get(name, "" if marks is None else str(marks))
            cells.append(
                {
                    "question": question,
                    "name": name,
                    "value": value,
                    "error": errors.get(name, ""),
                    "short": errors.get(f"{name}:short", ""),
                }
            )
        rows.append({"row": row, "cells": cells})
    return _context(
        request,
        assessment,
        "marks",
        grid=grid,
        rows=rows,
        teaching_class=teaching_class,
        classes=classes,
        any_editable=any(r.editable for r in grid.rows),
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def mark_grid(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    """The keyboard grid. Typing saves each cell (mark_cell); without JavaScript the whole
    grid is posted here and saved only if every cell is valid."""
    assessment = _test(request, urn, assessment_id)
    classes = _visible_classes(request, assessment)
    teaching_class = _chosen(classes, request.POST.get("class") or request.GET.get("class"))
    if request.method == "POST":
        errors, typed = _save_grid(request, assessment, teaching_class)
        if not errors:
            return redirect(
                reverse(
                    "assessments:mark_grid", kwargs={"urn": urn, "assessment_id": assessment.pk}
                )
                + f"?class={teaching_class.pk}"
            )
        context = _grid_context(request, assessment, teaching_class, classes, errors, typed)
        return render(request, "assessments/mark_grid.html", context, status=422)
    context = _grid_context(request, assessment, teaching_class, classes)
    return render(request, "assessments/mark_grid.html", context)


def _save_grid(
    request: HttpRequest, assessment: Assessment, teaching_class: Class
) -> tuple[dict[str, str], dict[str, str]]:
    if not permissions.may_record_in(request.user, teaching_class):
        raise Http404("No such class")
    allowed = permissions.recordable_pupil_ids(request.user, teaching_class)
    grid = selectors.mark_grid(assessment, teaching_class, allowed)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    changes = []
    for row, question, _marks in grid.cells():
        name = f"m-{row.pupil.pk}-{question.pk}"
        if not row.editable or name not in request.POST:
            continue
        typed[name] = raw = request.POST[name].strip()
        value, problem = _read_mark(raw, question)
        if problem:
            errors[name] = problem
            errors[f"{name}:short"] = short_problem(raw, question)
        else:
            changes.append(
                services.MarkChange(pupil_id=row.pupil.pk, question=question, marks=value)
            )
    if not errors:
        count = services.marks_save(assessment=assessment, changes=changes, by=request.user)
        messages.success(
            request, ngettext("Saved %(n)d mark.", "Saved %(n)d marks.", count) % {"n": count}
        )
    else:
        messages.error(request, _("Nothing was saved: fix the marks shown in red and save again."))
    return errors, typed


def short_problem(raw: str, question: Question) -> str:
    """A few words for inside the cell; the full sentence goes to the status line."""
    if not raw.lstrip("-").isdigit():
        return _("not a number")
    if int(raw) < 0:
        return _("min 0")
    return _("max %(max)s") % {"max": question.max_marks}


def _read_mark(raw: str, question: Question) -> tuple[int | None, str]:
    if raw == "":
        return None, ""
    if not raw.lstrip("-").isdigit():
        return None, _("“%(value)s” is not a whole number of marks.") % {"value": raw}
    value = int(raw)
    problem = services.mark_problem(question, value)
    return (None, problem) if problem else (value, "")


@access.signed_in
@require_POST
def mark_cell(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    """Save one cell of the grid (htmx); answer with the cell's message, the pupil's total and
    a line for the live region. A bad mark is refused in place and nothing changes."""
    assessment = _test(request, urn, assessment_id, Action.CHANGE)
    name = next((key for key in request.POST if key.startswith("m-")), "")
    parts = name.split("-")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        raise Http404("No such cell")
    pupils = {p.pk: p for p in permissions.recordable_cohort(request.user, assessment)}
    pupil = pupils.get(int(parts[1]))
    if pupil is None:
        raise Http404("No such pupil")
    question = selectors.question_of(assessment, int(parts[2]))
    if question is None:
        raise Http404("No such question")
    value, problem = _read_mark(request.POST[name].strip(), question)
    if not problem:
        try:
            services.mark_set(
                assessment=assessment, question=question, pupil=pupil, marks=value, by=request.user
            )
        except services.MarkRefused as refused:
            problem = refused.problems[0]
    status = (
        _("Not saved: %(pupil)s, question %(q)s. %(problem)s")
        % {"pupil": pupil.name, "q": question.label, "problem": problem}
        if problem
        else _("Saved: %(pupil)s, question %(q)s, %(marks)s.")
        % {
            "pupil": pupil.name,
            "q": question.label,
            "marks": _("cleared") if value is None else value,
        }
    )
    return render(
        request,
        "assessments/includes/mark_cell_result.html",
        {
            "cell_id": f"e-{pupil.pk}-{question.pk}",
            "problem": problem,
            "short": short_problem(request.POST[name].strip(), question) if problem else "",
            "status": status,
            "pupil": pupil,
            "value": "" if value is None else str(value),
            "total": selectors.pupil_total(assessment, pupil.pk),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def mark_upload(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    assessment = _test(request, urn, assessment_id, Action.CHANGE)
    form = MarksUploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                saved = import_marks(request, assessment, upload.read(), upload.name)
            except MarksFileRefused as refused:
                problems = [
                    {
                        "row": p.row or "",
                        "column": p.column_letter,
                        "header": p.header,
                        "text": capfirst(p.text(_)),
                    }
                    for p in refused.problems
                ]
            else:
                messages.success(
                    request,
                    ngettext(
                        "The file is saved: %(n)d mark changed.",
                        "The file is saved: %(n)d marks changed.",
                        saved,
                    )
                    % {"n": saved},
                )
                return redirect(
                    "assessments:assessment_detail", urn=urn, assessment_id=assessment.pk
                )
    return render(
        request,
        "assessments/mark_upload.html",
        _context(request, assessment, "upload", form=form, problems=problems),
        status=422 if problems else 200,
    )


def import_marks(request: HttpRequest, assessment: Assessment, data: bytes, filename: str) -> int:
    """Check a marks file against the test and the pupils this person may mark; save it whole."""
    questions = {q.label: q for q in selectors.question_list(assessment)}
    pupils = {p.upn.upper(): p.pk for p in permissions.recordable_cohort(request.user, assessment)}
    cells = parse_marks(
        data,
        questions={k: q.max_marks for k, q in questions.items()},
        pupils=pupils,
        filename=filename,
    )
    changes = [
        services.MarkChange(pupil_id=c.pupil, question=questions[c.question], marks=c.marks)
        for c in cells
    ]
    return services.marks_save(
        assessment=assessment,
        changes=changes,
        by=request.user,
        action=AuditAction.MARKS_UPLOAD,
        note=filename,
    )


@access.signed_in
def mark_template(request: HttpRequest, urn: int, assessment_id: int, fmt: str) -> HttpResponse:
    """A marks file to fill in: a row per pupil this person may mark, a column per question."""
    assessment = _test(request, urn, assessment_id, Action.CHANGE)
    questions = selectors.question_list(assessment)
    pupils = permissions.recordable_cohort(request.user, assessment)
    marks = selectors.marks_of(assessment, [p.pk for p in pupils])
    header = [
        "UPN",
        "Pupil",
        "Class",
        *[f"Q{q.label}" if q.label[:1].isdigit() else q.label for q in questions],
    ]
    rows = [
        [p.upn, p.name, p.teaching_class.name, *[marks.get((p.pk, q.pk), "") for q in questions]]  # type: ignore[attr-defined]
        for p in pupils
    ]
    filename = f"marks-{assessment.pk}.{fmt}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
        sheet.title = _("Marks")[:31]
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------- analysis and scores


@access.signed_in
def analysis(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    assessment = _test(request, urn, assessment_id)
    classes = _visible_classes(request, assessment)
    if not classes:
        raise Http404("No class")
    below = request.GET.get("below", "")
    threshold = (
        int(below)
        if below.isdigit() and 10 <= int(below) <= 90
        else selectors.DEFAULT_RETEACH_BELOW
    )
    result = selectors.analysis(
        assessment, classes, scope_key=request.GET.get("scope", ""), threshold=threshold
    )
    return render(
        request,
        "assessments/analysis.html",
        _context(request, assessment, "analysis", result=result, thresholds=range(30, 91, 10)),
    )


@access.signed_in
def scores(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    assessment = _test(request, urn, assessment_id)
    classes = _visible_classes(request, assessment)
    raw = request.GET.get("class", "")
    chosen = next((c for c in classes if str(c.pk) == raw), None)
    pupils = selectors.cohort(assessment, [chosen] if chosen else classes)
    return render(
        request,
        "assessments/scores.html",
        _context(
            request,
            assessment,
            "scores",
            result=selectors.scores(assessment, pupils),
            classes=classes,
            chosen=chosen,
        ),
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def judgements(request: HttpRequest, urn: int, assessment_id: int) -> HttpResponse:
    """Preview, then record, the test as judgements (source: test) for one class."""
    assessment = _test(request, urn, assessment_id, Action.CHANGE)
    classes = permissions.recordable_classes(request.user, assessment)
    teaching_class = _chosen(
        sorted(classes, key=lambda c: c.name), request.POST.get("class") or request.GET.get("class")
    )
    editable = permissions.recordable_pupil_ids(request.user, teaching_class)
    plan = selectors.judgement_plan(assessment, teaching_class, editable)
    if request.method == "POST":
        try:
            recorded = services.assessment_judgements_record(
                assessment=assessment,
                teaching_class=teaching_class,
                entries=plan.entries,
                by=request.user,
            )
        except services.AssessmentRefused as refused:
            messages.error(request, " ".join(refused.problems))
        else:
            messages.success(
                request,
                ngettext(
                    "Recorded %(n)d judgement for %(class)s.",
                    "Recorded %(n)d judgements for %(class)s.",
                    len(recorded),
                )
                % {"n": len(recorded), "class": teaching_class.name},
            )
            return redirect(
                reverse(
                    "assessments:judgements", kwargs={"urn": urn, "assessment_id": assessment.pk}
                )
                + f"?class={teaching_class.pk}"
            )
    return render(
        request,
        "assessments/judgements.html",
        _context(
            request,
            assessment,
            "judgements",
            plan=plan,
            teaching_class=teaching_class,
            classes=sorted(classes, key=lambda c: c.name),
            department=assessment.subject.department if assessment.subject else None,
        ),
    )
