"""Planning pages: a class's units, a unit's lessons with intentions by group, and the
next-steps planner. Staff who can see a class read its plans; its teachers change them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from nextsteps import access
from nextsteps.access import Action
from nextsteps.curriculum.models import Objective
from nextsteps.policy import permissions, planning_services
from nextsteps.policy import planning_selectors as plans
from nextsteps.policy.errors import PolicyError
from nextsteps.policy.kernels.planner import next_school_day
from nextsteps.policy.models import Unit
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class

DATE = forms.DateInput(attrs={"type": "date"})


class UnitForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("Starts"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Ends"), widget=DATE)
    assessment_point = forms.TypedChoiceField(
        label=gettext_lazy("Assessment point in this unit"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, points: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = {p.pk: p for p in points}
        self.fields["assessment_point"].choices = [  # type: ignore[attr-defined]
            ("", _("None")),
            *[(p.pk, f"{p.name} · {p.date:%d %b %Y} · {p.department.name}") for p in points],
        ]


class LessonForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Lesson"), max_length=200)
    taught_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)


def _objective_choices(objectives: list[Objective]) -> list[Any]:
    grouped: dict[str, list[tuple[int, str]]] = {}
    for o in objectives:
        grouped.setdefault(f"{o.framework.subject.name} · {o.strand.name}", []).append(
            (o.pk, f"{o.code} — {o.wording}")
        )
    return list(grouped.items())


class IntentionForm(forms.Form):
    objective = forms.TypedChoiceField(label=gettext_lazy("Learning intention"), coerce=int)
    group = forms.TypedChoiceField(
        label=gettext_lazy("For"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=gettext_lazy("Note for the group"), max_length=300, required=False)

    def __init__(
        self, *args: Any, objectives: list[Objective], groups: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = _objective_choices(objectives)  # type: ignore[attr-defined]
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole class")),
            *[(g.pk, g.name) for g in groups],
        ]


class PlannerForm(forms.Form):
    objectives = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Objectives just taught"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    size = forms.IntegerField(
        label=gettext_lazy("Largest focus group"),
        min_value=1,
        max_value=planning_services.MAX_GROUP_SIZE,
        initial=5,
    )
    taught_on = forms.DateField(label=gettext_lazy("Next lesson"), widget=DATE)
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Unit"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, objectives: list[Objective], units: list[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectives"].choices = [  # type: ignore[attr-defined]
            (o.pk, f"{o.code} — {o.wording}") for o in objectives
        ]
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", _("The unit that covers the date (or a new one)")),
            *[(u.pk, u.title) for u in units],
        ]


def _class(
    request: HttpRequest, urn: int, class_id: int, action: Action = Action.VIEW
) -> tuple[School, Class]:
    school = access.access_school(request.user, urn)
    return school, permissions.units.planning_class(request.user, school, class_id, action)


def _unit(request: HttpRequest, urn: int, unit_id: int) -> tuple[School, Unit]:
    school = access.access_school(request.user, urn)
    return school, permissions.units.get(request.user, school, unit_id)


@access.signed_in
def planning_home(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    permissions.units.require_planner(request.user, school)
    classes = plans.planning_classes(permissions.units.classes(request.user, school))
    return render(request, "policy/planning_home.html", {"school": school, "classes": classes})


@access.signed_in
@require_http_methods(["GET", "POST"])
def planning_class(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    school, teaching_class = _class(request, urn, class_id)
    can_plan = permissions.units.can_plan(request.user, Action.CHANGE, teaching_class)
    points = plans.class_points(teaching_class)
    form = UnitForm(request.POST or None, points=points)
    error = ""
    if request.method == "POST":
        if not can_plan:
            raise Http404("Only the class's teachers plan for it")
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = planning_services.unit_create(
                    teaching_class=teaching_class,
                    by=request.user,
                    title=data["title"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    summary=data["summary"],
                    assessment_point=form.points.get(data["assessment_point"] or 0),
                )
            except PolicyError as problem:
                error = str(problem)
            else:
                messages.success(request, _("The unit is added."))
                return redirect("planning_unit", urn=urn, unit_id=unit.pk)
    return render(
        request,
        "policy/planning_class.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "units": plans.class_units(teaching_class),
            "groups": plans.class_groups(teaching_class),
            "form": form,
            "error": error,
            "can_plan": can_plan,
        },
    )


@access.signed_in
@require_http_methods(["GET", "POST"])
def planning_unit(request: HttpRequest, urn: int, unit_id: int) -> HttpResponse:
    school, unit = _unit(request, urn, unit_id)
    teaching_class = permissions.units.planning_class(request.user, school, unit.teaching_class_id)
    can_plan = permissions.units.can_plan(request.user, Action.CHANGE, teaching_class)
    objectives = plans.class_objectives(teaching_class)
    groups = plans.class_groups(teaching_class)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    lesson_form = LessonForm(request.POST if action == "lesson" else None)
    intention_form = IntentionForm(
        request.POST if action == "intention" else None, objectives=objectives, groups=groups
    )
    lessons = plans.unit_lessons(unit)
    error = ""
    if request.method == "POST":
        if not can_plan:
            raise Http404("Only the class's teachers plan for it")
        try:
            done = _unit_action(
                request, unit, action, lesson_form, intention_form, objectives, groups, lessons
            )
        except PolicyError as problem:
            error = str(problem)
        else:
            if done:
                messages.success(request, done)
                return redirect("planning_unit", urn=urn, unit_id=unit.pk)
            error = _("Some details need correcting: see the messages beside them.")
    return render(
        request,
        "policy/planning_unit.html",
        {
            "school": school,
            "unit": unit,
            "teaching_class": teaching_class,
            "lessons": lessons,
            "lesson_form": lesson_form,
            "intention_form": intention_form,
            "can_plan": can_plan,
            "error": error,
            "action": action,
        },
    )


def _unit_action(
    request: HttpRequest,
    unit: Unit,
    action: str,
    lesson_form: LessonForm,
    intention_form: IntentionForm,
    objectives: list[Objective],
    groups: list[Any],
    lessons: list[Any],
) -> str:
    """Carry out one change to a unit; the message to show, or "" when the form is invalid."""
    if action == "lesson":
        if not lesson_form.is_valid():
            return ""
        planning_services.lesson_create(unit=unit, by=request.user, **lesson_form.cleaned_data)
        return _("The lesson is added.")
    lesson = next((l for l in lessons if str(l.pk) == request.POST.get("lesson")), None)  # noqa: E741
    if lesson is None:
        raise Http404("No such lesson in this unit")
    if action == "intention":
        if not intention_form.is_valid():
            return ""
        data = intention_form.cleaned_data
        objective = next((o for o in objectives if o.pk == data["objective"]), None)
        group = next((g for g in groups if g.pk == data["group"]), None)
        if objective is None or (data["group"] and group is None):
            raise Http404("No such objective or group")
        planning_services.intention_add(
            lesson=lesson, by=request.user, objective=objective, group=group, note=data["note"]
        )
        return _("The learning intention is planned.")
    if action == "steps":
        intention = next(
            (i for i in lesson.intentions.all() if str(i.pk) == request.POST.get("intention")),
            None,
        )
        if intention is None:
            raise Http404("No such intention in this lesson")
        chosen = set(request.POST.getlist("criteria"))
        criteria = [c for c in intention.objective.success_criteria.all() if str(c.pk) in chosen]
        planning_services.intention_steps_set(
            intention=intention, by=request.user, criteria=criteria
        )
        return _("The steps for this intention are saved.")
    raise Http404("No such action")


@access.signed_in
@require_POST
def planning_intention_delete(request: HttpRequest, urn: int, intention_id: int) -> HttpResponse:
    school = access.access_school(request.user, urn)
    intention = permissions.units.get_intention(request.user, school, intention_id)
    teaching_class = intention.lesson.unit.teaching_class
    unit_id = intention.lesson.unit_id
    planning_services.intention_remove(intention=intention, by=request.user)
    messages.success(
        request, _("The learning intention is removed from %(c)s.") % {"c": teaching_class}
    )
    return redirect("planning_unit", urn=urn, unit_id=unit_id)


@dataclass
class ObjectiveGroup:
    label: str
    choices: list[tuple[Objective, bool]]

    @property
    def any_chosen(self) -> bool:
        return any(chosen for _objective, chosen in self.choices)


def _objective_groups(objectives: list[Objective], chosen: set[str]) -> list[ObjectiveGroup]:
    """The class's objectives by subject and strand, for ticking; chosen ones are ticked."""
    groups: dict[str, ObjectiveGroup] = {}
    for objective in objectives:
        label = f"{objective.framework.subject.name}: {objective.strand.name}"
        group = groups.setdefault(label, ObjectiveGroup(label, []))
        group.choices.append((objective, str(objective.pk) in chosen))
    return list(groups.values())


@access.signed_in
@require_http_methods(["GET", "POST"])
def planning_next_steps(request: HttpRequest, urn: int, class_id: int) -> HttpResponse:
    """Group pupils not yet secure by shared gaps; create the groups and the next lesson."""
    school, teaching_class = _class(request, urn, class_id, Action.CHANGE)
    objectives = plans.class_objectives(teaching_class)
    units = plans.class_units(teaching_class)
    lesson, taught_ids = plans.just_taught(teaching_class)
    initial = {
        "objectives": [str(pk) for pk in taught_ids],
        "size": "5",
        "taught_on": next_school_day(timezone.localdate()).isoformat(),
        "unit": str(lesson.unit_id) if lesson else "",
    }
    data: Any = None
    if request.method == "POST":
        data = request.POST
    elif "size" in request.GET:
        data = request.GET
    elif "objectives" in request.GET:
        # A link from the gap analysis or the markbook names the objectives; the rest is as
        # the planner would open.
        data = MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in initial.items()})
        data.setlist("objectives", request.GET.getlist("objectives"))
    elif taught_ids:
        # Open on the lesson just taught, so that its groups show at once.
        data = MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in initial.items()})
    form = PlannerForm(data, objectives=objectives, units=units, initial=initial)
    view, error = None, ""
    if form.is_valid():
        chosen = [o for o in objectives if o.pk in set(form.cleaned_data["objectives"])]
        size = form.cleaned_data["size"]
        if request.method == "POST":
            unit = next((u for u in units if u.pk == form.cleaned_data["unit"]), None)
            try:
                created = planning_services.next_steps_create(
                    teaching_class=teaching_class,
                    by=request.user,
                    objectives=chosen,
                    size=size,
                    taught_on=form.cleaned_data["taught_on"],
                    unit=unit,
                )
            except PolicyError as problem:
                error = str(problem)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d focus group and the next lesson's intentions are created.",
                        "%(n)d focus groups and the next lesson's intentions are created.",
                        len(created.groups),
                    )
                    % {"n": len(created.groups)},
                )
                return redirect("planning_unit", urn=urn, unit_id=created.lesson.unit_id)
        view = plans.planner_view(teaching_class, chosen, size)
    chosen_ids = {str(pk) for pk in (data.getlist("objectives") if data else [])}
    return render(
        request,
        "policy/planning_next_steps.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "form": form,
            "objective_groups": _objective_groups(objectives, chosen_ids),
            "view": view,
            "lesson": lesson,
            "error": error,
        },
    )
