"""The served application leaves what it loaded out of the garbage collector's full passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """
import gc, time
import nextsteps.wsgi
frozen = gc.get_freeze_count()
started = time.perf_counter()
gc.collect()
print(frozen, len(gc.get_objects()), round((time.perf_counter() - started) * 1000, 1))
"""


def test_loading_the_application_freezes_what_it_loaded(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "PYTHONPATH": str(SRC),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed probe
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    frozen, tracked, _full_pass_ms = done.stdout.split()
    # Everything loaded (settings, apps, models, every view through the URLs) is frozen;
    # a full pass then walks only what came after, a small part of it.
    assert int(frozen) > 50_000
    assert int(tracked) < int(frozen) / 10
