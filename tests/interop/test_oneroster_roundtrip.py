from __future__ import annotations

import pytest

from nextsteps.interop.kernels.oneroster import OneRosterSet
from nextsteps.interop.oneroster_export import oneroster_export
from nextsteps.interop.oneroster_import import oneroster_import
from nextsteps.interop.sample import oneroster_sample
from nextsteps.people.models import Pupil
from nextsteps.schools.models import School
from nextsteps.teaching.models import Enrolment
from tests.interop.conftest import SAMPLE_URN


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_sample_imports_then_a_second_import_changes_nothing(
    empty_school: School, version: str
) -> None:
    files = oneroster_sample(urn=SAMPLE_URN, version=version)
    first = oneroster_import(source=OneRosterSet.from_files(files), by=None)
    assert first.counts["pupils"].created == 60
    assert Pupil.objects.filter(school=empty_school).count() == 60
    assert Enrolment.objects.filter(school=empty_school).count() == 180
    second = oneroster_import(source=OneRosterSet.from_files(files), by=None)
    assert second.changed == 0, second.lines()


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_demo_school_export_imports_back_onto_itself_creating_nothing(cast, version: str) -> None:
    files = oneroster_export(school=cast.primary, version=version)
    summary = oneroster_import(source=OneRosterSet.from_files(files), by=None)
    created = {k: c.created for k, c in summary.counts.items() if c.created}
    updated = {k: c.updated for k, c in summary.counts.items() if c.updated}
    assert not created, (created, summary.lines())
    assert not updated, (updated, summary.lines())
    again = oneroster_export(school=cast.primary, version=version)
    assert again == files
