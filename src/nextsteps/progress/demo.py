"""Demo results: last summer's leavers, so the progress pages show real-looking figures.

- Kingsmead Academy: the Year 11 who left last summer (120 pupils) with their GCSE grades,
  and the latest leavers with a KS2 baseline and the latest without one (by the rule table,
  `data/baselines.csv`; one of the two is last summer's), with their KS2 results if they sat
  the tests. Attainment 8 is worked out from the grades by the kernel. Leavers with a KS2
  baseline (2024) get Progress 8 against the DfE's estimates; a cohort without one (2026:
  no KS2 tests in 2021) has no KS2 results, and the school has chosen its own baseline for
  it (a CAT score in Year 7, on the KS2 scale), so its page shows "not available" beside an
  internal estimate.
- Hollins Park Primary School: last year's Year 6 (58 pupils) with KS1 teacher assessments
  and KS2 results. nextsteps ships no national KS1–KS2 table, so their page shows
  attainment and asks for the year's table rather than inventing one.
- Kingsmead Academy's Year 9 with their planned options (four choices beside English,
  maths and science), loaded through the same CSV import a leader uses; some plans leave
  slots of the reformed model proposed in November 2025 empty (all humanities, or
  vocational choices), so the options page shows what that means.
- Riverbend Learning Trust: provisional Progress 8 estimates computed from the trust's own
  KS4 cohort with a KS2 baseline, to compare with the national ones.

The pupils and their results are invented and drawn from seeded generators (the same on
every run). Every KS2 result is a scaled score or a no-result code, never a code that needs
a nominal score for a year the shipped table lacks. Results go in through the same CSV
import a data manager uses, so they are checked the same way. Running it again changes
nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterable

from nextsteps.demo import names
from nextsteps.people.models import Gender, Pupil, SenStatus
from nextsteps.people.upn import upn_make
from nextsteps.progress import selectors, services
from nextsteps.progress.kernels.baselines import shipped_rules
from nextsteps.progress.kernels.tables import DATA_DIR, read_p8_estimates
from nextsteps.progress.models import Ks2Result, Ks4Result, PlannedOption, ReferenceTable
from nextsteps.schools.models import AcademicYear, School, Subject
from nextsteps.teaching.models import Class, Enrolment

KS4_LEAVERS = 120
YEAR6_LEAVERS = 58
SERIAL_START = 700  # clear of the serials the main demo gives its pupils
OPEN_SUBJECTS = (
    "Art and design",
    "Music",
    "Drama",
    "Design and technology",
    "Religious studies",
    "Physical education",
    "Business",
    "Food preparation and nutrition",
)


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    """Leavers and their results for both schools, and the trust's provisional estimates."""
    services.shipped_tables_install()
    year = today.year if today.month >= 9 else today.year - 1  # the summer just gone
    # Last summer's leavers, and so the latest with a KS2 baseline and the latest without one
    # (one of them last summer's): two cohorts, the DfE measure and "not available".
    with_ks2 = latest_cohort(year, available=True)
    for ks4_year in sorted({year, with_ks2, latest_cohort(year, available=False)}, reverse=True):
        if not Ks4Result.objects.filter(school=secondary, year=ks4_year).exists():
            ks4_leavers(secondary, ks4_year)
    year11_classes(secondary, year)  # last summer's: the KS4 analysis by class
    if not Ks2Result.objects.filter(school=primary, year=year).exists():
        year6_leavers(primary, year)
    if not PlannedOption.objects.filter(school=secondary, pupil__year_group=9).exists():
        year9_options(secondary)
    if secondary.trust_id is None:
        return
    provisional = ReferenceTable.objects.filter(
        kind=ReferenceTable.Kind.PROGRESS8,
        source=ReferenceTable.TableSource.TRUST,
        trust_id=secondary.trust_id,
        year=with_ks2,
    )
    if not provisional.exists():
        bands = (
            ReferenceTable.objects.filter(
                kind=ReferenceTable.Kind.PROGRESS8, source=ReferenceTable.TableSource.DFE
            )
            .order_by("-year")
            .first()
        )
        if bands is not None:
            services.trust_estimates_compute(school=secondary, year=with_ks2, bands=bands, by=None)


def latest_cohort(year: int, *, available: bool) -> int:
    """The latest KS4 cohort up to `year` with (or without) a KS2 baseline, by the rule table."""
    rules = shipped_rules()
    return next(
        y
        for y in range(year, year - 12, -1)
        if (rule := rules.known("progress8", y)) is not None and rule.available == available
    )


# --- pupils ----------------------------------------------------------------------------


def leavers(
    school: School,
    rng: random.Random,
    *,
    count: int,
    year_group: int,
    entry: dt.date,
    born_from: dt.date,
    left: dt.date,
) -> list[Pupil]:
    """Pupils who have left, with the characteristics schools analyse, keyed by UPN."""
    plans = []
    for serial in range(SERIAL_START, SERIAL_START + count):
        female = rng.random() < 0.5
        disadvantaged = rng.random() < 0.27
        sen_roll = rng.random()
        plans.append(
            Pupil(
                school=school,
                upn=upn_make(
                    la=int(school.la_code), estab=int(school.estab), year=entry.year, serial=serial
                ),
                legal_forename=rng.choice(names.FORENAMES_F if female else names.FORENAMES_M),
                legal_surname=rng.choice(names.SURNAMES),
                date_of_birth=born_from + dt.timedelta(days=rng.randrange(365)),
                gender=Gender.FEMALE if female else Gender.MALE,
                year_group=year_group,
                disadvantaged=disadvantaged,
                fsm=disadvantaged and rng.random() < 0.8,
                sen_status=SenStatus.EHCP
                if sen_roll < 0.025
                else SenStatus.SUPPORT
                if sen_roll < 0.15
                else SenStatus.NONE,
                eal=rng.random() < 0.2,
                admission_date=entry,
                leaving_date=left,
            )
        )
    existing = set(
        Pupil.objects.filter(school=school, upn__in=[p.upn for p in plans]).values_list(
            "upn", flat=True
        )
    )
    Pupil.objects.bulk_create(p for p in plans if p.upn not in existing)
    by_upn = {p.upn: p for p in Pupil.objects.filter(school=school, upn__in=[p.upn for p in plans])}
    return [by_upn[p.upn] for p in plans]


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


# --- Kingsmead: Year 11 leavers --------------------------------------------------------


def ks4_leavers(school: School, year: int) -> None:
    """Year 11 leavers of `year`: KS2 results five years earlier and their GCSE grades."""
    rng = random.Random(f"progress-ks4-{school.urn}-{year}")  # noqa: S311
    pupils = leavers(
        school,
        rng,
        count=KS4_LEAVERS,
        year_group=11,
        entry=dt.date(year - 5, 9, 3),
        born_from=dt.date(year - 17, 9, 1),
        left=dt.date(year, 6, 26),
    )
    estimates = read_p8_estimates(DATA_DIR / "progress8_estimates_2024.csv")
    ks2_rows: list[list[object]] = []
    cat_rows: list[list[object]] = []
    grade_rows: list[list[object]] = []
    for index, pupil in enumerate(pupils):
        ability = rng.gauss(0, 1)
        reading = round(clip(105 + 6.5 * ability + rng.gauss(0, 3), 80, 120))
        maths = round(clip(104 + 6.5 * ability + rng.gauss(0, 3), 80, 120))
        if index % 40 == 7:
            ks2_rows.append([pupil.upn, "", "", ""])  # arrived from abroad: no KS2 results
        elif index == 23:
            ks2_rows.append([pupil.upn, year - 5, reading, "A"])  # absent for maths
        else:
            ks2_rows.append([pupil.upn, year - 5, reading, maths])
        if index % 40 != 7:  # the school's own test in Year 7, on the KS2 scale
            cat_rows.append(
                [pupil.upn, round(clip(104.5 + 6.5 * ability + rng.gauss(0, 3.5), 80, 120), 1)]
            )
        average = (reading + maths) / 2
        group = next(i for i, upper in enumerate(estimates.bands.upper) if average <= upper)
        per_slot = estimates.values["attainment8"][group] / 10
        per_slot += 0.6 - 0.8 * pupil.disadvantaged - 0.25 * (pupil.sen_status != "N")
        grade_rows += gcse_grades(pupil.upn, year, per_slot + rng.gauss(0, 0.8), rng)
    ks2_baseline = shipped_rules().rule("progress8", year).available
    if ks2_baseline:  # a cohort without one sat no KS2 tests
        services.results_import(
            school=school,
            name=f"ks2-results-{year - 5}.csv",
            content=csv_bytes(["upn", "ks2_year", "ks2_reading", "ks2_maths"], ks2_rows),
            by=None,
        )
    services.results_import(
        school=school,
        name=f"gcse-grades-{year}.csv",
        content=csv_bytes(["upn", "ks4_year", "subject", "kind", "grade"], grade_rows),
        qualifications=True,
        by=None,
    )
    if not ks2_baseline:
        services.proxy_baseline_load(
            school=school,
            year=year,
            name=f"CAT4 mean score in Year 7 (autumn {year - 5}), converted to the KS2 scale",
            file_name=f"year7-cat4-{year - 5}.csv",
            content=csv_bytes(["upn", "score"], cat_rows),
            by=None,
        )


# How much better or worse than their other subjects the demo's pupils do in a few subjects,
# in grades, so that the KS4 analysis has residuals to find (the rest are in line).
SUBJECT_EFFECTS = {"Mathematics": 0.45, "Computing": 0.5, "History": -0.6, "Drama": -0.5}


def gcse_grades(upn: str, year: int, level: float, rng: random.Random) -> list[list[object]]:
    """A typical set of GCSEs for a pupil working at `level` points per subject."""

    def grade(subject: str) -> str:
        points = round(clip(level + SUBJECT_EFFECTS.get(subject, 0) + rng.gauss(0, 0.9), 0, 9))
        return "U" if points == 0 else str(points)

    subjects = [("English language", "english_language"), ("Mathematics", "maths")]
    if rng.random() < 0.93:
        subjects.append(("English literature", "english_literature"))
    subjects += [("Combined science", "ebacc"), ("Combined science", "ebacc")]  # double award
    if rng.random() < 0.85:
        subjects.append((rng.choice(("History", "Geography")), "ebacc"))
    if rng.random() < 0.45:
        subjects.append(("French", "ebacc"))
    if rng.random() < 0.15:
        subjects.append(("Computing", "ebacc"))
    options = rng.sample(OPEN_SUBJECTS, 2 if rng.random() < 0.3 else 3)
    subjects += [(subject, "open") for subject in options]
    return [[upn, year, subject, kind, grade(subject)] for subject, kind in subjects]


YEAR11_FORMS = ("A", "B", "C", "D")
YEAR11_TEACHING = {  # subject → its classes' code; maths in sets, the rest in forms
    "English": "En",
    "Mathematics": "Ma",
    "Science": "Sc",
    "History": "Hi",
    "Geography": "Gg",
    "French": "Fr",
}


def year11_classes(school: School, year: int) -> None:
    """The Year 11 forms and teaching groups the leavers of `year` were in, that school year."""
    start = year - 1
    academic_year, _ = AcademicYear.objects.get_or_create(
        school=school,
        name=f"{start}/{year % 100:02d}",
        defaults={"starts_on": dt.date(start, 9, 1), "ends_on": dt.date(year, 8, 31)},
    )
    if Class.objects.filter(academic_year=academic_year, year_group=11).exists():
        return
    pupils = list(
        Pupil.objects.filter(school=school, ks4_result__year=year)
        .select_related("ks4_result")
        .order_by("upn")
    )
    attainment = sorted(pupils, key=lambda p: -float(p.ks4_result.maths))
    subjects = {s.name: s for s in Subject.objects.filter(school=school)}
    forms = [pupils[i::4] for i in range(4)]
    groups: list[tuple[str, str, list[Pupil], list[Subject]]] = [
        (f"11{letter}", Class.Kind.FORM, members, [])
        for letter, members in zip(YEAR11_FORMS, forms, strict=True)
    ]
    size = -(-len(pupils) // 4)
    for subject_name, code in YEAR11_TEACHING.items():
        subject = subjects.get(subject_name)
        if subject is None:
            continue
        if subject_name == "Mathematics":
            sets = [attainment[n * size : (n + 1) * size] for n in range(4)]
            groups += [
                (f"11 {code}{n + 1}", Class.Kind.TEACHING, members, [subject])
                for n, members in enumerate(sets)
            ]
        else:
            groups += [
                (f"11{letter} {code}", Class.Kind.TEACHING, members, [subject])
                for letter, members in zip(YEAR11_FORMS, forms, strict=True)
            ]
    enrolments = []
    for name, kind, members, taught in groups:
        teaching_class = Class.objects.create(
            school=school, academic_year=academic_year, name=name, kind=kind, year_group=11
        )
        teaching_class.subjects.set(taught)
        enrolments += [
            Enrolment(
                school=school,
                pupil=pupil,
                teaching_class=teaching_class,
                starts_on=dt.date(start, 9, 3),
                ends_on=dt.date(year, 6, 26),
            )
            for pupil in members
        ]
    Enrolment.objects.bulk_create(enrolments)


# --- Hollins Park: Year 6 leavers ------------------------------------------------------


def ks1_outcome(level: float) -> str:
    """KS1 teacher assessment against the 2016 frameworks."""
    if level < -1.6:
        return "PKF"
    if level < -0.55:
        return "WTS"
    return "EXS" if level < 0.95 else "GDS"


def ks2_writing(level: float) -> str:
    if level < -0.7:
        return "WTS"
    return "EXS" if level < 1.0 else "GDS"


def year6_leavers(school: School, year: int) -> None:
    """Year 6 of `year`: KS1 assessments four years earlier and their KS2 results."""
    rng = random.Random(f"progress-ks2-{school.urn}-{year}")  # noqa: S311
    pupils = leavers(
        school,
        rng,
        count=YEAR6_LEAVERS,
        year_group=6,
        entry=dt.date(year - 7, 9, 3),
        born_from=dt.date(year - 12, 9, 1),
        left=dt.date(year, 7, 22),
    )
    rows: list[list[object]] = []
    for index, pupil in enumerate(pupils):
        ability = rng.gauss(0, 1) - 0.3 * pupil.disadvantaged
        ks1 = [ks1_outcome(ability + rng.gauss(0, 0.45)) for _ in range(3)]
        if index == 11:
            ks1 = ["", "", ""]  # joined in Year 4 from abroad: no KS1 assessment
        elif index == 30:
            ks1[0] = "A"  # absent for the reading assessment
        growth = 0.15 + rng.gauss(0, 0.5)
        reading = round(clip(105 + 6 * (ability + growth) + rng.gauss(0, 3), 80, 120))
        maths = round(clip(104 + 6.5 * (ability + growth) + rng.gauss(0, 3), 80, 120))
        writing = ks2_writing(ability + growth + rng.gauss(0, 0.5))
        ks1_year: object = "" if index == 11 else year - 4
        rows.append(
            [pupil.upn, ks1_year, *ks1, year, reading, "A" if index == 40 else maths, writing]
        )
    header = ["upn", "ks1_year", "ks1_reading", "ks1_writing", "ks1_maths"]
    header += ["ks2_year", "ks2_reading", "ks2_maths", "ks2_writing"]
    services.results_import(
        school=school, name=f"year6-results-{year}.csv", content=csv_bytes(header, rows), by=None
    )


# --- Kingsmead: Year 9 options -----------------------------------------------------------

OPTION_SUBJECTS = (  # (subject, category of the models file)
    ("History", "history_geography"),
    ("Geography", "history_geography"),
    ("Religious studies", "religious_studies"),
    ("French", "languages"),
    ("Spanish", "languages"),
    ("Art and design", "creative"),
    ("Music", "creative"),
    ("Drama", "creative"),
    ("Design and technology", "design_technology"),
    ("Computer science", "computing"),
    ("Physical education", "other"),
    ("Business", "other"),
    ("Food preparation and nutrition", "other"),
)


def year9_options(school: School) -> None:
    """Year 9's planned subjects: the core, then four options (seeded, the same every run)."""
    rng = random.Random(f"progress-options-{school.urn}")  # noqa: S311
    pupils = Pupil.objects.filter(selectors.on_roll(), school=school, year_group=9).order_by("upn")
    rows: list[list[object]] = []
    for index, pupil in enumerate(pupils):
        if index % 12 == 11:
            continue  # not chosen yet
        core = [["English language", "english_language", 1], ["Mathematics", "maths", 1]]
        if rng.random() < 0.9:
            core.append(["English literature", "english_literature", 1])
        if rng.random() < 0.15:
            core += [[name, "science", 1] for name in ("Biology", "Chemistry", "Physics")]
        else:
            core.append(["Combined science", "science", 2])
        if index % 7 == 3:  # humanities only: one breadth category
            choices = [
                OPTION_SUBJECTS[0],
                OPTION_SUBJECTS[1],
                OPTION_SUBJECTS[2],
                OPTION_SUBJECTS[10],
            ]
        elif index % 7 == 5:  # mostly vocational
            choices = [
                OPTION_SUBJECTS[0],
                OPTION_SUBJECTS[10],
                OPTION_SUBJECTS[11],
                OPTION_SUBJECTS[12],
            ]
        else:  # most choose from humanities, languages and creative subjects, and one more
            choices = [*rng.sample(OPTION_SUBJECTS[:8], 3), rng.choice(OPTION_SUBJECTS[8:])]
            if rng.random() < 0.4:
                choices[-1] = rng.choice([s for s in OPTION_SUBJECTS[:8] if s not in choices])
        plan = core + [[subject, category, 1] for subject, category in choices]
        rows += [[pupil.upn, subject, category, entries] for subject, category, entries in plan]
    if rows:
        services.planned_options_load(
            school=school,
            name="year9-options.csv",
            content=csv_bytes(["upn", "subject", "category", "entries"], rows),
            by=None,
        )
