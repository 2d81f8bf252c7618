"""Pages for the assessment policy: key questions, department answers, the synthesis,
decisions, publishing, workload, reviews and the glossary. Planning is in `planning_views`.

Who may do what: heads of department answer for their departments; senior leaders comment,
agree, decide and publish; everyone in the school reads the published policy and glossary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.policy import (
    drop_selectors,
    forms,
    permissions,
    selectors,
    services,
    workload_selectors,
)
from nextsteps.policy.errors import PolicyError
from nextsteps.policy.findings import synthesis_for
from nextsteps.policy.kernels import glossary
from nextsteps.policy.models import (
    KeyQuestion,
    Stage,
    Status,
    Structure,
)
from nextsteps.policy.scope import policy_leader_school, policy_school, policy_worker_school
from nextsteps.schools.models import School


def term_href(school: School) -> Any:
    base = reverse("policy_glossary", kwargs={"urn": school.urn})
    return lambda key: f"{base}#term-{key}"


# ---------------------------------------------------------------------------- home


@access.signed_in
def policy_home(request: HttpRequest, urn: int) -> HttpResponse:
    """Leaders see every department's progress; a head of department goes to their own;
    everyone else reads the published policy."""
    school = policy_school(request, urn)
    if permissions.leads_policy(request.user, school):
        departments = permissions.departments(request.user, school)
        limit = selectors.settings_for(school).workload_limit_hours
        return render(
            request,
            "policy/overview.html",
            {
                "school": school,
                "overview": selectors.overview(school, departments),
                "reminders": selectors.reminders(school, whole_school=True),
                "workload": workload_selectors.workload_rows(school, departments, limit),
                "limit": limit,
            },
        )
    own = permissions.headed_department_ids(request.user, school)
    if len(own) == 1:
        return redirect("policy_department", urn=urn, department_id=next(iter(own)))
    if own:
        departments = permissions.departments(request.user, school)
        return render(
            request,
            "policy/overview.html",
            {"school": school, "overview": selectors.overview(school, departments)},
        )
    return redirect("policy_published", urn=urn)


@access.signed_in
def policy_glossary(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    return render(
        request,
        "policy/glossary.html",
        {"school": school, "terms": sorted(glossary.glossary(), key=lambda t: t.term.lower())},
    )


# ---------------------------------------------------------------------------- key questions


@access.signed_in
def policy_questions(request: HttpRequest, urn: int) -> HttpResponse:
    school = policy_worker_school(request, urn)
    return render(
        request,
        "policy/questions.html",
        {
            "school": school,
            "stages": selectors.stages_with_questions(school, include_retired=True),
            "can_edit": permissions.leads_policy(request.user, school),
            "term_href": term_href(school),
        },
    )


def _stage(school: School, stage_id: int) -> Stage:
    stage = selectors.stage_in(school, stage_id)
    if stage is None:
        raise Http404("No such stage")
    return stage


def _stage_choices(school: School) -> list[tuple[int, str]]:
    return [(s.pk, s.title) for s in selectors.stages_with_questions(school)]


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_question_edit(request: HttpRequest, urn: int, question_id: int) -> HttpResponse:
    school = policy_leader_school(request, urn)
    question = permissions.questions.get(request.user, school, question_id, Action.CHANGE)
    guidance = selectors.question_guidance(question)
    initial = {
        "text": question.text,
        "stage": question.stage_id,
        "position": question.position,
        "guidance": question.guidance,
        "prompts": question.prompts,
        "active": question.active,
        **{f"guidance_{subject}": text for subject, text in guidance.items()},
    }
    form = forms.QuestionForm(request.POST or None, initial=initial, stages=_stage_choices(school))
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.key_question_update(
                question=question,
                by=request.user,
                text=data["text"],
                guidance=data["guidance"],
                prompts=data["prompts"],
                stage=_stage(school, data["stage"]),
                position=data["position"],
                active=data["active"],
                subject_guidance=form.subject_guidance(),
            )
        except PolicyError as problem:
            error = str(problem)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("policy_questions", urn=urn)
    return render(
        request,
        "policy/question_edit.html",
        {"school": school, "question": question, "form": form, "error": error},
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_question_new(request: HttpRequest, urn: int) -> HttpResponse:
    school = policy_leader_school(request, urn)
    form = forms.NewQuestionForm(request.POST or None, stages=_stage_choices(school))
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stage = _stage(school, data["stage"])
        try:
            services.key_question_create(
                school=school,
                by=request.user,
                stage=stage,
                text=data["text"],
                guidance=data["guidance"],
                prompts=data["prompts"],
            )
        except PolicyError as problem:
            error = str(problem)
        else:
            messages.success(request, _("The question is added. Departments can answer it now."))
            return redirect("policy_questions", urn=urn)
    return render(
        request, "policy/question_new.html", {"school": school, "form": form, "error": error}
    )


# ---------------------------------------------------------------------------- a department


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_department(request: HttpRequest, urn: int, department_id: int) -> HttpResponse:
    school = policy_worker_school(request, urn)
    department = permissions.get_department(request.user, school, department_id)
    is_leader = permissions.leads_policy(request.user, school)
    dashboard = selectors.department_dashboard(school, department)
    settings_form = forms.DepartmentSettingsForm(
        request.POST or None,
        initial={
            "guidance_subject": dashboard.guidance_subject,
            "pupils_per_class": dashboard.settings.pupils_per_class if dashboard.settings else None,
            "compare_teachers": bool(dashboard.settings and dashboard.settings.compare_teachers),
        },
    )
    if request.method == "POST":
        if not is_leader:
            raise Http404("Only leaders change a department's settings")
        if settings_form.is_valid():
            services.department_settings_update(
                department=department,
                by=request.user,
                guidance_subject=settings_form.cleaned_data["guidance_subject"],
                pupils_per_class=settings_form.cleaned_data["pupils_per_class"],
                compare_teachers=settings_form.cleaned_data["compare_teachers"],
            )
            messages.success(request, _("The department's settings are saved."))
            return redirect("policy_department", urn=urn, department_id=department.pk)
    limit = selectors.settings_for(school).workload_limit_hours
    rows = workload_selectors.workload_rows(school, [department], limit)
    return render(
        request,
        "policy/department.html",
        {
            "school": school,
            "department": department,
            "dashboard": dashboard,
            "workload": rows[0],
            "limit": limit,
            "is_leader": is_leader,
            "can_answer": permissions.answers.can_in(
                request.user, Action.CHANGE, school, department
            ),
            "settings_form": settings_form,
        },
    )


def _answer_forms(
    request: HttpRequest, school: School, question: KeyQuestion, page: selectors.AnswerPage
) -> tuple[forms.AnswerForm, Any]:
    latest = page.latest
    structured = latest.structured if latest else {}
    initial = {"text": latest.text if latest else "", **structured}
    data = request.POST if request.method == "POST" else None
    form = forms.AnswerForm(
        data,
        initial=initial,
        structure=question.structure,
        scale_names=services.scale_names(school),
    )
    rows: Any = None
    if question.structure == Structure.COLLECTION:
        rows = forms.PointFormSet(data, prefix="points", initial=structured.get("points"))
    elif question.structure == Structure.MARKING:
        rows = forms.ActivityFormSet(
            data, prefix="activities", initial=structured.get("activities")
        )
    return form, rows


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_answer(
    request: HttpRequest, urn: int, department_id: int, question_id: int
) -> HttpResponse:
    """The answer page: the question, its guidance beside it, the answer, its history."""
    school = policy_worker_school(request, urn)
    department = permissions.get_department(request.user, school, department_id)
    question = permissions.questions.get(request.user, school, question_id)
    can_answer = permissions.answers.can_in(request.user, Action.CHANGE, school, department)
    page = selectors.answer_page(department, question)
    form, rows = _answer_forms(request, school, question, page)
    error = ""
    if request.method == "POST":
        permissions.get_department(request.user, school, department_id, Action.CHANGE)
        if form.is_valid() and (rows is None or rows.is_valid()):
            structured = form.structured()
            if rows is not None:
                key = "points" if question.structure == Structure.COLLECTION else "activities"
                structured = {key: forms.rows_of(rows)}
            try:
                response = services.response_save(
                    department=department,
                    question=question,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    structured=structured,
                )
                # Submitting an answer that is already with leaders leaves it there.
                if request.POST.get("action") == "submit" and response.status != Status.SUBMITTED:
                    services.response_submit(response=response, by=request.user)
            except PolicyError as problem:
                error = str(problem)
            else:
                messages.success(
                    request,
                    _("Submitted for leaders to agree.")
                    if request.POST.get("action") == "submit"
                    else _("Your draft is saved."),
                )
                return redirect(
                    "policy_answer", urn=urn, department_id=department.pk, question_id=question.pk
                )
        else:
            error = _("Some answers need correcting: see the messages beside them.")
    return render(
        request,
        "policy/answer.html",
        {
            "school": school,
            "department": department,
            "question": question,
            "page": page,
            "form": form,
            "rows": rows,
            "error": error,
            "can_answer": can_answer,
            "is_leader": permissions.leads_policy(request.user, school),
            "term_href": term_href(school),
            "comment_form": forms.CommentForm(),
            "planned_warnings": drop_selectors.answer_warnings(school, question, page.latest),
        },
    )


@access.signed_in
@require_POST
def policy_answer_action(
    request: HttpRequest, urn: int, department_id: int, question_id: int
) -> HttpResponse:
    """Comment (leaders and the department's head), submit (head), agree or send back (leaders)."""
    school = policy_worker_school(request, urn)
    department = permissions.get_department(request.user, school, department_id)
    question = permissions.questions.get(request.user, school, question_id)
    action = request.POST.get("action", "")
    if not permissions.answers.steps(request.user, school, department).get(action):
        raise Http404("No such action")
    response = permissions.answers.get_answer(request.user, school, department, question)
    body = request.POST.get("body", "")
    try:
        if action == "comment":
            services.response_comment(response=response, by=request.user, body=body)
            messages.success(request, _("Your comment is added."))
        elif action == "submit":
            services.response_submit(response=response, by=request.user, note=body)
            messages.success(request, _("Submitted for leaders to agree."))
        elif action == "agree":
            services.response_agree(response=response, by=request.user, note=body)
            messages.success(
                request, _("Agreed. The department's settings now follow this answer.")
            )
        else:
            services.response_request_changes(response=response, by=request.user, comment=body)
            messages.success(request, _("Sent back to the department with your comment."))
    except PolicyError as problem:
        messages.error(request, str(problem))
    return redirect("policy_answer", urn=urn, department_id=department.pk, question_id=question.pk)


# ---------------------------------------------------------------------------- synthesis


@access.signed_in
def policy_synthesis_list(request: HttpRequest, urn: int) -> HttpResponse:
    school = policy_leader_school(request, urn)
    departments = permissions.departments(request.user, school)
    return render(
        request,
        "policy/synthesis_list.html",
        {"school": school, "overview": selectors.overview(school, departments)},
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def policy_synthesis(request: HttpRequest, urn: int, question_id: int) -> HttpResponse:
    """Every department's answer side by side, what they share, and the school's decision."""
    school = policy_leader_school(request, urn)
    question = permissions.questions.get(request.user, school, question_id, Action.CHANGE)
    departments = permissions.departments(request.user, school)
    form = forms.DecisionForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(
                question=question, by=request.user, text=form.cleaned_data["text"]
            )
        except PolicyError as problem:
            error = str(problem)
        else:
            messages.success(request, _("The whole-school decision is recorded."))
            return redirect("policy_synthesis", urn=urn, question_id=question.pk)
    synthesis = synthesis_for(school, question, departments)
    if request.method == "GET" and synthesis.decisions:
        form = forms.DecisionForm(initial={"text": synthesis.decisions[0].text})
    return render(
        request,
        "policy/synthesis.html",
        {
            "school": school,
            "question": question,
            "synthesis": synthesis,
            "form": form,
            "error": error,
            "term_href": term_href(school),
        },
    )
