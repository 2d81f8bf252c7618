"""Sign-in benchmark: the password hash, one sign-in's server time, and 20 teachers signing in
at once against a live server while another person keeps using the product.

    .venv/bin/python benchmarks/sign_in_bench.py            # a demo school in var/bench/

1. The hash alone: verifying a password against Django's default argon2 parameters (100 MiB,
   2 iterations, 8 lanes: the hashes made before) and against the OWASP parameters the product
   now uses (19 MiB, 2 iterations, 1 lane), side by side, median of 15.
2. One sign-in (the login form's POST through Django's test client: throttle check, password,
   session, device cookie), median of 15, with each kind of stored hash. A person whose hash
   has the old parameters pays for the old hash once: it is upgraded as they sign in.
3. gunicorn (5 workers, loopback) on the demo database: 20 teachers post the sign-in form at
   the same moment while a signed-in teacher keeps opening a page; the page's latency during
   the burst is compared with its latency when nothing else is happening.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))
DATABASE = ROOT / "var" / "bench" / "sign-in.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ["SIGN_IN_THROTTLE"] = "false"  # 20 sign-ins from one address are not an attack here
PASSWORD = "bench-password-2026"  # noqa: S105 - the benchmark's own users
TEACHERS = 20


def median_ms(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def setup() -> None:
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    from nextsteps.accounts.models import Membership, Role, User
    from nextsteps.schools.models import School

    call_command("migrate", verbosity=0)
    if not School.objects.filter(urn=990101).exists():
        call_command("demo", verbosity=0)
    school = School.objects.get(urn=990101)
    for index in range(TEACHERS):
        user, _ = User.objects.get_or_create(username=f"bench-signin-{index}")
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, school=school, role=Role.TEACHER)


def hashes(repeat: int) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from nextsteps.accounts.hashers import OwaspArgon2PasswordHasher

    for name, hasher in (
        ("Django default (m=102400, t=2, p=8)", Argon2PasswordHasher()),
        ("OWASP (m=19456, t=2, p=1)", OwaspArgon2PasswordHasher()),
    ):
        encoded = hasher.encode(PASSWORD, hasher.salt())
        cpu = time.process_time()
        ms = median_ms(lambda h=hasher, e=encoded: h.verify(PASSWORD, e), repeat)
        cpu_ms = (time.process_time() - cpu) * 1000 / repeat
        print(f"verify, {name}: median {ms:.1f} ms (CPU {cpu_ms:.1f} ms a check)")


def one_sign_in(repeat: int) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.test import Client

    from nextsteps.accounts.models import User

    user = User.objects.get(username="bench-signin-0")

    def post() -> None:
        response = Client().post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302, response.status_code

    def post_old() -> None:
        old = Argon2PasswordHasher()
        User.objects.filter(pk=user.pk).update(password=old.encode(PASSWORD, old.salt()))
        started = time.perf_counter()
        post()
        times.append((time.perf_counter() - started) * 1000)

    post()
    print(f"sign-in POST, stored hash OWASP: median {median_ms(post, repeat):.1f} ms")
    times: list[float] = []
    for _ in range(repeat):
        post_old()
    stored = User.objects.get(pk=user.pk).password
    print(
        f"sign-in POST, stored hash Django default (upgraded as it signs in): median "
        f"{statistics.median(times):.1f} ms; stored afterwards: {stored.split('$')[3]}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def sign_in(self, username: str) -> float:
        page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/"}
        )
        started = time.perf_counter()
        with self.opener.open(request, timeout=60) as response:
            response.read()
        return (time.perf_counter() - started) * 1000


def burst(workers: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{DATABASE}",
            "DATABASE_CONN_MAX_AGE": "60",
            "NEXTSTEPS_PRODUCTION": "false",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
            "LOG_LEVEL": "ERROR",
            "SIGN_IN_THROTTLE": "false",
        }
    )
    server = subprocess.Popen(  # noqa: S603 - our own command
        [str(BIN / "python"), "-m", "nextsteps.cli", "serve", "--production", "--port", str(port)],
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Browser(base).get("/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        watcher = Browser(base)
        watcher.sign_in("bench-signin-0")
        page = "/school/990101/teacher/"
        for _ in range(5):
            watcher.get(page)

        def probe(seconds: float) -> list[float]:
            times, end = [], time.monotonic() + seconds
            while time.monotonic() < end:
                started = time.perf_counter()
                watcher.get(page)
                times.append((time.perf_counter() - started) * 1000)
                time.sleep(0.05)
            return times

        quiet = probe(4)
        barrier = threading.Barrier(TEACHERS)
        sign_ins: list[float] = []

        def teacher(index: int) -> None:
            browser = Browser(base)
            browser.get("/accounts/login/")
            barrier.wait()
            sign_ins.append(browser.sign_in(f"bench-signin-{index}"))

        threads = [threading.Thread(target=teacher, args=(i,)) for i in range(TEACHERS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        busy: list[float] = []
        probing = threading.Thread(target=lambda: busy.extend(probe(3)))
        probing.start()
        for thread in threads:
            thread.join()
        all_in = (time.perf_counter() - started) * 1000
        probing.join()
        quiet.sort()
        busy.sort()
        sign_ins.sort()

        def p(values: list[float], q: float) -> float:
            return values[min(len(values) - 1, int(q * len(values)))]

        print(
            f"{TEACHERS} sign-ins at once ({workers} gunicorn workers): all signed in after "
            f"{all_in:.0f} ms; each sign-in p50 {p(sign_ins, 0.5):.0f} ms, "
            f"max {sign_ins[-1]:.0f} ms"
        )
        print(
            f"another teacher's home page: quiet p50 {p(quiet, 0.5):.0f} ms / p95 "
            f"{p(quiet, 0.95):.0f} ms ({len(quiet)} requests); during the sign-ins p50 "
            f"{p(busy, 0.5):.0f} ms / p95 {p(busy, 0.95):.0f} ms / max {busy[-1]:.0f} ms "
            f"({len(busy)} requests)"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    setup()
    hashes(args.repeat)
    one_sign_in(args.repeat)
    burst(args.workers)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
