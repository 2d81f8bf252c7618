"""Demo statutory results for Hollins Park Primary School.

- Phonics: last year's Year 1 check for today's Year 2 (some below the threshold, so they are
  flagged for this year's retake), with every word marked for 2 Oak, and the year before's for
  today's Year 3. The threshold marks of those years are entered by the school (32, as the STA
  published), because a release ships only the marks it can cite.
- The multiplication tables check: last year's statutory scores for today's Year 5, and the
  year before's for today's Year 6 (that year has a national average to compare with).
- The Reception baseline: administered this autumn to most of Reception; two children not
  (absent, not appropriate), and a few still to do.

The words of the demo check are the product's own (made-up pseudo-words and everyday real
words), not the STA's. Marks come from seeded generators, the same on every run; each part is
written once, so running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.statutory import services
from nextsteps.statutory.kernels import rules
from nextsteps.statutory.kernels.rules import ItemMark
from nextsteps.statutory.models import (
    BaselineRecord,
    MtcResult,
    PhonicsResult,
    PhonicsThreshold,
    PhonicsWord,
)
from nextsteps.statutory.services import BaselineEntry, MtcEntry, PhonicsEntry, WordEntry
from nextsteps.teaching.models import Class

# (word, grapheme) — the product's own: pseudo-words first, as a check's sections begin.
PSEUDO = [
    ("vop", "o"),
    ("zill", "ll"),
    ("quem", "qu"),
    ("jeck", "ck"),
    ("shug", "sh"),
    ("thim", "th"),
    ("chob", "ch"),
    ("dreng", "ng"),
    ("blarp", "ar"),
    ("stoik", "oi"),
    ("veet", "ee"),
    ("glurt", "ur"),
    ("snoy", "oy"),
    ("plawk", "aw"),
    ("troib", "oi"),
    ("kraiv", "ai"),
    ("froaz", "oa"),
    ("splue", "ue"),
    ("thrupe", "u-e"),
    ("quibe", "i-e"),
]
REAL = [
    ("fog", "o"),
    ("bell", "ll"),
    ("quick", "qu"),
    ("neck", "ck"),
    ("shop", "sh"),
    ("thin", "th"),
    ("chin", "ch"),
    ("sing", "ng"),
    ("farm", "ar"),
    ("coin", "oi"),
    ("seed", "ee"),
    ("burn", "ur"),
    ("toy", "oy"),
    ("claw", "aw"),
    ("night", "igh"),
    ("rain", "ai"),
    ("boat", "oa"),
    ("clue", "ue"),
    ("tube", "u-e"),
    ("smile", "i-e"),
]
THRESHOLD = 32
# How hard each word is for the demo's pupils (0 easy to 1 hard): pseudo-words and the
# split digraphs and rarer vowel graphemes are missed most.
HARD = {"u-e": 0.8, "i-e": 0.7, "ue": 0.75, "oi": 0.6, "oy": 0.55, "aw": 0.6, "igh": 0.5}


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    """Statutory results for the primary school (the secondary has none)."""
    year = rules.academic_year_on(today.month, today.year)
    last = rules.previous_academic_year(year)
    before = rules.previous_academic_year(last)
    for past in (last, before):
        if not PhonicsThreshold.objects.filter(school=primary, academic_year=past).exists():
            services.phonics_threshold_enter(
                school=primary, academic_year=past, threshold=THRESHOLD
            )
    _phonics(primary, last, year_group_now=2, items_class="2 Oak")
    _phonics(primary, before, year_group_now=3, items_class=None)
    _mtc(primary, last, year_group_now=5)
    _mtc(primary, before, year_group_now=6)
    _baseline(primary, year, today)


def _pupils(school: School, year_group: int) -> list[Pupil]:
    return list(
        Pupil.objects.filter(
            school=school, year_group=year_group, leaving_date__isnull=True
        ).order_by("upn")
    )


def _phonics(
    school: School, academic_year: str, *, year_group_now: int, items_class: str | None
) -> None:
    if PhonicsResult.objects.filter(school=school, academic_year=academic_year).exists():
        return
    rng = random.Random(f"phonics-{academic_year}")  # noqa: S311 - demo data, not a secret
    item_pupils: set[int] = set()
    if items_class is not None:
        words = [
            WordEntry(position=p, kind=kind, word=word, grapheme=grapheme)
            for p, (kind, (word, grapheme)) in enumerate(
                [("pseudo", w) for w in PSEUDO] + [("real", w) for w in REAL], start=1
            )
        ]
        if not PhonicsWord.objects.filter(school=school, academic_year=academic_year).exists():
            services.phonics_words_set(school=school, academic_year=academic_year, words=words)
        item_pupils = set(
            Class.objects.filter(school=school, name=items_class).values_list(
                "enrolments__pupil_id", flat=True
            )
        )
    entries = []
    for pupil in _pupils(school, year_group_now):
        if rng.random() < 0.03:
            entries.append(PhonicsEntry(pupil, academic_year, 1, None, "A"))
            continue
        ability = min(1.0, max(0.0, rng.gauss(0.82, 0.14)))
        items = _read_words(rng, ability)
        mark = sum(1 for i in items if i.correct)
        keep = items if pupil.pk in item_pupils else None
        entries.append(PhonicsEntry(pupil, academic_year, 1, mark, "", keep))
    services.phonics_results_record(school=school, entries=entries, source="entry")


def _read_words(rng: random.Random, ability: float) -> list[ItemMark]:
    listed = [("pseudo", g) for _w, g in PSEUDO] + [("real", g) for _w, g in REAL]
    items = []
    for position, (kind, grapheme) in enumerate(listed, start=1):
        difficulty = HARD.get(grapheme, 0.2) + (0.15 if kind == "pseudo" else 0.0)
        chance = min(0.99, max(0.02, ability + 0.35 - difficulty * 0.5))
        items.append(ItemMark(position, kind, rng.random() < chance))
    return items


def _mtc(school: School, academic_year: str, *, year_group_now: int) -> None:
    if MtcResult.objects.filter(school=school, academic_year=academic_year).exists():
        return
    rng = random.Random(f"mtc-check-{academic_year}")  # noqa: S311 - demo data, not a secret
    entries = []
    for pupil in _pupils(school, year_group_now):
        draw = rng.random()
        if draw < 0.03:
            entries.append(MtcEntry(pupil, academic_year, None, rng.choice(["A", "B"])))
        elif draw < 0.37:
            entries.append(MtcEntry(pupil, academic_year, 25))
        else:
            score = round(min(24.0, max(3.0, rng.gauss(20.5, 3.8))))
            entries.append(MtcEntry(pupil, academic_year, score))
    services.mtc_results_record(school=school, entries=entries, source="ctf")


def _baseline(school: School, academic_year: str, today: dt.date) -> None:
    if BaselineRecord.objects.filter(school=school, academic_year=academic_year).exists():
        return
    start = int(academic_year[:4])
    rng = random.Random(f"baseline-{academic_year}")  # noqa: S311 - demo data, not a secret
    pupils = _pupils(school, 0)
    entries = []
    for index, pupil in enumerate(pupils):
        if index >= len(pupils) - 4:
            continue  # still to do
        if index == 3:
            entries.append(BaselineEntry(pupil, academic_year, None, "A"))
            continue
        if index == 11:
            entries.append(BaselineEntry(pupil, academic_year, None, "N"))
            continue
        when = dt.date(start, 9, 8) + dt.timedelta(days=rng.randrange(0, 28))
        entries.append(BaselineEntry(pupil, academic_year, min(when, today)))
    services.baseline_records_record(school=school, entries=entries, source="entry", today=today)
