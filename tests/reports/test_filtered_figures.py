"""A filtered dashboard filters every figure: for every filter the leader's page offers (each
subject, each year group, each group of pupils, and every combination of them), each figure
the page shows (headline, heatmap and its table, distribution, gaps, trend, classes, pupils and
the export) equals the same figure computed here independently, straight from the standings
tables with the ORM, not through the product's selectors.

Percentages are rounded here with Decimal half-up, independently of the product's rounding
kernel; the heatmap and its table must show the same text for every cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from typing import Any

from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nextsteps.accounts.models import Role, User
from nextsteps.accounts.services import membership_grant
from nextsteps.curriculum.models import Objective
from nextsteps.markbook.models import AssessmentPoint, Standing, StandingSnapshot
from nextsteps.people.kernels.attendance import is_persistent_absence
from nextsteps.people.models import Attendance, AttendanceSource, Pupil
from nextsteps.progress.models import Ks1Result
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, Enrolment
from tests.conftest import Cast
from tests.reports.dataset import build

# ------------------------------------------------------------------ reading what the page shows


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)


class _Tables(HTMLParser):
    """Every <table> on a page: its caption and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table())
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in {"td", "th"} and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in {"td", "th"} and self._cell is not None:
            self.tables[-1].rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.tables[-1].caption += data
        elif self._cell is not None:
            self._cell.append(data)


def _table(html: str, caption_starts: str, *, optional: bool = False) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    found = [t for t in parser.tables if t.caption.strip().startswith(caption_starts)]
    if optional and not found:
        return []
    assert len(found) == 1, caption_starts
    return found[0].rows


def _offered(html: str, name: str) -> list[str]:
    """The values the <select>s of that name on the page offer, each "all" choice first."""
    selects = re.findall(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert selects, name
    return [value for select in selects for value in re.findall(r'<option value="([^"]*)"', select)]


# ------------------------------------------------------------------ the figures, independently


def _pct(part: int, whole: int, places: int = 0) -> str:
    if not whole:
        return "–"
    exact = Decimal(100 * part) / Decimal(whole)
    return f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


SMALL = 6  # the DfE suppresses figures for fewer than six pupils; the pages flag them


def _flag(pupils: int) -> str:
    return " small group" if 0 < pupils < SMALL else ""


def _count(pupils: int) -> str:
    """A pupil count as a table shows it, flagged when the group is small."""
    return f"{pupils}{_flag(pupils)}"


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _one_place(value: Decimal | None) -> str:
    return "–" if value is None else str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class Cells:
    expected: int = 0
    secure: int = 0
    working: int = 0
    recent: int = 0

    def add(self, secure: bool, working: bool, recent: bool) -> None:
        self.expected += 1
        self.secure += secure
        self.working += working
        self.recent += recent

    def merge(self, other: Cells) -> None:
        self.expected += other.expected
        self.secure += other.secure
        self.working += other.working
        self.recent += other.recent

    def row(self) -> list[str]:
        """As the pages' figure columns show it."""
        not_yet = self.expected - self.secure - self.working
        return [
            str(self.expected),
            str(self.secure),
            str(self.working),
            str(not_yet),
            _pct(self.secure, self.expected),
            _pct(self.recent, self.expected),
        ]


GROUP_TEST = {
    "disadvantaged": lambda p: p["disadvantaged"],
    "not-disadvantaged": lambda p: not p["disadvantaged"],
    "sen": lambda p: p["sen_status"] != "N",
    "not-sen": lambda p: p["sen_status"] == "N",
    "eal": lambda p: p["eal"],
    "not-eal": lambda p: not p["eal"],
    "female": lambda p: p["gender"] == "F",
    "not-female": lambda p: p["gender"] == "M",
    # Attendance this year: pupils with none recorded are on neither side.
    "persistent_absence": lambda p: p["persistent_absence"] is True,
    "not-persistent_absence": lambda p: p["persistent_absence"] is False,
    # Prior attainment from KS1, set by hand in the test: see PRIOR below.
    "prior-low": lambda p: p["prior"] == "low",
    "prior-middle": lambda p: p["prior"] == "middle",
    "prior-high": lambda p: p["prior"] == "high",
    "prior-unknown": lambda p: p["prior"] == "unknown",
}
# KS1 outcomes given in the test, and the band each must fall in (KS1 frameworks: the average
# point score below 8 is low, 8 to below 10 middle, 10 and above high; WTS 6, EXS 8, GDS 10).
KS1 = {"Isaac": ("EXS", "EXS", "EXS"), "Bea": ("WTS", "EXS", "WTS"), "Cal": ("GDS", "GDS", "GDS")}
PRIOR = {"Isaac": "middle", "Bea": "low", "Cal": "high", "Dee": "unknown", "Eve": "unknown"}


def _expected_page(
    school: School, subject: str, year: str, group: str | tuple[str, ...]
) -> dict[str, Any]:
    """Every figure the filtered page should show, from the tables themselves."""
    today = timezone.localdate()
    year_start = today.year if today.month >= 9 else today.year - 1
    absent = {
        a.pupil_id: is_persistent_absence(a.attended_sessions, a.possible_sessions, year_start)
        for a in Attendance.objects.filter(school=school, year_starting=year_start)
    }
    chosen = (group,) if isinstance(group, str) else group
    prior = {p.pk: PRIOR[p.legal_forename] for p in Pupil.objects.filter(school=school)}

    def traits(p: dict[str, Any]) -> dict[str, Any]:
        return {**p, "persistent_absence": absent.get(p["pk"]), "prior": prior[p["pk"]]}

    pupils: dict[int, dict[str, Any]] = {
        p["pk"]: traits(p)
        for p in Pupil.objects.filter(school=school)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .values(
            "pk",
            "legal_forename",
            "preferred_forename",
            "legal_surname",
            "year_group",
            "gender",
            "disadvantaged",
            "sen_status",
            "eal",
        )
        if (not year or p["year_group"] == int(year))
        and all(GROUP_TEST[g](traits(p)) for g in chosen if g)
    }
    objectives: dict[int, dict[str, Any]] = {
        o["pk"]: dict(o)
        for o in Objective.objects.filter(school=school, core=True, year_group__isnull=False)
        .values("pk", "year_group", "framework__subject_id", "framework__subject__name")
        .order_by()
        if not subject or o["framework__subject__name"] == subject
    }
    standings = {
        (s["pupil_id"], s["objective_id"]): s
        for s in Standing.objects.filter(school=school).values(
            "pupil_id", "objective_id", "mastered", "evidence_count", "last_evidence_at"
        )
    }
    cutoff = timezone.now() - dt.timedelta(days=42)
    # pupil × subject cells
    cells: dict[tuple[int, int], Cells] = defaultdict(Cells)
    subject_names: dict[int, str] = {}
    for pupil_id, pupil in pupils.items():
        for objective_id, objective in objectives.items():
            if objective["year_group"] != pupil["year_group"]:
                continue
            sid = objective["framework__subject_id"]
            subject_names[sid] = objective["framework__subject__name"]
            standing = standings.get((pupil_id, objective_id))
            mastered = bool(standing and standing["mastered"])
            cells[(pupil_id, sid)].add(
                secure=mastered,
                working=bool(standing and standing["evidence_count"] > 0 and not mastered),
                recent=bool(
                    standing
                    and standing["last_evidence_at"]
                    and standing["last_evidence_at"] >= cutoff
                ),
            )
    per_pupil: dict[int, Cells] = defaultdict(Cells)
    heat: dict[tuple[str, int], Cells] = defaultdict(Cells)
    by_subject: dict[str, Cells] = defaultdict(Cells)
    by_year: dict[int, Cells] = defaultdict(Cells)
    overall = Cells()
    for (pupil_id, sid), figure in cells.items():
        per_pupil[pupil_id].merge(figure)
        heat[(subject_names[sid], pupils[pupil_id]["year_group"])].merge(figure)
        by_subject[subject_names[sid]].merge(figure)
        by_year[pupils[pupil_id]["year_group"]].merge(figure)
        overall.merge(figure)
    subjects, years = sorted(by_subject), sorted(by_year)
    heat = dict(heat)
    none = Cells()

    def name(p: dict[str, Any]) -> str:
        return f"{p['preferred_forename'] or p['legal_forename']} {p['legal_surname']}"

    def label(y: int) -> str:
        return "Reception" if y == 0 else f"Year {y}"

    shares = {
        pk: Decimal(100 * f.secure) / Decimal(f.expected) for pk, f in per_pupil.items()
    }  # pupils with something expected of them
    heat_table = [
        ["Subject", *(label(y) for y in years), "All"],
        *(
            [
                s,
                *(
                    _pct(heat.get((s, y), none).secure, heat.get((s, y), none).expected)
                    for y in years
                ),
            ]
            + [_pct(by_subject[s].secure, by_subject[s].expected)]
            for s in subjects
        ),
        ["All subjects", *(_pct(by_year[y].secure, by_year[y].expected) for y in years)]
        + [_pct(overall.secure, overall.expected)],
    ]
    bands = [0] * 5
    for share in shares.values():
        whole = int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        bands[min(4, whole // 20)] += 1
    ordered = sorted(shares, key=lambda pk: (shares[pk], name(pupils[pk])))
    return {
        "headline": {
            "secure": _pct(overall.secure, overall.expected),
            "working": _pct(overall.working, overall.expected),
            "not-yet": str(overall.expected - overall.secure - overall.working),
            "covered": _pct(overall.recent, overall.expected),
        },
        "heatmap_svg": [
            _pct(heat[(s, y)].secure, heat[(s, y)].expected) if (s, y) in heat else "–"
            for s in subjects
            for y in years
        ],
        "heat_table": heat_table,
        "heat_cells": {
            (s, label(y)): heat[(s, y)] for s in subjects for y in years if (s, y) in heat
        },
        "distribution": [[b, str(n)] for b, n in zip(BANDS, bands, strict=True)],
        "gaps": _gaps(pupils, shares),
        "classes": _classes(school, pupils, cells, set(subject_names), today),
        "pupils": [
            [name(pupils[pk]), str(pupils[pk]["year_group"]), *per_pupil[pk].row()]
            for pk in ordered
        ],
        "trend": _trend(school, pupils, objectives, subjects),
    }


GROUP_LABELS = {
    "disadvantaged": "Disadvantaged",
    "not-disadvantaged": "Not disadvantaged",
    "sen": "SEN support or EHCP",
    "not-sen": "No SEN",
    "eal": "EAL",
    "not-eal": "Not EAL",
    "female": "Girls",
    "not-female": "Boys",
    "persistent_absence": "Persistently absent",
    "not-persistent_absence": "Not persistently absent",
    "prior-low": "Low prior attainment",
    "prior-middle": "Middle prior attainment",
    "prior-high": "High prior attainment",
    "prior-unknown": "Prior attainment not known",
}
BANDS = ["0–19%", "20–39%", "40–59%", "60–79%", "80–100%"]
GAP_ROWS = (
    ("disadvantaged", "Disadvantaged", "Others"),
    ("sen", "SEN support or EHCP", "No SEN"),
    ("eal", "EAL", "Not EAL"),
    ("female", "Girls", "Boys"),
    ("persistent_absence", "Persistently absent", "Others with attendance recorded"),
)


def _gaps(pupils: dict[int, dict[str, Any]], shares: dict[int, Decimal]) -> list[list[str]]:
    rows = []
    for key, with_label, without_label in GAP_ROWS:
        inside = [shares[pk] for pk in shares if GROUP_TEST[key](pupils[pk])]
        outside = [shares[pk] for pk in shares if GROUP_TEST[f"not-{key}"](pupils[pk])]
        with_mean, without_mean = _mean(inside), _mean(outside)
        gap = "–"
        if with_mean is not None and without_mean is not None:
            difference = _one_place(with_mean - without_mean)
            gap = (
                f"+{difference} points" if with_mean - without_mean > 0 else f"{difference} points"
            )
        rows.append(
            [
                with_label,
                _count(len(inside)),
                _one_place(with_mean),
                f"{without_label} ({len(outside)}){_flag(len(outside))}",
                _one_place(without_mean),
                gap,
            ]
        )
    return rows


def _classes(
    school: School,
    pupils: dict[int, dict[str, Any]],
    cells: dict[tuple[int, int], Cells],
    subject_ids: set[int],
    today: dt.date,
) -> list[list[str]]:
    taught: dict[int, set[int]] = defaultdict(set)
    for class_id, sid in Class.subjects.through.objects.filter(class__school=school).values_list(
        "class_id", "subject_id"
    ):
        taught[class_id].add(sid)
    lines: dict[int, tuple[str, int | None, list[int]]] = {}
    for enrolment in Enrolment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), school=school, starts_on__lte=today
    ).select_related("teaching_class"):
        if enrolment.pupil_id in pupils:
            klass = enrolment.teaching_class
            lines.setdefault(klass.pk, (klass.name, klass.year_group, []))[2].append(
                enrolment.pupil_id
            )
    rows = []
    for class_id, (name, _year_group, members) in sorted(
        lines.items(), key=lambda item: (item[1][1] if item[1][1] is not None else 99, item[1][0])
    ):
        figure = Cells()
        for pupil_id in members:
            for sid in taught.get(class_id) or subject_ids:
                if (pupil_id, sid) in cells:
                    figure.merge(cells[(pupil_id, sid)])
        if figure.expected:
            rows.append([name, _count(len(members)), *figure.row()])
    return rows


def _trend(
    school: School,
    pupils: dict[int, dict[str, Any]],
    objectives: dict[int, dict[str, Any]],
    shown_subjects: list[str],
) -> list[list[str]]:
    """Each point's snapshot: per subject, the snapshotted pupils' expected cells and those
    secure then."""
    core_count: dict[tuple[int, int], int] = defaultdict(int)
    names: dict[int, str] = {}
    for objective in objectives.values():
        core_count[(objective["framework__subject_id"], objective["year_group"])] += 1
        names[objective["framework__subject_id"]] = objective["framework__subject__name"]
    rows = []
    for point in AssessmentPoint.objects.filter(school=school).order_by("date", "name"):
        seen: dict[int, set[int]] = defaultdict(set)
        secure: dict[int, int] = defaultdict(int)
        for row in StandingSnapshot.objects.filter(point=point).values(
            "pupil_id", "objective_id", "mastered"
        ):
            snapped = objectives.get(row["objective_id"])
            pupil = pupils.get(row["pupil_id"])
            if snapped is None or pupil is None or snapped["year_group"] != pupil["year_group"]:
                continue
            sid = snapped["framework__subject_id"]
            seen[sid].add(row["pupil_id"])
            secure[sid] += bool(row["mastered"])
        figures = {
            names[sid]: (
                secure[sid],
                sum(core_count[(sid, pupils[p]["year_group"])] for p in members),
            )
            for sid, members in seen.items()
        }
        total = (sum(s for s, _e in figures.values()), sum(e for _s, e in figures.values()))
        if total[1]:
            rows.append((point, total, figures))
    return [
        [f"{point.name} {point.date.day} {point.date:%b %Y}", _pct(*total)]
        + [_pct(*figures[s]) if s in figures else "–" for s in shown_subjects]
        for point, total, figures in rows
    ]


# ------------------------------------------------------------------ the tests


def _leader(cast: Cast, school: School) -> Client:
    user = User.objects.get(username="otherteacher")
    membership_grant(user=user, school=school, role=Role.LEADER, by=None)
    return cast.client("otherteacher")


def _shown(html: str) -> dict[str, Any]:
    headline = dict(re.findall(r'data-figure="([a-z-]+)">([^<]*)</p>', html))
    svg = re.search(r'<svg[^>]*class="report-chart chart-heatmap".*?</svg>', html, re.S)
    assert svg is not None
    heat_table = _table(html, "Share of core objectives secure; choose")
    trend = _table(html, "Share of core objectives secure in each assessment", optional=True)
    return {
        "headline": headline,
        "heatmap_svg": re.findall(
            r'text-anchor="middle" fill="#[0-9a-f]{6}">([^<]*)</text>', svg[0]
        ),
        "heat_table": heat_table,
        "distribution": _table(html, "Pupils by the share")[1:],
        "gaps": _table(html, "Mean share of core objectives")[1:],
        "classes": [r for r in _table(html, "Each class's pupils")[1:] if len(r) > 1],
        "pupils": [
            [re.sub(r"( PP| SEN| EAL)+$", "", r[0]), *r[1:]]
            for r in _table(html, "Pupils with the smallest share")[1:]
            if len(r) > 1
        ],
        "trend": trend[1:],
    }


def test_every_figure_on_the_leaders_page_follows_every_filter_it_offers(cast: Cast) -> None:
    data = build()
    today = timezone.localdate()
    for name, attended in (("Bea", 85), ("Isaac", 98)):  # Bea misses 15%: persistent
        Attendance.objects.create(
            school=data.school,
            pupil=data.pupils[name],
            year_starting=today.year if today.month >= 9 else today.year - 1,
            possible_sessions=100,
            attended_sessions=attended,
            as_of=today,
            source=AttendanceSource.FILE,
        )
    for name, outcomes in KS1.items():
        Ks1Result.objects.create(
            school=data.school,
            pupil=data.pupils[name],
            year=today.year - 3,
            reading=outcomes[0],
            writing=outcomes[1],
            maths=outcomes[2],
        )
    client = _leader(cast, data.school)
    url = reverse("leader_dashboard", kwargs={"urn": data.school.urn})
    page = client.get(url).content.decode()
    subjects, years, groups = (_offered(page, n) for n in ("subject", "year", "group"))
    assert subjects == ["", "English", "Mathematics"] and years == ["", "4", "5"]
    assert set(groups) == {"", *GROUP_TEST}
    # One select per characteristic, each offering "any" and its groups.
    assert re.findall(r'<select[^>]*name="([^"]+)"', page) == ["subject", "year"] + ["group"] * 6
    combinations: list[Any] = [g for g in groups if g] + [
        ("disadvantaged", "sen"),
        ("disadvantaged", "not-sen"),
        ("not-disadvantaged", "female"),
        ("disadvantaged", "prior-low"),
        ("female", "prior-unknown", "not-eal"),
        "",
    ]
    checked = 0
    for subject, year, group in itertools.product(subjects, years, combinations):
        chosen = [group] if isinstance(group, str) else list(group)
        query: dict[str, Any] = {
            k: v
            for k, v in (("subject", subject), ("year", year), ("group", chosen))
            if v and v != [""]
        }
        response = client.get(url, query)
        assert response.status_code == 200, query
        html = response.content.decode()
        shown, expected = _shown(html), _expected_page(data.school, subject, year, group)
        for part in ("headline", "heatmap_svg", "heat_table", "distribution", "gaps"):
            assert shown[part] == expected[part], (query, part)
        for part in ("classes", "pupils", "trend"):
            assert shown[part] == expected[part], (query, part)
        # The heatmap prints exactly what its table prints, cell by cell.
        assert shown["heatmap_svg"] == [
            cell for row in shown["heat_table"][1:-1] for cell in row[1:-1]
        ], query
        # The export of the same page carries the same filters.
        export = client.get(
            reverse("leader_dashboard_csv", kwargs={"urn": data.school.urn}),
            {**query, "table": "subjects"},
        ).content.decode("utf-8-sig")
        exported = {(row[0], row[1]): row[2:6] for row in list(csv.reader(io.StringIO(export)))[1:]}
        assert exported == {
            key: [
                str(c.expected),
                str(c.secure),
                str(c.working),
                str(c.expected - c.secure - c.working),
            ]
            for key, c in expected["heat_cells"].items()
        }, query
        # The title names every filter applied.
        lead = re.search(r"<p class=\"page-lead\" data-filters>(.*?)</p>", html, re.S)
        assert lead is not None
        title = " ".join(lead.group(1).split())
        assert (subject or "all subjects") in title, query
        assert (f"Year {year}" if year else "all years") in title, query
        for slug in chosen:
            assert not slug or GROUP_LABELS[slug] in title, query
        checked += 1
    assert checked == 3 * 3 * (14 + 6)


def test_a_group_filter_changes_the_headline_not_only_the_pupil_list(cast: Cast) -> None:
    data = build()
    client = _leader(cast, data.school)
    url = reverse("leader_dashboard", kwargs={"urn": data.school.urn})

    def secure(**query: str) -> str:
        found = re.search(r'data-figure="secure">([^<]*)<', client.get(url, query).content.decode())
        assert found is not None
        return found.group(1)

    # Everyone 9 of 21 (43%); disadvantaged Bea and Cal 5 of 10 (50%); the others 4 of 11.
    assert (secure(), secure(group="disadvantaged"), secure(group="not-disadvantaged")) == (
        "43%",
        "50%",
        "36%",
    )
    # Older links name the comparison with side=without.
    assert secure(group="disadvantaged", side="without") == "36%"
    assert client.get(url, {"group": "nonsense"}).status_code == 404


def test_the_heatmap_and_its_table_round_a_half_the_same_way(cast: Cast) -> None:
    data = build()
    # English, Year 4: 1 of 8 cells secure, exactly 12.5%.
    Standing.objects.filter(pupil=data.pupils["Cal"], objective__code__in=["E1", "E2"]).update(
        mastered=False
    )
    html = (
        _leader(cast, data.school)
        .get(reverse("leader_dashboard", kwargs={"urn": data.school.urn}))
        .content.decode()
    )
    shown = _shown(html)
    english = next(row for row in shown["heat_table"] if row[0] == "English")
    assert english[1] == "13%"
    assert shown["heatmap_svg"][0] == "13%"  # English × Year 4, the chart's first cell
