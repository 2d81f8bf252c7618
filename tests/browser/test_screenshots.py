"""Each main page at phone, tablet and laptop widths (390, 820 and 1366 pixels), as the person
who uses it: saved to `screenshots/<page>-<width>.png` for people to look at, and checked
never to scroll sideways as a whole (a wide table scrolls inside its own region instead).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import VIEWPORTS, screenshot, sign_in
from tests.browser.test_accessibility import Samples
from tests.conftest import load_cast

# page name: (person, school, route); the route's ids are the accessibility walk's samples.
MAIN_PAGES: dict[str, tuple[str, str, str]] = {
    "home-teacher": ("teacher", "primary", "school/<int:urn>/<str:role>/"),
    "home-ta": ("ta", "primary", "school/<int:urn>/<str:role>/"),
    "home-pupil": ("pupil", "primary", "school/<int:urn>/<str:role>/"),
    "home-parent": ("parent", "primary", "school/<int:urn>/<str:role>/"),
    "home-headteacher": ("primaryhead", "primary", "school/<int:urn>/<str:role>/"),
    "home-data-manager": ("admin", "primary", "school/<int:urn>/<str:role>/"),
    "home-head-of-maths": ("hod", "secondary", "school/<int:urn>/<str:role>/"),
    "home-deputy-head": ("leader", "secondary", "school/<int:urn>/<str:role>/"),
    "home-trust": ("trustleader", "primary", "trust/<slug:trust>/"),
    "markbook": ("teacher", "primary", "school/<int:urn>/markbook/classes/<int:class_id>/"),
    "gap-analysis": (
        "teacher",
        "primary",
        "school/<int:urn>/markbook/classes/<int:class_id>/gaps/",
    ),
    "quick-capture": (
        "teacher",
        "primary",
        "school/<int:urn>/markbook/classes/<int:class_id>/capture/",
    ),
    "pupil-page": ("teacher", "primary", "school/<int:urn>/pupils/<int:pupil_id>/"),
    "pupil-profile": ("teacher", "primary", "school/<int:urn>/markbook/pupils/<int:pupil_id>/"),
    "child-page": ("parent", "primary", "school/<int:urn>/feedback/children/<int:pupil_id>/"),
    "feedback": ("teacher", "primary", "school/<int:urn>/feedback/classes/<int:class_id>/"),
    "feedback-pupil": (
        "pupil",
        "primary",
        "school/<int:urn>/feedback/work/<int:work_id>/pupils/<int:pupil_id>/",
    ),
    "goals": ("teacher", "primary", "school/<int:urn>/feedback/classes/<int:class_id>/intentions/"),
    "targets": ("teacher", "primary", "school/<int:urn>/feedback/classes/<int:class_id>/targets/"),
    "dashboard-school": ("leader", "secondary", "school/<int:urn>/reports/"),
    "dashboard-class": ("teacher", "primary", "school/<int:urn>/reports/classes/<int:class_id>/"),
    "report-pupil": ("parent", "primary", "school/<int:urn>/reports/pupils/<int:pupil_id>/"),
    "judging": ("hod", "secondary", "school/<int:urn>/judging/"),
    "moderation": ("leader", "secondary", "school/<int:urn>/judging/moderation/<int:session_id>/"),
    "comparative-judging": (
        "leader",
        "secondary",
        "school/<int:urn>/judging/cj/<int:session_id>/judge/",
    ),
    "policy": ("leader", "secondary", "school/<int:urn>/policy/"),
    "policy-answer": (
        "hod",
        "secondary",
        "school/<int:urn>/policy/departments/<int:department_id>/questions/<int:question_id>/",
    ),
    "policy-department": ("hod", "secondary", "school/<int:urn>/policy/"),
    "policy-workload": ("leader", "secondary", "school/<int:urn>/policy/workload/"),
    "policy-reviews": ("leader", "secondary", "school/<int:urn>/policy/reviews/"),
    "policy-synthesis": (
        "leader",
        "secondary",
        "school/<int:urn>/policy/synthesis/<int:question_id>/",
    ),
    "policy-glossary": ("parent", "primary", "school/<int:urn>/policy/glossary/"),
    "policy-published": ("parent", "primary", "school/<int:urn>/policy/published/"),
    "planning": ("teacher", "primary", "school/<int:urn>/policy/planning/"),
    "planning-unit": (
        "teacher",
        "primary",
        "school/<int:urn>/policy/planning/units/<int:unit_id>/",
    ),
    "planning-next-steps": (
        "teacher",
        "primary",
        "school/<int:urn>/policy/planning/classes/<int:class_id>/next-steps/",
    ),
    "progress": ("leader", "secondary", "school/<int:urn>/progress/"),
    "progress-8": ("leader", "secondary", "school/<int:urn>/progress/p8/<int:year>/"),
    "ks4-results": ("leader", "secondary", "school/<int:urn>/progress/ks4/<int:year>/"),
    "assessments": ("teacher", "primary", "school/<int:urn>/assessments/"),
    "assessment-marks": (
        "teacher",
        "primary",
        "school/<int:urn>/assessments/<int:assessment_id>/marks/",
    ),
    "assessment-analysis": (
        "teacher",
        "primary",
        "school/<int:urn>/assessments/<int:assessment_id>/analysis/",
    ),
    "data-in-and-out": ("admin", "primary", "school/<int:urn>/data/"),
}
# Each person's own home, for the routes that take a role.
HOME_ROLE = {"primaryhead": "leader", "parent": "guardian"}


def page_path(samples: Samples, person: str, school: str, route: str) -> str:
    role = HOME_ROLE.get(person, person)
    paths = samples.paths(route, school)
    return next((p for p in paths if p.endswith(f"/{role}/")), paths[0])


@pytest.mark.parametrize("person", sorted({person for person, _, _ in MAIN_PAGES.values()}))
def test_main_pages_at_phone_tablet_and_laptop_widths(page_for: Any, person: str) -> None:
    samples = Samples(load_cast())
    pages = {
        name: page_path(samples, person, school, route)
        for name, (who, school, route) in MAIN_PAGES.items()
        if who == person
    }
    page = page_for("laptop")
    sign_in(page, person)
    sideways = []
    for width, height in VIEWPORTS.values():
        page.set_viewport_size({"width": width, "height": height})
        for name, path in pages.items():
            response = page.goto(page.base_url + path, wait_until="load")
            assert response is not None and response.status == 200, f"{name}: {path}"
            page.wait_for_function("() => !document.querySelector('.htmx-request')")
            screenshot(page, f"{name}-{width}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                sideways.append(f"{name} at {width}px scrolls sideways by {overflow}px")
    assert not sideways, sideways
    assert page.js_errors == []
