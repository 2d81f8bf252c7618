"""Pages for staff: learning goals, self-assessment beside judgement, work and feedback,
targets, learning conversations, questions, reviews and the marking-code legend.

The pages a pupil and their teachers share are in `work_views.py`, the pupil's own in
`own_views.py`; the parent's page of a child is with the home pages (`web`). Every view
asks the access core for the school and the class, and the feedback permissions for each row
named in the URL; rows outside a person's scope are 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.curriculum.models import Objective
from nextsteps.feedback import permissions, selectors, services
from nextsteps.feedback.forms import (
    MarkingCodeForm,
    QuestionForm,
    TargetForm,
    WorkForm,
)
from nextsteps.feedback.kernels.intention_menu import search_words
from nextsteps.feedback.models import ClassFeedbackPoint, Review
from nextsteps.feedback.review_views import review_form
from nextsteps.feedback.selectors import options
from nextsteps.feedback.selectors.setting import WorkMenu, group_planned_objective_id, work_menu
from nextsteps.feedback.services import FeedbackRefused, NoteEntry, PointEntry
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class
from nextsteps.teaching.selectors import class_groups, class_pupils


def staff_class(
    request: HttpRequest, urn: int, class_id: int, *, write: bool = False
) -> tuple[School, Class]:
    """The school and a class the signed-in member of staff may see (or record for)."""
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    return school, access.access_class(request.user, school, class_id, write=write)


def recordable_pupils(request: HttpRequest, teaching_class: Class) -> list[Pupil]:
    """The class's pupils this person may record for (a TA: the groups they support)."""
    return permissions.recordable_pupils(request.user, teaching_class, class_pupils(teaching_class))


def _int_or_none(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


# ---------------------------------------------------------------------------- the class hub


@access.signed_in
def class_hub(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Everything on the feedback loop for one class, on one page."""
    school, teaching_class = staff_class(request, urn, class_id)
    return render(
        request,
        "feedback/class_hub.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "intentions": selectors.class_intentions(teaching_class),
            "work": selectors.work_for_class(teaching_class),
            "targets": selectors.class_targets(teaching_class),
            "conversations": selectors.class_conversations(teaching_class, limit=5),
            "notes": selectors.class_feedback_notes(teaching_class, limit=3),
            "teaches": permissions.sets_for_class(request.user, teaching_class),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def intentions_edit(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """The teacher chooses the current learning intentions for the class or one group."""
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    teaching_class = access.access_class_as_teacher(request.user, school, class_id)
    group = options.class_group(
        teaching_class, request.GET.get("group") or request.POST.get("group")
    )
    choices = selectors.class_objective_choices(teaching_class)
    current = {
        i.objective_id: i
        for i in selectors.class_intentions(teaching_class)
        if i.group_id == (group.pk if group else None)
    }
    if request.method == "POST":
        by_id = {o.pk: o for o in choices}
        chosen = [
            by_id[int(v)]
            for v in request.POST.getlist("objective")
            if v.isdigit() and int(v) in by_id
        ]
        home_help = {
            o.pk: request.POST.get(f"home_help_{o.pk}", "")
            for o in chosen
            if f"home_help_{o.pk}" in request.POST
        }
        services.intentions_share(
            teaching_class=teaching_class,
            group=group,
            objectives=chosen,
            home_help=home_help,
            by=request.user,
        )
        messages.success(
            request,
            _("%(n)d learning intentions are now current for %(who)s.")
            % {"n": len(chosen), "who": group.name if group else teaching_class.name},
        )
        return redirect("feedback:class", urn=school.urn, class_id=teaching_class.pk)
    by_subject: dict[str, list[tuple[Objective, Any]]] = {}
    for objective in choices:
        by_subject.setdefault(objective.framework.subject.name, []).append(
            (objective, current.get(objective.pk))
        )
    return render(
        request,
        "feedback/intentions_edit.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "group": group,
            "groups": [view.group for view in class_groups(teaching_class)],
            "by_subject": by_subject,
            "current": current,
        },
    )


@access.signed_in
def class_calibration(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Self-assessment beside the teacher's judgement for each current intention."""
    school, teaching_class = staff_class(request, urn, class_id)
    pupils = class_pupils(teaching_class)
    objective_ids = {i.objective_id for i in selectors.class_intentions(teaching_class)}
    objective_ids |= selectors.recently_self_assessed(pupils)
    raw = request.GET.get("objective", "")
    if raw.isdigit():
        objective_ids = {int(raw)}
    objectives = options.objectives_by_id(school, objective_ids)
    summaries = sorted(
        selectors.calibration(pupils, objectives), key=lambda summary: -len(summary.assessed)
    )
    return render(
        request,
        "feedback/class_calibration.html",
        {"school": school, "teaching_class": teaching_class, "summaries": summaries},
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def pupil_feedback(request: HttpRequest, urn: int, pupil_id: int) -> HttpResponse:
    """One pupil's feedback, for staff who teach them: self vs teacher, targets, questions,
    reviews, feedback. (The staff's profile of a pupil is people's `pupil_detail`.)"""
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    pupil = access.access_pupil(request.user, school, pupil_id)
    form, saved = review_form(request, pupil, Review.Author.TEACHER)
    if saved:
        messages.success(request, _("Review saved."))
        return redirect("feedback:pupil", urn=school.urn, pupil_id=pupil.pk)
    objectives = selectors.pupil_self_assessed_objectives(pupil)
    assessed = selectors.latest_self_assessment_choices(pupil)
    return render(
        request,
        "feedback/pupil_profile.html",
        {
            "school": school,
            "pupil": pupil,
            "calibration": [s.cells[0] for s in selectors.calibration([pupil], objectives)],
            "targets": selectors.pupil_targets(pupil),
            "questions": selectors.pupil_questions(pupil),
            "reviews": selectors.pupil_reviews(pupil),
            "feedback": selectors.recent_feedback(pupil, limit=8),
            "from_home": selectors.replies_for_pupil(
                pupil, access.classes_for(request.user, school)
            ),
            "form": form,
            "voice_notes": selectors.self_assessment_notes(pupil),
            "assessment_choices": assessed,
            "may_add_note": bool(assessed)
            and permissions.may_add_pupil_note(request.user, school, pupil),
        },
    )


# ---------------------------------------------------------------------------- work


@access.signed_in
@require_http_methods(["GET", "POST"])
def work_new(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Set work in a few taps: a subject, then intentions found by strand or search (current
    and recent first), then the steps of the intentions chosen. "Find" re-sends the form
    to narrow the list without the page's script, keeping everything typed."""
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    teaching_class = access.access_class_as_teacher(request.user, school, class_id)
    menu = work_menu(teaching_class)
    finding = request.method == "POST" and request.POST.get("action") == "find"
    form = _work_form(request, teaching_class, menu, finding)
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        group = data["group"]
        pupils = selectors.work_audience(teaching_class, group)
        try:
            work = services.work_set(
                teaching_class=teaching_class,
                group=group,
                title=data["title"],
                instructions=data["instructions"],
                objectives=list(data["objectives"]),
                criteria=list(data["criteria"]),
                due_on=data["due_on"],
                by=request.user,
                pupil_user_ids=[p.user_id for p in pupils if p.user_id],
            )
        except FeedbackRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Work set: %(title)s") % {"title": work.title})
            return redirect("feedback:work_detail", urn=school.urn, work_id=work.pk)
    chosen, subject_id, strand_id = _menu_state(request, menu)
    return render(
        request,
        "feedback/work_new.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "form": form,
            "menu": menu,
            "chosen": chosen,
            "chosen_criteria": set(_ids(_params(request).getlist("criteria"))),
            "subject_id": subject_id,
            "strand_id": strand_id,
            "q": _params(request).get("q", "")[:100],
            "any_shown": any(c.shown for c in menu.choices),
        },
    )


def _params(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else request.GET


def _ids(raw: list[str]) -> list[int]:
    return [int(value) for value in raw if value.isdigit()]


def _work_form(
    request: HttpRequest, teaching_class: Class, menu: WorkMenu, finding: bool
) -> WorkForm:
    """The form, bound to what was sent; when only finding, unbound (nothing is refused) but
    filled with what was typed and ticked."""
    params = _params(request)
    kwargs: dict[str, Any] = {
        "groups": options.class_groups(teaching_class),
        "objectives": options.objectives_named(c.objective.pk for c in menu.choices),
    }
    if request.method == "POST" and not finding:
        return WorkForm(request.POST, **kwargs)
    initial: dict[str, Any] = {}
    for name in ("title", "instructions", "group", "due_on"):
        if params.get(name):
            initial[name] = params.get(name)
    for name in ("objectives", "criteria"):
        initial[name] = _ids(params.getlist(name))
    if params.get("objective", "").isdigit():  # a link to set work on one intention
        initial["objectives"].append(int(params["objective"]))
    return WorkForm(initial=initial, **kwargs)


def _menu_state(request: HttpRequest, menu: WorkMenu) -> tuple[set[int], int | None, int | None]:
    """Narrow the menu to the subject, strand and search sent (the page opens on the current
    intentions' subject); the ids of the intentions ticked, the subject and the strand."""
    params = _params(request)
    chosen = set(_ids(params.getlist("objectives")))
    if params.get("objective", "").isdigit():
        chosen.add(int(params["objective"]))
    subject_ids = {s.pk for s in menu.subjects}
    strand_ids = {s.pk for s in menu.strands}
    subject = _int_or_none(params.get("subject", ""))
    if subject not in subject_ids:
        subject = menu.opening_subject_id
    strand = _int_or_none(params.get("strand", ""))
    strand = strand if strand in strand_ids and menu.strand_subject(strand) == subject else None
    menu.narrow(
        subject_id=subject, strand_id=strand, words=search_words(params.get("q", "")), chosen=chosen
    )
    return chosen, subject, strand


@access.signed_in
def work_detail(request: HttpRequest, urn: int, work_id: int) -> HttpResponse:
    """Staff see every pupil's progress on the work; a pupil goes to their own."""
    school = access.access_school(request.user, urn)
    if not permissions.is_staff(request.user, school):
        pupil = access.own_pupil(request.user, school)
        work = permissions.work_to_view(request.user, school, work_id, pupil)
        return redirect("feedback:submission", urn=school.urn, work_id=work.pk, pupil_id=pupil.pk)
    work = permissions.work_to_view(request.user, school, work_id, None)
    return render(
        request,
        "feedback/work_detail.html",
        {
            "school": school,
            "work": work,
            "objectives": list(work.objectives.all()),
            "criteria": list(work.criteria.all()),
            "rows": selectors.work_submissions(work),
            "class_notes": list(work.class_feedback.all()),
        },
    )


# ---------------------------------------------------------------------------- targets


@access.signed_in
@require_http_methods(["GET", "POST"])
def class_targets(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """The class's targets, claimed and due, and setting a new one with a pupil."""
    school, teaching_class = staff_class(request, urn, class_id)
    can_set = permissions.sets_for_class(request.user, teaching_class)
    pupils = options.pupils_among(class_pupils(teaching_class))
    form = TargetForm(
        request.POST or None,
        pupils=pupils,
        objectives=options.class_objectives(teaching_class),
        initial={"pupil": request.GET.get("pupil")},
    )
    if request.method == "POST":
        if not can_set:
            raise Http404("No such class")
        if form.is_valid():
            data = form.cleaned_data
            try:
                target = services.target_set(
                    pupil=data["pupil"],
                    teaching_class=teaching_class,
                    objective=data["objective"],
                    wording=data["wording"],
                    due_on=data["due_on"],
                    set_with_pupil=data["set_with_pupil"],
                    by=request.user,
                )
            except FeedbackRefused as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(
                    request, _("Target set for %(pupil)s.") % {"pupil": target.pupil.name}
                )
                return redirect(
                    "feedback:class_targets", urn=school.urn, class_id=teaching_class.pk
                )
    return render(
        request,
        "feedback/class_targets.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "targets": selectors.class_targets(teaching_class),
            "form": form,
            "can_set": can_set,
        },
    )


# ---------------------------------------------------------------------------- conversations


@access.signed_in
@require_http_methods(["GET", "POST"])
def conversation_new(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """A focus-group log: choose the group and objective, then a line per pupil."""
    school, teaching_class = staff_class(request, urn, class_id, write=True)
    params = request.POST if request.method == "POST" else request.GET
    group = options.class_group(teaching_class, params.get("group"))
    objectives = options.class_objectives(teaching_class)
    objective = None
    raw = params.get("objective", "")
    if not raw and group is not None:  # a focus group opens on what its lesson planned for it
        raw = str(group_planned_objective_id(group) or "")
    if raw.isdigit():
        objective = options.objective_among(objectives, int(raw))
        if objective is None:
            raise Http404("No such objective")
    allowed = {p.pk for p in recordable_pupils(request, teaching_class)}
    if group is not None:
        pupils = [p for p in selectors.work_audience(teaching_class, group) if p.pk in allowed]
    else:
        pupils = recordable_pupils(request, teaching_class)
    levels = list(options.scale_levels(objective.framework.scale_id)) if objective else []
    problems: list[str] = []
    if request.method == "POST" and objective is not None:
        by_level = {level.pk: level for level in levels}
        entries = []
        for pupil in pupils:
            level_raw = request.POST.get(f"level_{pupil.pk}", "")
            level = by_level.get(int(level_raw)) if level_raw.isdigit() else None
            if level_raw and level is None:
                problems.append(
                    _("%(pupil)s: choose a level from the list") % {"pupil": pupil.name}
                )
            entries.append(
                NoteEntry(
                    pupil=pupil,
                    note=request.POST.get(f"note_{pupil.pk}", ""),
                    next_step=request.POST.get(f"next_{pupil.pk}", ""),
                    level=level,
                )
            )
        if not problems:
            try:
                conversation = services.conversation_record(
                    teaching_class=teaching_class,
                    group=group,
                    objective=objective,
                    notes=entries,
                    summary=request.POST.get("summary", ""),
                    by=request.user,
                )
            except FeedbackRefused as error:
                problems.append(str(error))
            else:
                count = sum(1 for e in entries if e.level is not None)
                messages.success(
                    request,
                    ngettext(
                        "Learning conversation saved; %(n)d judgement recorded.",
                        "Learning conversation saved; %(n)d judgements recorded.",
                        count,
                    )
                    % {"n": count},
                )
                return redirect(
                    "feedback:conversation", urn=school.urn, conversation_id=conversation.pk
                )
    return render(
        request,
        "feedback/conversation_new.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "groups": options.class_group_list(teaching_class),
            "group": group,
            "objectives": list(objectives),
            "objective": objective,
            "rows": [
                {
                    "pupil": pupil,
                    "note": request.POST.get(f"note_{pupil.pk}", ""),
                    "next": request.POST.get(f"next_{pupil.pk}", ""),
                    "level": _int_or_none(request.POST.get(f"level_{pupil.pk}", "")),
                }
                for pupil in pupils
            ],
            "levels": levels,
            "problems": problems,
            "posted": request.POST,
        },
    )


@access.signed_in
def conversation_detail(request: HttpRequest, urn: int, conversation_id: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    conversation = permissions.conversation_to_view(request.user, school, conversation_id)
    notes = permissions.visible_notes(
        request.user, conversation, selectors.conversation_detail(conversation)
    )
    return render(
        request,
        "feedback/conversation_detail.html",
        {"school": school, "conversation": conversation, "notes": notes},
    )


# ---------------------------------------------------------------------------- lighter feedback


@access.signed_in
@require_http_methods(["GET", "POST"])
def class_feedback_new(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Whole-class feedback: strengths, misconceptions and next steps, with who each is for."""
    school = access.access_school(request.user, urn)
    access.require_staff(request.user, school)
    teaching_class = access.access_class_as_teacher(request.user, school, class_id)
    pupils = class_pupils(teaching_class)
    work = options.recent_class_work(teaching_class, limit=20)
    problems: list[str] = []
    if request.method == "POST":
        by_id = {p.pk: p for p in pupils}
        chosen_work = next((w for w in work if str(w.pk) == request.POST.get("work")), None)
        points = []
        for kind in ClassFeedbackPoint.Kind.values:
            for index in range(1, 4):
                key = f"{kind}_{index}"
                ids = [int(v) for v in request.POST.getlist(f"{key}_pupils") if v.isdigit()]
                points.append(
                    PointEntry(
                        kind=kind,
                        text=request.POST.get(key, ""),
                        pupils=[by_id[i] for i in ids if i in by_id],
                    )
                )
        try:
            services.class_feedback_give(
                teaching_class=teaching_class,
                title=request.POST.get("title", ""),
                points=points,
                work=chosen_work,
                objective=options.first_objective(chosen_work),
                by=request.user,
            )
        except FeedbackRefused as error:
            problems.append(str(error))
        else:
            messages.success(request, _("Whole-class feedback saved."))
            return redirect("feedback:class", urn=school.urn, class_id=teaching_class.pk)
    return render(
        request,
        "feedback/class_feedback_new.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "pupils": pupils,
            "work": work,
            "sections": [
                (
                    kind,
                    label,
                    [
                        (
                            index,
                            request.POST.get(f"{kind}_{index}", ""),
                            {
                                _int_or_none(v)
                                for v in request.POST.getlist(f"{kind}_{index}_pupils")
                            },
                        )
                        for index in range(1, 4)
                    ],
                )
                for kind, label in ClassFeedbackPoint.Kind.choices
            ],
            "problems": problems,
            "posted": request.POST,
            "chosen": request.GET.get("work", ""),
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def verbal_new(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Record that feedback was given by word of mouth, for one pupil or several."""
    school, teaching_class = staff_class(request, urn, class_id, write=True)
    pupils = recordable_pupils(request, teaching_class)
    objectives = list(options.class_objectives(teaching_class))
    problems: list[str] = []
    if request.method == "POST":
        by_id = {p.pk: p for p in pupils}
        chosen = [
            by_id[int(v)] for v in request.POST.getlist("pupils") if v.isdigit() and int(v) in by_id
        ]
        objective = next(
            (o for o in objectives if str(o.pk) == request.POST.get("objective")), None
        )
        try:
            services.verbal_feedback_record(
                teaching_class=teaching_class,
                pupils=chosen,
                objective=objective,
                next_step=request.POST.get("next_step", ""),
                comment=request.POST.get("comment", ""),
                by=request.user,
            )
        except FeedbackRefused as error:
            problems.append(str(error))
        else:
            messages.success(
                request, _("Verbal feedback noted for %(n)d pupils.") % {"n": len(chosen)}
            )
            return redirect("feedback:class", urn=school.urn, class_id=teaching_class.pk)
    return render(
        request,
        "feedback/verbal_new.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "pupils": pupils,
            "objectives": objectives,
            "problems": problems,
            "posted": request.POST,
            "chosen_ids": {_int_or_none(v) for v in request.POST.getlist("pupils")},
        },
    )


# ---------------------------------------------------------------------------- questions


@access.signed_in
@require_http_methods(["GET", "POST"])
def class_questions(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Record pupils' questions with their depth; the latest questions in the class."""
    school, teaching_class = staff_class(request, urn, class_id)
    pupils = recordable_pupils(request, teaching_class)
    form = QuestionForm(
        request.POST or None,
        pupils=options.pupils_among(pupils),
        objectives=options.class_objectives(teaching_class),
    )
    if request.method == "POST":
        access.access_class(request.user, school, class_id, write=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.question_record(
                    pupil=data["pupil"],
                    teaching_class=teaching_class,
                    text=data["text"],
                    depth=data["depth"],
                    objective=data["objective"],
                    by=request.user,
                )
            except FeedbackRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Question recorded."))
                return redirect("feedback:questions", urn=school.urn, class_id=teaching_class.pk)
    questions = permissions.visible_questions(
        request.user, teaching_class, selectors.class_questions(teaching_class)
    )
    return render(
        request,
        "feedback/class_questions.html",
        {"school": school, "teaching_class": teaching_class, "form": form, "questions": questions},
    )


# ---------------------------------------------------------------------------- marking codes


@access.signed_in
@require_http_methods(["GET", "POST"])
def marking_codes(request: HttpRequest, urn: int) -> HttpResponse:
    """The school's marking codes: a legend everyone in the school can read."""
    school = access.access_school(request.user, urn)
    can_edit = permissions.may_change_codes(request.user, school)
    form = MarkingCodeForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404("Not found")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.marking_code_save(
                    school_id=school.pk,
                    symbol=data["symbol"],
                    meaning=data["meaning"],
                    pupil_action=data["pupil_action"],
                    by=request.user,
                )
            except FeedbackRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Marking code saved."))
                return redirect("feedback:codes", urn=school.urn)
    return render(
        request,
        "feedback/marking_codes.html",
        {
            "school": school,
            "codes": selectors.marking_codes(school.pk),
            "form": form,
            "can_edit": can_edit,
        },
    )


# ---------------------------------------------------------------------------- parents' replies


@access.signed_in
@require_POST
def replies_setting(request: HttpRequest, urn: int) -> HttpResponse:
    """The school's leaders turn parents' replies on or off (from the parents' settings)."""
    school = access.access_school(request.user, urn)
    permissions.require_replies_setting(request.user, school)
    open_to_parents = request.POST.get("replies_open") == "1"
    services.replies_open_set(school=school, open_to_parents=open_to_parents, by=request.user)
    messages.success(
        request,
        _("Parents can reply to feedback and next steps.")
        if open_to_parents
        else _("Replies from parents are turned off. Replies already sent are kept."),
    )
    return redirect(f"{reverse('report_settings', kwargs={'urn': school.urn})}#replies-title")
