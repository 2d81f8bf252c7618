"""Demo KS2 writing teacher assessment at Hollins Park Primary (6 Oak).

The statements are nextsteps' OWN demo wording (a school imports the STA's from its copy):
they describe the same kind of thing in different words and say so in the file name. 6 Oak's
teacher gets a demo account (`year6`). Several pupils have pieces of writing linked to
statements: one meets greater depth, two the expected standard, one of them only with a
recorded particular weakness (spelling, with a reason), one working towards, one part-way.
No final judgements: in the demo's autumn term the statutory judgement is months away.
Idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime as dt

from nextsteps.accounts.models import Actor, Role, User
from nextsteps.people.models import Pupil, Staff
from nextsteps.schools.models import School
from nextsteps.teaching.models import Class, ClassStaff
from nextsteps.teaching.selectors import class_pupils
from nextsteps.writing import selectors, services
from nextsteps.writing.kernels import rules
from nextsteps.writing.models import Piece, Statement, Weakness

DEMO_FILE = "nextsteps-demo-wording.csv"
DEMO_CLASS = "6 Oak"
DEMO_TEACHER = "year6"

# nextsteps' own wording, for the demo only: not the STA's statements.
DEMO_STATEMENTS: dict[str, list[str]] = {
    "WTS": [
        "Writes pieces with different aims, such as to tell a story or to explain",
        "Groups related ideas into paragraphs",
        "Brings the places and people in a story to life with some description",
        "Helps the reader find their way in factual writing with simple signposts",
        "Marks sentences and simple punctuation correctly most of the time",
        "Spells most of the Year 3 and 4 word list correctly, and some of Years 5 and 6",
        "Writes so that others can read it easily",
    ],
    "EXS": [
        "Chooses words and tone to suit the reader and the purpose of each piece",
        "Builds the mood of a story as well as its places and people",
        "Uses speech to show what characters are like and to move the story on",
        "Picks sentence shapes and vocabulary that fit what the piece needs",
        "Links ideas smoothly within and between paragraphs",
        "Keeps tenses steady and correct across a piece",
        "Uses the Key Stage 2 punctuation correctly most of the time",
        "Spells most of the Year 5 and 6 word list correctly and checks harder words",
        "Keeps joined handwriting clear when writing quickly",
    ],
    "GDS": [
        "Borrows techniques from books they have read to shape their own writing",
        "Tells apart the language of talk and of writing, choosing the right one",
        "Moves confidently between formal and informal writing on purpose",
        "Uses punctuation precisely to sharpen meaning and avoid confusion",
    ],
}

DYSLEXIA_REASON = (
    "Assessed dyslexia (educational psychologist, Year 4): spelling of the Year 5 and 6 words "
    "is inconsistent in independent writing although the rest of the expected standard is "
    "secure in every piece; the weakness would otherwise hide an accurate judgement."
)

PIECES = [
    ("A letter to the council about the park", 70, ("WTS",)),
    ("Recount: our trip to the Roman fort", 55, ("WTS", "EXS")),
    ("The lighthouse keeper's secret (story)", 40, ("WTS", "EXS")),
    ("How volcanoes erupt (explanation)", 25, ("EXS", "GDS")),
    ("Should school start later? (balanced argument)", 10, ("GDS",)),
]


def demo_csv() -> bytes:
    lines = ["standard,number,text"]
    for code, texts in DEMO_STATEMENTS.items():
        lines += [f'{code},{number},"{text}"' for number, text in enumerate(texts, start=1)]
    return ("\n".join(lines) + "\n").encode()


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    teaching_class = (
        Class.objects.filter(school=primary, name=DEMO_CLASS)
        .select_related("academic_year")
        .order_by("-academic_year__starts_on")
        .first()
    )
    if teaching_class is None:
        return
    framework = selectors.framework_of(teaching_class)
    if not Statement.objects.filter(school=primary, edition=framework.edition).exists():
        services.statements_import(
            school=primary, framework=framework, name=DEMO_FILE, content=demo_csv(), by=None
        )
    teacher = _teacher_account(primary, teaching_class)
    pupils = class_pupils(teaching_class)[:6]
    found = selectors.statements(primary, framework)
    plans = [
        ("GDS", set()),
        ("EXS", set()),
        ("EXS", {("EXS", 8)}),  # met with a particular weakness in spelling
        ("WTS", set()),
        ("WTS", {("WTS", 6), ("WTS", 7)}),  # part-way: two statements still to evidence
    ]
    for pupil, (reach, gaps) in zip(pupils, plans, strict=False):
        _evidence(primary, framework, pupil, reach, gaps, found, today, teacher)
        if reach == "EXS" and gaps:
            _weakness(primary, framework, pupil, found, teacher)


def _teacher_account(school: School, teaching_class: Class) -> User | None:
    from nextsteps.demo.builder import Account, demo_user

    link = ClassStaff.objects.filter(
        teaching_class=teaching_class, role=ClassStaff.Role.TEACHER
    ).first()
    if link is None:
        return None
    staff = Staff.objects.get(pk=link.staff_id)
    user = demo_user(
        Account(DEMO_TEACHER, staff.forename, staff.surname), school=school, role=Role.TEACHER
    )
    if user.display_name != staff.name:
        user.display_name = staff.name
        user.save(update_fields=["display_name"])
    if staff.user_id != user.pk:
        staff.user = user
        staff.save(update_fields=["user"])
    return user


def _evidence(
    school: School,
    framework: rules.Framework,
    pupil: Pupil,
    reach: str,
    gaps: set[tuple[str, int]],
    found: list[Statement],
    today: dt.date,
    by: Actor | None,
) -> None:
    """Pieces that, between them, evidence every statement up to `reach` except `gaps`."""
    wanted = {reach, *framework.standard(reach).requires}
    if Piece.objects.filter(pupil=pupil).exists():
        return
    for title, days_ago, standards in PIECES:
        ids = [
            s.pk
            for s in found
            if s.standard in wanted
            and s.standard in standards
            and (s.standard, s.number) not in gaps
        ]
        if ids:
            services.piece_record(
                school=school,
                pupil=pupil,
                edition=framework.edition,
                title=title,
                written_on=today - dt.timedelta(days=days_ago),
                statement_ids=ids,
                note="",
                by=by,
            )


def _weakness(
    school: School,
    framework: rules.Framework,
    pupil: Pupil,
    found: list[Statement],
    by: Actor | None,
) -> None:
    spelling = next(s for s in found if (s.standard, s.number) == ("EXS", 8))
    if Weakness.objects.filter(pupil=pupil, statement=spelling).exists():
        return
    services.weakness_record(
        school=school,
        pupil=pupil,
        framework=framework,
        statement_id=spelling.pk,
        reason=DYSLEXIA_REASON,
        by=by,
    )
