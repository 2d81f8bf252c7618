"""Locust users for the load run (see benchmarks/load_test.py): teachers at the scale trust.

Each simulated teacher signs in through the real login form, then in a loop opens their
class's markbook (the page a teacher keeps open all lesson) and records judgements with the
keyboard's request (one POST per press, each with its own idempotency key, as markbook.js
sends). Every accepted judgement's key is written to ACCEPTED_KEYS_DIR, so that after the run
the database can be checked for every one of them.
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import time
import uuid
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

TEACHERS = [line.split(",") for line in os.environ["LOAD_TEACHERS"].split(";") if line]
PASSWORD = os.environ.get("LOAD_PASSWORD", "scale-password")
ACCEPTED = Path(os.environ["ACCEPTED_KEYS_DIR"])
# Each accepted key is written as it comes (a line at a time), and the file closed on exit.
_accepted = (ACCEPTED / f"accepted-{os.getpid()}-{uuid.uuid4().hex[:6]}.txt").open("a", buffering=1)
# Each counted request's start time, kind and milliseconds, for the load run's p99 over each
# ten seconds (Locust's own percentiles are over the whole run only).
_timings = (ACCEPTED / f"timings-{os.getpid()}-{uuid.uuid4().hex[:6]}.csv").open("a")
# The grid's rows as the page carries them, for markbook.js to join into cells.
GRID_DATA = re.compile(r'<script id="mb-grid-data" type="application/json">(.*?)</script>', re.S)


class SignedIn(FastHttpUser):
    """A person in a browser. Locust's fast client (geventhttpclient) spends a fraction of the
    CPU that the requests library does on each request, so the load generator, on the same
    two cores as the server, takes as little of them as it can."""

    abstract = True

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == name), "")


STEADY = bool(os.environ.get("LOAD_STEADY"))
_started = 0  # people who have signed in and opened their first page
_since = 0.0 if not STEADY else float("inf")  # with LOAD_STEADY: once everyone has arrived


@events.request.add_listener
def _timed(name: str, response_time: float, start_time: float, **kwargs: object) -> None:
    # Only requests started once the count began: one started before it waited for the sign-ins.
    if start_time >= _since:
        _timings.write(f"{start_time:.3f},{name},{response_time:.1f}\n")


def _arrived(environment) -> None:  # type: ignore[no-untyped-def]
    """With LOAD_STEADY, the statistics start again once every simulated person has signed
    in and opened their first page: what follows is the sustained load. (Locust's own
    --reset-stats starts them when the last person is spawned, before their sign-in.)"""
    global _started, _since
    _started += 1
    if _started == environment.runner.target_user_count:
        # Everything the generator holds from here on (the people, their connections) is left
        # out of its garbage collector's full passes, which paused it for up to 60 ms at a
        # time: a pause of the generator reads as a slower server.
        gc.collect()
        gc.freeze()
        if STEADY:
            environment.stats.reset_all()
            _since = time.time()


class Teacher(SignedIn):
    wait_time = between(0.5, 2.0)  # a teacher looks at the class between presses

    def on_start(self) -> None:
        username, urn, class_id = random.choice(TEACHERS)  # noqa: S311 - load, not security
        self.urn, self.class_id = urn, class_id
        login = self.client.get("/accounts/login/", name="/accounts/login/")
        token = self.cookie("csrftoken")
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": login.url},
            name="/accounts/login/ (POST)",
        )
        self.cells: list[tuple[str, str]] = []
        self.open_markbook()
        _arrived(self.environment)

    def open_markbook(self) -> None:
        page = self.client.get(
            f"/school/{self.urn}/markbook/classes/{self.class_id}/", name="markbook page"
        )
        # The grid's cells, a pupil and an objective each, are read from the first page's data
        # (as markbook.js reads them); later pages (the same class) are fetched whole but not
        # searched again, to spare the two cores the load generator's work.
        if page.status_code == 200 and not self.cells:
            found = GRID_DATA.search(page.text)
            if found:
                grid = json.loads(found.group(1))
                self.cells = sorted(
                    (str(row[0]), str(column[0]))
                    for row in grid["rows"]
                    for column in grid["columns"]
                )

    @task(1)
    def markbook(self) -> None:
        self.open_markbook()

    @task(8)
    def record(self) -> None:
        if not self.cells:
            return
        pupil, objective = random.choice(self.cells)  # noqa: S311
        key = f"mb-{uuid.uuid4().hex}"
        url = f"/school/{self.urn}/markbook/classes/{self.class_id}/cells/{pupil}/{objective}/"
        with self.client.post(
            url,
            {
                "position": str(random.randint(1, 4)),
                "method": "observation",
                "idempotency_key": key,
            },  # noqa: S311
            headers={"X-CSRFToken": self.cookie("csrftoken"), "HX-Request": "true"},
            name="record a judgement",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                response.success()
                _accepted.write(key + "\n")
            else:
                response.failure(f"status {response.status_code}")


# The scale-out run (benchmarks/scale_out.py) adds leaders opening the school dashboard (a
# reporting page, read from the replica) and an API caller reading pupils with a token (token
# callers' daily pupil views are remembered in the shared cache). Defined only when asked for,
# so the load run keeps its teachers alone.
if os.environ.get("LOAD_LEADERS"):
    LEADERS = [line.split(",") for line in os.environ["LOAD_LEADERS"].split(";") if line]

    class Leader(SignedIn):
        weight = 1
        wait_time = between(2.0, 5.0)  # a leader reads the page before opening it again

        def on_start(self) -> None:
            username, self.urn = random.choice(LEADERS)  # noqa: S311
            login = self.client.get("/accounts/login/", name="/accounts/login/")
            token = self.cookie("csrftoken")
            self.client.post(
                "/accounts/login/",
                {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                headers={"Referer": login.url},
                name="/accounts/login/ (POST)",
            )
            _arrived(self.environment)

        @task
        def dashboard(self) -> None:
            with self.client.get(
                f"/school/{self.urn}/reports/", name="school dashboard", catch_response=True
            ) as response:
                if response.status_code != 200 or "/accounts/login/" in response.url:
                    response.failure(f"status {response.status_code} at {response.url}")

    Teacher.weight = 5  # five teachers to a leader

if os.environ.get("LOAD_API"):
    API_TOKEN, API_URN, API_PUPILS = os.environ["LOAD_API"].split(",")

    class ApiReader(FastHttpUser):
        fixed_count = 1  # one integration polling the API
        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            _arrived(self.environment)

        @task
        def pupil(self) -> None:
            pupil = random.choice(API_PUPILS.split("|"))  # noqa: S311
            self.client.get(
                f"/api/v1/schools/{API_URN}/pupils/{pupil}",
                headers={"Authorization": f"Bearer {API_TOKEN}"},
                name="api: one pupil",
            )


@events.quitting.add_listener
def _report(environment, **kwargs) -> None:  # type: ignore[no-untyped-def]
    environment.process_exit_code = 0 if environment.stats.total.num_failures == 0 else 1
    _accepted.close()
    _timings.close()
