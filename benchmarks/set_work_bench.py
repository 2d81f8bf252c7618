"""Setting work: how many taps, swipes and key presses a teacher needs to set a piece of work
on a given learning intention, and how long it takes, in Chromium on the demo school.

    .venv/bin/python benchmarks/set_work_bench.py                  # demo in var/bench/set-work.sqlite3
    .venv/bin/python benchmarks/set_work_bench.py --database var/bench/other.sqlite3 --runs 3

The teacher (Ms Okafor) starts at the top of 4 Oak's "Set work" page (signing in and opening
the page are not counted) at tablet width (820 x 1180) and sets two pieces of work to the
whole class:

1. a current intention: "Short multiplication practice" on Y4-MD-05, with its first two steps;
2. a new intention from another subject: "Circuit challenge" on Y4-PH-02, with its first step.

She chooses the subject (where the page asks for one), the intention, its steps, then types
the title and sets the work. Every action is counted: a tap (a click, a tick), a swipe (the
page, or a scrolling box in it, moved by four fifths of its height to bring a control into
view: the script scrolls and counts each swipe) and every typed character. When the page has a
search box for intentions and the intention is not already on screen, she types the search
word and ticks it from the narrowed list; otherwise she scrolls to it. "A person" estimates
her time with the keystroke-level model of the task-speed tests (1.3 s to point at and tap a
target, a swipe counted the same, 0.28 s a typed character). "Browser" is the time
from the first action until the work's page shows it set.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))
URN = 990101
CHROMIUM = Path(os.environ.get("NEXTSTEPS_CHROMIUM", "/usr/bin/chromium"))
WIDTH, HEIGHT = 820, 1180
POINT_AND_CLICK = 1.3
KEY = 0.28
SWIPE_SHARE = 0.8  # a swipe scrolls about four fifths of the screen
# Playwright's sync API keeps an event loop in this thread; the few ORM reads are plain calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Scrolls the element into view and returns the swipes that took: for the page and for each
# scrolling box around the element, the distance scrolled over four fifths of its height.
SCROLL_INTO_VIEW = """(element, share) => {
  const page = [document.documentElement, document.body];
  const boxes = [];
  for (let box = element.parentElement; box; box = box.parentElement) {
    boxes.push([box, box.scrollTop]);
  }
  element.scrollIntoView({block: 'nearest', behavior: 'instant'});  // not the smooth scroll
  let swipes = 0;
  for (const [box, top] of boxes) {
    const height = page.includes(box) ? window.innerHeight : box.clientHeight;
    swipes += Math.ceil(Math.abs(box.scrollTop - top) / (share * height));
  }
  return swipes;
}"""


@dataclass
class Task:
    title: str
    code: str
    search: str
    steps: int  # how many of the intention's first steps to tick


TASKS = [
    Task("Short multiplication practice", "Y4-MD-05", "short mult", 2),
    Task("Circuit challenge", "Y4-PH-02", "circuit", 1),
]


@dataclass
class Actions:
    page: Any
    taps: int = 0
    swipes: int = 0
    typed: int = 0
    started: float = 0.0
    log: list[str] = field(default_factory=list)

    def _first(self) -> None:
        if not (self.taps or self.swipes or self.typed):
            self.started = time.perf_counter()

    def bring_into_view(self, locator: Any) -> None:
        """Scroll the control into view as a person would: a swipe is most of a screen (or of
        the scrolling box the control is in), so each box scrolled counts its swipes."""
        swipes = locator.evaluate(SCROLL_INTO_VIEW, SWIPE_SHARE)
        if swipes:
            self._first()
            self.swipes += swipes
            self.log.append(f"{swipes} swipe{'s' if swipes > 1 else ''}")

    def tap(self, locator: Any, what: str) -> None:
        self.bring_into_view(locator)
        self._first()
        locator.click()
        self.taps += 1
        self.log.append(f"tap {what}")

    def type(self, locator: Any, text: str, what: str) -> None:
        self.tap(locator, what)
        locator.press_sequentially(text)
        self.typed += len(text)
        self.log.append(f"type {len(text)} characters")

    @property
    def person_seconds(self) -> float:
        return (self.taps + self.swipes) * POINT_AND_CLICK + self.typed * KEY


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(database: Path) -> int:
    """Migrate and build the demo once; the id of 4 Oak."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    database.parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    from nextsteps.teaching.models import Class

    call_command("migrate", verbosity=0)
    if not Class.objects.filter(school__urn=URN, name="4 Oak").exists():
        call_command("demo", verbosity=0)
    return Class.objects.get(school__urn=URN, name="4 Oak").pk


def set_work(page: Any, base: str, class_id: int, task: Task, shot: Path | None) -> Actions:
    page.goto(f"{base}/school/{URN}/feedback/classes/{class_id}/work/new/")
    page.wait_for_load_state("networkidle")
    act = Actions(page)
    objective_id, subject_id, step_ids = intention_for(task)
    subject = page.locator(f"input[name=subject][value='{subject_id}']")
    if subject.count() and not subject.is_checked():
        act.tap(page.locator(f"label[for='{subject.get_attribute('id')}']"), "subject")
    intention = page.locator(f"input[name=objectives][value='{objective_id}']")
    search = page.locator("[data-work-search]")
    if search.count() and not on_screen(intention):
        act.type(search, task.search, "search")
    act.tap(intention, task.code)
    for value in step_ids:
        act.tap(page.locator(f"input[name=criteria][value='{value}']"), "step")
    act.type(page.get_by_label("Title"), task.title, "title")
    if shot:
        page.screenshot(path=str(shot), full_page=True)
    act.tap(page.get_by_role("button", name="Set the work"), "set the work")
    page.get_by_text(f"Work set: {task.title}").wait_for()
    act.log.append(f"browser {time.perf_counter() - act.started:.2f} s")
    return act


def forget(class_id: int, task: Task) -> None:
    """Remove the work just set, so that every run starts from the same demo."""
    from nextsteps.feedback.models import Work

    Work.objects.filter(teaching_class_id=class_id, title=task.title).delete()


def on_screen(locator: Any) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


def intention_for(task: Task) -> tuple[int, int, list[int]]:
    """The intention's id, its subject's id and the ids of the steps to tick."""
    from nextsteps.curriculum.models import Objective

    objective = Objective.objects.select_related("framework").get(school__urn=URN, code=task.code)
    steps = objective.success_criteria.order_by("position").values_list("pk", flat=True)
    return objective.pk, objective.framework.subject_id, list(steps[: task.steps])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", type=Path, default=ROOT / "var/bench/set-work.sqlite3")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args()
    database = args.database.resolve()
    class_id = prepare(database)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "SIGN_IN_THROTTLE": "false",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    server = subprocess.Popen(  # noqa: S603 - our own command
        [str(BIN / "python"), "-m", "nextsteps.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    print(f"load average before: {os.getloadavg()}")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT}, locale="en-GB"
            )
            page = context.new_page()
            page.set_default_timeout(30_000)
            deadline = time.monotonic() + 60
            while True:
                try:
                    page.goto(f"{base}/accounts/login/")
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            page.get_by_label("Username").fill("teacher")
            page.get_by_label("Password").fill("nextsteps-demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("networkidle")
            for task in TASKS:
                seconds = []
                for run in range(args.runs):
                    shot = None
                    if args.screenshots and run == 0:
                        args.screenshots.mkdir(parents=True, exist_ok=True)
                        shot = args.screenshots / f"set-work-{task.code}.png"
                    act = set_work(page, base, class_id, task, shot)
                    seconds.append(float(act.log[-1].split()[1]))
                    forget(class_id, task)
                print(
                    f"SET WORK | {task.code} {task.title!r} | {act.taps + act.swipes} gestures "
                    f"({act.taps} taps, {act.swipes} swipes) and {act.typed} characters typed | "
                    f"browser median {statistics.median(seconds):.2f} s of {args.runs} | "
                    f"a person about {act.person_seconds:.0f} s"
                )
                print("   " + "; ".join(act.log[:-1]))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
