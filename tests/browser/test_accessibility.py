"""Every page, for every person who may see it, passes axe-core's WCAG 2.2 A and AA rules.

The pages come from the URL resolver (the same walk as `tests/web/test_access_walk.py`), so a
new page is checked as soon as it has a route. A route that is not a page (a download, an htmx
fragment, a form's POST target) is listed in NOT_PAGES with the reason; a route that is neither
checked for someone nor listed there fails the test.

Each person signs in once, in one browser context, and walks every route; axe-core (vendored
from the npm registry, see `tests/browser/vendor/`) runs in each page that answers 200 with a
whole HTML document. Serious and critical violations fail, with the rule, page, person and the
elements' selectors.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nextsteps.accounts.models import Role
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS, sign_in
from tests.conftest import Cast, load_cast
from tests.web.test_access_walk import fill, sample_kwargs, url_patterns

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = ["serious", "critical"]
DEMO_PASSWORD = "nextsteps-demo"  # noqa: S105 - the demo's published password

# Each person and the school whose pages they use (None is someone not signed in), those
# who see most first so that the two browsers finish together. The trust leader reaches the
# primary school's pages through the trust.
PEOPLE: dict[str | None, str] = {
    "primaryhead": "primary",
    "trustleader": "primary",
    "leader": "secondary",
    "admin": "primary",
    "teacher": "primary",
    "hod": "secondary",
    "ta": "primary",
    "pupil": "primary",
    "parent": "primary",
    None: "primary",
}

# Routes that are not pages, with the reason. Every other route must render a page for
# somebody in PEOPLE.
DOWNLOAD = "a file download, not a page"
POST_ONLY = "the target of a form (POST only); its form is checked on the page that shows it"
FRAGMENT = "an htmx fragment, checked inside the page that loads it"
NOT_PAGES: dict[str, str] = {
    "": "sends each person to their own home page",
    "api/<path:unknown>": "the API's JSON answer to an address under /api/ that names no route",
    "healthz": "a plain-text health check for load balancers",
    "accounts/logout/": POST_ONLY,
    "school/<int:urn>/assessments/tables/install/": POST_ONLY,
    "school/<int:urn>/data/ctf/import/": POST_ONLY,
    "school/<int:urn>/data/oneroster/import/": POST_ONLY,
    "school/<int:urn>/data/wonde/sync/": POST_ONLY,
    "school/<int:urn>/data/attendance/import/": POST_ONLY,
    "school/<int:urn>/data/spreadsheet/": (
        "a spreadsheet upload's target: asked for without a file it returns to the data page"
    ),
    "school/<int:urn>/feedback/me/goals/<int:objective_id>/": POST_ONLY,
    "school/<int:urn>/feedback/notifications/email/": POST_ONLY,
    "school/<int:urn>/feedback/settings/parent-replies/": POST_ONLY,
    "school/<int:urn>/reports/pupils/<int:pupil_id>/release/": POST_ONLY,
    "school/<int:urn>/judging/cj/<int:session_id>/anchors/": POST_ONLY,
    "school/<int:urn>/judging/cj/<int:session_id>/judges/": POST_ONLY,
    "school/<int:urn>/judging/cj/<int:session_id>/results/": POST_ONLY,
    "school/<int:urn>/judging/cj/<int:session_id>/scripts/": POST_ONLY,
    "school/<int:urn>/judging/cj/<int:session_id>/status/": POST_ONLY,
    "school/<int:urn>/judging/moderation/<int:session_id>/close/": POST_ONLY,
    "school/<int:urn>/judging/moderation/<int:session_id>/items/<int:item_id>/outcome/": POST_ONLY,
    "school/<int:urn>/judging/moderation/<int:session_id>/items/<int:item_id>/work/": POST_ONLY,
    (
        "school/<int:urn>/policy/departments/<int:department_id>/"
        "questions/<int:question_id>/actions/"
    ): POST_ONLY,
    "school/<int:urn>/policy/planning/intentions/<int:intention_id>/delete/": POST_ONLY,
    "school/<int:urn>/policy/publish/": POST_ONLY,
    "school/<int:urn>/progress/p8/<int:year>/baseline/": POST_ONLY,
    "school/<int:urn>/progress/p8/<int:year>/baseline/remove/": POST_ONLY,
    "school/<int:urn>/progress/tables/trust/": POST_ONLY,
    "school/<int:urn>/progress/options/upload/": POST_ONLY,
    "school/<int:urn>/progress/models/": POST_ONLY,
    "school/<int:urn>/progress/models/remove/": POST_ONLY,
    "school/<int:urn>/reports/classes/<int:class_id>/reports/release/": POST_ONLY,
    (
        "school/<int:urn>/reports/classes/<int:class_id>/reports/pupils/<int:pupil_id>/comment/"
    ): POST_ONLY,
    "school/<int:urn>/reports/settings/logo/": POST_ONLY,
    "school/<int:urn>/reports/classes/<int:class_id>/reports/batch/": POST_ONLY,
    "school/<int:urn>/reports/classes/<int:class_id>/reports/batch/<int:batch_id>/": FRAGMENT,
    "school/<int:urn>/reports/years/<int:year_group>/release/": POST_ONLY,
    "school/<int:urn>/reports/years/<int:year_group>/batch/": POST_ONLY,
    "school/<int:urn>/reports/years/<int:year_group>/batch/<int:batch_id>/": FRAGMENT,
    "school/<int:urn>/security/pupils/<int:pupil_id>/export/": DOWNLOAD,
    "school/<int:urn>/frameworks/<int:framework_id>/export.<fmt:fmt>": DOWNLOAD,
    "school/<int:urn>/markbook/levels.css": "the school's level colours as a stylesheet",
    "school/<int:urn>/markbook/classes/<int:class_id>/changes/": FRAGMENT,
    "school/<int:urn>/markbook/classes/<int:class_id>/columns/<int:objective_id>/fill/": (
        POST_ONLY
    ),
    "school/<int:urn>/markbook/classes/<int:class_id>/judgements/<int:judgement_id>/amend/": (
        POST_ONLY
    ),
    "school/<int:urn>/feedback/versions/<int:version_id>/file/": DOWNLOAD,
    "school/<int:urn>/feedback/target-evidence/<int:event_id>/file/": DOWNLOAD,
    "school/<int:urn>/feedback/notes/<int:note_id>/file/": (
        "a voice note or drawing, played or shown inside the pages that list it"
    ),
    "school/<int:urn>/feedback/work/<int:work_id>/pupils/<int:pupil_id>/notes/": POST_ONLY,
    "school/<int:urn>/feedback/pupils/<int:pupil_id>/self-assessment-notes/": POST_ONLY,
    "school/<int:urn>/feedback/notifications/<int:notification_id>/open/": (
        "marks a notification read and redirects to the page it is about"
    ),
    "school/<int:urn>/assessments/<int:assessment_id>/marks/cell/": FRAGMENT,
    "school/<int:urn>/judging/files/<str:kind>/<int:file_id>/": DOWNLOAD,
    "school/<int:urn>/data/tokens/<int:token_id>/revoke/": POST_ONLY,
    "school/<int:urn>/statutory/phonics/threshold/": POST_ONLY,
    "school/<int:urn>/mtc/start/": POST_ONLY,
    "school/<int:urn>/mtc/practice/<int:attempt_id>/": (
        "the practice check: the walk's sample practice is handed in, so it sends the pupil "
        "to its result; tests/browser/test_mtc_practice.py runs axe on each of its screens"
    ),
    "school/<int:urn>/writing/classes/<int:class_id>/pupils/<int:pupil_id>/pieces/": POST_ONLY,
    (
        "school/<int:urn>/writing/classes/<int:class_id>/pupils/<int:pupil_id>/"
        "pieces/<int:piece_id>/"
    ): POST_ONLY,
    (
        "school/<int:urn>/writing/classes/<int:class_id>/pupils/<int:pupil_id>/"
        "pieces/<int:piece_id>/file/"
    ): DOWNLOAD,
    "school/<int:urn>/writing/classes/<int:class_id>/pupils/<int:pupil_id>/weaknesses/": (
        POST_ONLY
    ),
    (
        "school/<int:urn>/writing/classes/<int:class_id>/pupils/<int:pupil_id>/"
        "weaknesses/<int:weakness_id>/withdraw/"
    ): POST_ONLY,
    "school/<int:urn>/writing/classes/<int:class_id>/pupils/<int:pupil_id>/judgement/": (POST_ONLY),
}
NOT_PAGE_PREFIXES = {
    "api/v1/": "the API (JSON) and its third-party explorer, for programmers",
}
NOT_PAGE_SUFFIXES = {
    (".csv", ".xlsx", ".zip", ".xml", "/pdf/"): "a file download (CSV, Excel, zip, XML, PDF)",
}
# Pages reached by no route pattern of their own.
EXTRA_PAGES = {"not found": "/no-such-page/"}

AXE_RUN = """async ([tags, impacts]) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((rule) => impacts.includes(rule.impact))
    .map((rule) => ({
      rule: rule.id,
      impact: rule.impact,
      help: rule.help,
      targets: rule.nodes.slice(0, 5).map((node) => node.target.join(" ")),
      count: rule.nodes.length,
    }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    path: str
    person: str
    targets: tuple[str, ...]
    count: int

    def __str__(self) -> str:
        where = "; ".join(self.targets) + (" …" if self.count > len(self.targets) else "")
        return (
            f"[{self.impact}] {self.rule} on {self.path} as {self.person}: {self.help}"
            f" ({self.count} elements: {where})"
        )


def is_page_route(route: str) -> bool:
    suffixes = tuple(suffix for group in NOT_PAGE_SUFFIXES for suffix in group)
    return not (
        route in NOT_PAGES or route.startswith(tuple(NOT_PAGE_PREFIXES)) or route.endswith(suffixes)
    )


class Samples:
    """A real value for each URL parameter in a school, so each page shows real data.

    Starts from the access walk's values (so a new parameter is added in one place) and
    replaces them with the secondary school's where a person works there; looked up once.
    """

    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.cache: dict[tuple[str, str, str], dict[str, Any]] = {}

    def paths(self, route: str, school: str) -> list[str]:
        roles = Role.values if "<str:role>" in route else ["teacher"]
        return [fill(route, self.values(school, route, role)) for role in roles]

    def values(self, school: str, route: str, role: str) -> dict[str, Any]:
        kinds = (
            "/moderation/",
            "/cj/",
            "/p8/",
            "/ks4/",
            "statutory/phonics/",
            "statutory/baseline/",
        )
        kind = next((k for k in kinds if k in route), "")
        key = (school, kind, role)
        if key not in self.cache:
            place = self.cast.secondary if school == "secondary" else self.cast.primary
            values = sample_kwargs(self.cast, route, role)
            if school == "secondary":
                values.update(secondary_kwargs(self.cast))
            if school == "year6":
                values.update(year6_kwargs(self.cast))
            values.update(judging_kwargs(place, kind))
            values["year"] = results_year(place, kind)
            self.cache[key] = values
        return self.cache[key]


def judging_kwargs(school: Any, kind: str) -> dict[str, Any]:
    from nextsteps.judging.models import CJSession, ModerationItem, ModerationSession, Script

    if kind == "/moderation/":
        session = ModerationSession.objects.filter(school=school).first()
        item = ModerationItem.objects.filter(session=session).first()
        return {"session_id": session.pk if session else 0, "item_id": item.pk if item else 0}
    if kind == "/cj/":
        cj = CJSession.objects.filter(school=school).first()
        script = Script.objects.filter(session=cj).first()
        return {"session_id": cj.pk if cj else 0, "script_id": script.pk if script else 0}
    return {}


def results_year(school: Any, kind: str) -> int:
    from nextsteps.progress.models import Ks2Result, Ks4Result

    results = Ks4Result if kind in ("/p8/", "/ks4/") else Ks2Result
    return results.objects.filter(school=school).values_list("year", flat=True).first() or 0


def year6_kwargs(cast: Cast) -> dict[str, Any]:
    """6 Oak and one of its pupils: the KS2 writing assessment exists for Year 6 only."""
    from nextsteps.teaching.models import Class

    six_oak = (
        Class.objects.filter(school=cast.primary, name="6 Oak")
        .order_by("-academic_year__starts_on")
        .first()
    )
    assert six_oak is not None
    return {
        "class_id": six_oak.pk,
        "pupil_id": six_oak.enrolments.values_list("pupil_id", flat=True).first(),
    }


def secondary_kwargs(cast: Cast) -> dict[str, Any]:
    """Mrs Shah's Year 8 maths set, one of its pupils, and the maths department's work."""
    from nextsteps.curriculum.models import Framework
    from nextsteps.policy.models import KeyQuestion, Review
    from nextsteps.schools.models import Department
    from nextsteps.teaching.models import Class

    school = cast.secondary
    maths_set = Class.objects.get(school=school, name="8 Ma2")
    framework = Framework.objects.get(school=school, name="Key Stage 3 mathematics")
    return {
        "urn": school.urn,
        "class_id": maths_set.pk,
        "pupil_id": maths_set.enrolments.values_list("pupil_id", flat=True).first(),
        "framework_id": framework.pk,
        "objective_id": framework.objectives.values_list("pk", flat=True).first(),
        "department_id": Department.objects.get(school=school, name="Mathematics").pk,
        "question_id": KeyQuestion.objects.filter(school=school).values_list("pk", flat=True)[0],
        "review_id": Review.objects.filter(school=school).values_list("pk", flat=True)[0],
    }


def renders_a_page(page: Any, url: str, errors: list[str]) -> bool:
    """Ask first through the browser context's own requests (same session, no rendering):
    cheaper than navigating to the many routes a person may not see."""
    response = page.request.get(url, max_redirects=0)
    if response.status >= 500:
        errors.append(f"{url.removeprefix(page.base_url)}: {response.status}")
    if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
        return False
    return bool(re.match(r"\s*<!doctype html", response.text()[:200], re.IGNORECASE))


def check_page(page: Any, person: str) -> list[Violation]:
    """Run axe in the page once htmx has loaded what the page asks for on load."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    found = page.evaluate(AXE_RUN, [WCAG_TAGS, FAILING_IMPACTS])
    path = page.url.removeprefix(page.base_url)
    return [
        Violation(
            rule=item["rule"],
            impact=item["impact"],
            help=item["help"],
            path=path,
            person=person,
            targets=tuple(item["targets"]),
            count=item["count"],
        )
        for item in found
    ]


def open_as(browser: Any, base_url: str, username: str | None) -> Any:
    width, height = VIEWPORTS["laptop"]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    context.add_init_script(path=str(AXE_SOURCE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = base_url
    if username:
        sign_in(page, username)
    return page


@dataclass
class Visit:
    """One person's walk: who signs in, and each route with the paths to try for it."""

    name: str
    username: str | None
    paths: list[tuple[str | None, str]]  # None: a page with no route of its own
    routes: set[str] = field(default_factory=set)
    pages: int = 0
    violations: list[Violation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def walk(browser: Any, base_url: str, visit: Visit) -> None:
    """Sign in once, then check every route that renders a page for this person."""
    page = open_as(browser, base_url, visit.username)
    try:
        for route, path in visit.paths:
            if route is not None:
                if not renders_a_page(page, base_url + path, visit.errors):
                    continue
                visit.routes.add(route)
            page.goto(base_url + path, wait_until="load")
            visit.pages += 1
            visit.violations += check_page(page, visit.name)
    finally:
        page.context.close()


def walk_in_two_browsers(browser: Any, base_url: str, visits: list[Visit]) -> None:
    """Walk the visits in two browsers at once, this one and another in a second thread (a
    Playwright object belongs to the thread that made it): while one browser runs axe, the
    server renders the other's next page."""
    todo: queue.Queue[Visit] = queue.Queue()
    for visit in visits:
        todo.put(visit)
    failures: list[BaseException] = []

    def work(browser: Any) -> None:
        while not failures:
            try:
                visit = todo.get_nowait()
            except queue.Empty:
                return
            try:
                walk(browser, base_url, visit)
            except BaseException as error:
                failures.append(error)
                raise

    def second_browser() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            other = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                work(other)
            finally:
                other.close()

    helper = threading.Thread(target=second_browser, name="axe-second-browser")
    helper.start()
    try:
        work(browser)
    finally:
        helper.join()
    if failures:
        raise failures[0]


@contextmanager
def moderator(cast: Cast) -> Iterator[str]:
    """A moderator of the Year 8 algebra session: the only person who standardises in it.

    Demo staff other than the named accounts cannot sign in, so she has a password for the walk.
    """
    from nextsteps.judging.models import Moderator

    user = Moderator.objects.filter(session__school=cast.secondary).first().staff.user  # type: ignore[union-attr]
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    try:
        yield user.username
    finally:
        user.set_unusable_password()
        user.save(update_fields=["password"])


@contextmanager
def authenticator_user(cast: Cast) -> Iterator[str]:
    """Mr Vance with an authenticator app: signing in then asks him for a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=cast.user("otherteacher"), name="Phone", confirmed=True)
    try:
        yield "otherteacher"
    finally:
        device.delete()


@contextmanager
def year6_teacher(cast: Cast) -> Iterator[str]:
    """6 Oak's teacher (the demo's `year6` account), who judges the class's writing."""
    yield "year6"


# People outside PEOPLE, set up for the few pages only they reach: (set-up, school, routes).
SPECIAL_VISITS = {
    "moderator": (moderator, "secondary", "school/<int:urn>/judging/moderation/"),
    "staff with two-step sign-in": (authenticator_user, "primary", "accounts/two-factor/"),
    "Year 6 teacher": (year6_teacher, "year6", "school/<int:urn>/writing/"),
}


def plan_visits(samples: Samples, pages: list[str], stack: ExitStack) -> list[Visit]:
    visits = []
    extra: list[tuple[str | None, str]] = [(None, path) for path in EXTRA_PAGES.values()]
    for person, school in PEOPLE.items():
        paths: list[tuple[str | None, str]] = [
            (route, path) for route in pages for path in samples.paths(route, school)
        ]
        visits.append(Visit(person or "signed out", person, paths + extra))
    for name, (set_up, school, prefix) in SPECIAL_VISITS.items():
        username = stack.enter_context(set_up(samples.cast))
        routes = [route for route in pages if route.startswith(prefix)]
        visits.append(
            Visit(name, username, [(r, path) for r in routes for path in samples.paths(r, school)])
        )
    return visits


def test_every_page_passes_axe_for_everyone_who_may_see_it(
    browser: Any, demo: Any, subtests: Any
) -> None:
    samples = Samples(load_cast())
    routes = sorted({route for route, _ in url_patterns()})
    pages = [route for route in routes if is_page_route(route)]
    started = time.monotonic()
    with ExitStack() as stack:
        visits = plan_visits(samples, pages, stack)
        walk_in_two_browsers(browser, demo.url, visits)
    elapsed = time.monotonic() - started
    for visit in visits:
        with subtests.test(person=visit.name):
            assert visit.routes, f"{visit.name} could open no page"
            assert not visit.errors, f"server errors: {visit.errors}"
            assert not visit.violations, "\n" + "\n".join(map(str, visit.violations))
    checked = set().union(*(visit.routes for visit in visits))
    print(
        f"\naxe-core checked {sum(v.pages for v in visits)} pages ({len(checked)} routes) "
        f"for {len(visits)} people in {elapsed:.0f} s"
    )
    unlisted = sorted(set(pages) - checked)
    assert not unlisted, (
        "these routes rendered no page for anyone; give them a sample value that renders, "
        f"or list them in NOT_PAGES with the reason: {unlisted}"
    )
    stale = sorted(set(NOT_PAGES) - set(routes))
    assert not stale, f"NOT_PAGES lists routes that no longer exist: {stale}"
