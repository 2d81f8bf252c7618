"""Demo data for data in and out: four pupils joining Kingsmead Academy's Year 7 by a CTF 25.

The file (`sample.ctf_sample`) comes from an invented primary school and carries the statutory
results a real one does: KS2 tests and teacher assessments, KS1 outcomes, the multiplication
tables check and the phonics screening check. It goes in through the same import a data
manager uses, so the pupils' results appear as kept from the CTF and the checks' results in the
statutory app (source "CTF"). Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from nextsteps.interop.ctf_import import ctf_import
from nextsteps.interop.models import ImportRun
from nextsteps.interop.sample import ctf_sample
from nextsteps.schools.models import School

DEMO_CTF = "Brookfield_to_Kingsmead_CTF25.xml"


def build_demo_data(*, primary: School, secondary: School, today: dt.date) -> None:
    if ImportRun.objects.filter(
        school=secondary, kind=ImportRun.Kind.CTF, filename=DEMO_CTF
    ).exists():
        return
    data = ctf_sample(today=today, dest_la=secondary.la_code, dest_estab=secondary.estab)
    ctf_import(data=data, filename=DEMO_CTF, school=secondary, by=None)
