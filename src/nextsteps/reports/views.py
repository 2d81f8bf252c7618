"""Dashboards: the leader's whole-school view, the teacher's class view and the trust view."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nextsteps import access
from nextsteps.exports import table_response
from nextsteps.progress import trust as trust_results
from nextsteps.reports import class_selectors, filter_views, permissions, selectors
from nextsteps.reports.kernels import charts
from nextsteps.reports.kernels.groups import GroupFilter
from nextsteps.schools.models import School, Trust


def _pct(value: float | None) -> float | str:
    """A percentage for an export: a number (so a spreadsheet can sum it, and a negative gap is
    not mistaken for a formula), or blank when there is nothing to divide by."""
    return "" if value is None else round(value, 1)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None


def _year_label(year: int) -> str:
    return _("Reception") if year == 0 else _("Year %(n)s") % {"n": year}


def _leader_board(request: HttpRequest, school: School) -> selectors.SchoolDashboard:
    """The dashboard with every filter asked for applied to every figure (the selector does
    the filtering; the page only names it)."""
    return selectors.school_dashboard(
        school=school,
        subject=request.GET.get("subject") or None,
        year=_int_or_none(request.GET.get("year")),
        groups=filter_views.requested_groups(request),
    )


def _pupils_shown(board: selectors.SchoolDashboard) -> list[selectors.PupilLine]:
    pupils = [p for p in board.pupils if p.figure.expected]
    return sorted(pupils, key=lambda p: (p.figure.secure_share or 0, p.name))


@access.signed_in
@require_GET
def leader_dashboard(request: HttpRequest, urn: int, fmt: str | None = None) -> HttpResponse:
    school = access.access_school(request.user, urn)
    permissions.require_school_dashboard(request.user, school)
    try:
        board = _leader_board(request, school)
    except filter_views.FilterProblem as problem:
        return filter_views.filter_problem(
            request, problem, reverse("leader_dashboard", kwargs={"urn": urn})
        )
    pupils = _pupils_shown(board)
    if fmt is not None:
        return _leader_export(board, pupils, request.GET.get("table", "subjects"), fmt)
    subjects, years = selectors.filter_choices(board)
    year_labels = {y: _year_label(y) for y in board.years}
    heatmap = charts.heatmap(
        title=_("Core objectives secure, by subject and year"),
        rows=board.subjects,
        columns=[year_labels[y] for y in board.years],
        values={
            (s, year_labels[y]): board.cells[(s, y)].secure_share
            for s in board.subjects
            for y in board.years
            if (s, y) in board.cells
        },
    )
    counts = board.distribution
    distribution = charts.distribution(
        title=_("Pupils by share of their core objectives secure"),
        labels=charts.BAND_LABELS,
        counts=counts,
    )
    trend = charts.trend(
        title=_("Core objectives secure at each assessment point"),
        points=[p.name for p in board.trend],
        series=[charts.Series(_("All subjects"), [p.overall.percent_secure for p in board.trend])]
        + [
            charts.Series(
                s,
                [
                    p.by_subject[s].percent_secure if s in p.by_subject else None
                    for p in board.trend
                ],
            )
            for s in board.subjects
        ],
    )
    heat_rows = [
        (s, [(y, board.cells.get((s, y))) for y in board.years], board.by_subject[s])
        for s in board.subjects
    ]
    return render(
        request,
        "reports/leader_dashboard.html",
        {
            "school": school,
            "board": board,
            "filters": board.filters,
            **filter_views.filter_context(board.filters.groups, len(pupils)),
            "group_query": urlencode({"group": board.filters.groups.slugs}, doseq=True),
            "pupils": pupils if board.filters.active else pupils[:25],
            "pupils_total": len(pupils),
            "year_labels": year_labels,
            "heat_rows": heat_rows,
            "years_header": [(y, year_labels[y], board.by_year[y]) for y in board.years],
            "heatmap_svg": mark_safe(heatmap),  # noqa: S308 - built from escaped text in charts.py
            "distribution_svg": mark_safe(distribution),  # noqa: S308
            "trend_svg": mark_safe(trend) if board.trend else "",  # noqa: S308
            "bands": list(zip(charts.BAND_LABELS, counts, strict=True)),
            "trend_subjects": board.subjects,
            "trend_rows": [(p, [p.by_subject.get(s) for s in board.subjects]) for p in board.trend],
            "subject_choices": subjects,
            "year_choices": [(y, _year_label(y)) for y in years],
        },
    )


def _leader_export(
    board: selectors.SchoolDashboard, pupils: list[selectors.PupilLine], table: str, fmt: str
) -> HttpResponse:
    figure_headers = [
        _("Expected"),
        _("Secure"),
        _("Working towards"),
        _("Not yet"),
        _("% secure"),
        _("% with recent evidence"),
    ]

    def figs(f: selectors.Figure) -> list[Any]:
        return [
            f.expected,
            f.secure,
            f.working,
            f.not_yet,
            _pct(f.percent_secure),
            _pct(f.percent_covered),
        ]

    name = f"{board.school.name} {table}"
    if table == "subjects":
        rows = [
            [s, _year_label(y), *figs(board.cells[(s, y)])]
            for s in board.subjects
            for y in board.years
            if (s, y) in board.cells
        ]
        return table_response(
            filename=name, fmt=fmt, headers=[_("Subject"), _("Year"), *figure_headers], rows=rows
        )
    if table == "classes":
        rows = [[c.name, c.year_group, c.pupils, *figs(c.figure)] for c in board.classes]
        return table_response(
            filename=name,
            fmt=fmt,
            headers=[_("Class"), _("Year"), _("Pupils"), *figure_headers],
            rows=rows,
        )
    if table == "groups":
        rows = [
            [
                g.label,
                g.with_label,
                g.with_pupils,
                _pct(g.with_percent),
                g.without_label,
                g.without_pupils,
                _pct(g.without_percent),
                _pct(g.gap),
            ]
            for g in board.gaps
        ]
        headers = [
            _("Characteristic"),
            _("Group"),
            _("Pupils"),
            _("Mean % secure"),
            _("Comparison"),
            _("Pupils"),
            _("Mean % secure"),
            _("Gap (points)"),
        ]
        return table_response(filename=name, fmt=fmt, headers=headers, rows=rows)
    if table == "trend":
        rows = [
            [p.name, p.date.isoformat(), _pct(p.overall.percent_secure)]
            + [
                _pct(p.by_subject[s].percent_secure) if s in p.by_subject else ""
                for s in board.subjects
            ]
            for p in board.trend
        ]
        return table_response(
            filename=name,
            fmt=fmt,
            headers=[_("Assessment point"), _("Date"), _("All subjects"), *board.subjects],
            rows=rows,
        )
    if table == "distribution":
        rows = [
            [label, count]
            for label, count in zip(charts.BAND_LABELS, board.distribution, strict=True)
        ]
        return table_response(
            filename=name, fmt=fmt, headers=[_("Share secure"), _("Pupils")], rows=rows
        )
    if table == "pupils":
        rows = [[p.name, _year_label(p.year_group), *figs(p.figure)] for p in pupils]
        return table_response(
            filename=name, fmt=fmt, headers=[_("Pupil"), _("Year"), *figure_headers], rows=rows
        )
    raise Http404("No such table")


@access.signed_in
@require_GET
def trust_dashboard(request: HttpRequest, trust: str, fmt: str | None = None) -> HttpResponse:
    found = permissions.dashboard_trust(request.user, trust)
    try:
        groups = filter_views.requested_groups(request)
    except filter_views.FilterProblem as problem:
        return filter_views.filter_problem(
            request, problem, reverse("trust_dashboard", kwargs={"trust": trust})
        )
    schools = selectors.trust_schools(found)
    lines = selectors.trust_dashboard(schools=schools, groups=groups)
    subjects = sorted({s for line in lines for s in line.by_subject})
    if fmt is not None and request.GET.get("table") == "gaps":
        return _trust_gaps_export(found, lines, fmt)
    if fmt is not None:
        return _trust_export(found, lines, subjects, fmt)
    return render(
        request,
        "reports/trust_dashboard.html",
        {
            "trust": found,
            **filter_views.filter_context(groups, sum(line.pupils for line in lines)),
            "query": urlencode({"group": groups.slugs}, doseq=True),
            "phases": [
                _trust_phase(phase, str(label), lines) for phase, label in School.Phase.choices
            ],
            "groups": selectors.GROUPS,
            # The oldest school's figures say how fresh the page is.
            "as_of": min((line.as_of for line in lines if line.as_of), default=None),
            "catching_up": any(line.catching_up for line in lines),
            **_trust_results(schools, groups),
        },
    )


def _trust_phase(phase: str, label: str, lines: list[selectors.TrustSchool]) -> dict[str, Any]:
    """One phase's schools: their figures side by side, never beside another phase's."""
    mine = [line for line in lines if line.school.phase == phase]
    subjects = sorted({s for line in mine for s in line.by_subject})
    heatmap = charts.heatmap(
        title=_("Core objectives secure, by school and subject: %(phase)s schools")
        % {"phase": label.lower()},
        rows=[line.school.name for line in mine],
        columns=subjects,
        values={
            (line.school.name, s): line.by_subject[s].secure_share
            for line in mine
            for s in line.by_subject
        },
    )
    return {
        "phase": phase,
        "label": label,
        "lines": [(line, [line.by_subject.get(s) for s in subjects]) for line in mine],
        "subjects": subjects,
        "heatmap_svg": mark_safe(heatmap) if mine else "",  # noqa: S308 - escaped in charts.py
    }


def _trust_results(schools: list[School], groups: GroupFilter) -> dict[str, Any]:
    """KS4 results for secondary schools and KS2 for primary (all-through in both), over the
    pupils of every group chosen; none when a group cannot apply to leavers (this year's
    attendance)."""
    try:
        admits = trust_results.results_filter([(g.key, g.value) for g in groups.groups])
    except KeyError:
        return {"results_filtered_out": True}
    secondary = [s for s in schools if s.phase != School.Phase.PRIMARY]
    primary = [s for s in schools if s.phase != School.Phase.SECONDARY]
    return {
        "ks4": trust_results.secondary_results(secondary, admits) if secondary else None,
        "ks2": trust_results.primary_results(primary, admits) if primary else None,
    }


def _trust_export(
    trust: Trust, lines: list[selectors.TrustSchool], subjects: list[str], fmt: str
) -> HttpResponse:
    rows = [
        [
            line.school.name,
            line.school.get_phase_display(),
            line.pupils,
            _pct(line.overall.percent_secure),
            _pct(line.overall.percent_covered),
        ]
        + [
            _pct(line.by_subject[s].percent_secure) if s in line.by_subject else ""
            for s in subjects
        ]
        + [_pct(g.gap) for g in line.gaps]
        for line in sorted(lines, key=lambda line: (line.school.phase, line.school.name))
    ]
    headers = [
        _("School"),
        _("Phase"),
        _("Pupils"),
        _("% secure"),
        _("% with recent evidence"),
        *subjects,
    ] + [_("Gap: %(label)s") % {"label": label} for _key, label, *_rest in selectors.GROUPS]
    return table_response(filename=f"{trust.name} schools", fmt=fmt, headers=headers, rows=rows)


@access.signed_in
@require_GET
def class_dashboard(
    request: HttpRequest, urn: int, class_id: int, fmt: str | None = None
) -> HttpResponse:
    school = access.access_school(request.user, urn)
    teaching_class = permissions.dashboard_class(request.user, school, class_id)
    try:
        groups = filter_views.requested_groups(request)
    except filter_views.FilterProblem as problem:
        return filter_views.filter_problem(
            request,
            problem,
            reverse("class_dashboard", kwargs={"urn": urn, "class_id": teaching_class.pk}),
        )
    board = class_selectors.class_dashboard(teaching_class=teaching_class, groups=groups)
    if fmt is not None:
        return _class_export(board, request.GET.get("table", "gaps"), fmt)
    return render(
        request,
        "reports/class_dashboard.html",
        {
            "school": school,
            "teaching_class": teaching_class,
            "board": board,
            "here": reverse("class_dashboard", kwargs={"urn": urn, "class_id": teaching_class.pk}),
            "group_query": urlencode({"group": groups.slugs}, doseq=True),
            **filter_views.filter_context(groups, len(board.pupils)),
        },
    )


def _class_export(board: class_selectors.ClassDashboard, table: str, fmt: str) -> HttpResponse:
    """The class dashboard's tables in full (the page shows the first few pupils of each), for
    the pupils the page's group filter admits (named in the file's name)."""
    name = f"{board.teaching_class.name} {table}"
    if board.groups:
        name = f"{name} {board.groups.label()}"
    if table == "gaps":
        rows = [
            [
                framework.framework_name,
                row.objective.code,
                row.objective.wording,
                row.secure,
                row.total,
                ", ".join(p.name for p in row.not_secure),
            ]
            for framework in board.gaps
            for row in framework.rows
        ]
        headers = [
            _("Framework"),
            _("Objective"),
            _("Wording"),
            _("Secure"),
            _("Pupils"),
            _("Not yet secure"),
        ]
        return table_response(filename=name, fmt=fmt, headers=headers, rows=rows)
    if table == "mismatches":
        rows = [
            [
                cell.pupil.name,
                cell.objective.code,
                cell.self_level.label if cell.self_level else "",
                cell.teacher_level.label if cell.teacher_level else "",
                _("more confident") if cell.verdict == "over" else _("less confident"),
            ]
            for cell in board.mismatches
        ]
        headers = [_("Pupil"), _("Objective"), _("They said"), _("You judged"), _("Difference")]
        return table_response(filename=name, fmt=fmt, headers=headers, rows=rows)
    raise Http404("No such table")


def _trust_gaps_export(trust: Trust, lines: list[selectors.TrustSchool], fmt: str) -> HttpResponse:
    """Each school's group gaps with the two means behind each (percentage points)."""
    headers: list[str] = [_("School")]
    for _key, _label, with_label, without_label in selectors.GROUPS:
        headers += [
            _("%(group)s: mean %% secure") % {"group": with_label},
            _("%(group)s: mean %% secure") % {"group": without_label},
            _("Gap: %(group)s") % {"group": with_label},
        ]
    rows: list[list[Any]] = [
        [
            line.school.name,
            *(
                value
                for g in line.gaps
                for value in (_pct(g.with_percent), _pct(g.without_percent), _pct(g.gap))
            ),
        ]
        for line in lines
    ]
    return table_response(filename=f"{trust.name} gaps", fmt=fmt, headers=headers, rows=rows)
