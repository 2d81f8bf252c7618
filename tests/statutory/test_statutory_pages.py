"""The statutory check pages: who sees them, what they show, and their query budgets."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from nextsteps.accounts.models import Role, User
from nextsteps.accounts.services import membership_grant
from nextsteps.people.models import Pupil, Staff
from nextsteps.statutory import services
from nextsteps.statutory.kernels import rules
from nextsteps.statutory.models import BaselineRecord, MtcResult, PhonicsResult, PhonicsThreshold
from nextsteps.teaching.models import Class, ClassStaff
from nextsteps.teaching.selectors import class_pupils


def _year(cast) -> str:
    return Class.objects.get(pk=cast.four_oak.pk).academic_year.name


def _teacher_of(cast, class_name: str, username: str) -> tuple[Client, Class]:
    """A teacher account for one class of the primary (the demo's only teacher teaches 4 Oak)."""
    teaching_class = Class.objects.get(school=cast.primary, name=class_name)
    user = User.objects.create_user(username, password="x")
    membership_grant(user=user, school=cast.primary, role=Role.TEACHER, by=None)
    staff = Staff.objects.create(school=cast.primary, user=user, forename="Sam", surname="Reed")
    ClassStaff.objects.create(school=cast.primary, teaching_class=teaching_class, staff=staff)
    client = Client()
    client.force_login(user)
    return client, teaching_class


def test_year1_teacher_enters_marks_and_pupils_below_are_flagged(cast) -> None:
    client, one_oak = _teacher_of(cast, "1 Oak", "y1teacher")
    year = one_oak.academic_year.name
    services.phonics_threshold_enter(school=cast.primary, academic_year=year, threshold=32)
    a, b, c = class_pupils(one_oak)[:3]
    url = f"/school/{cast.primary.urn}/statutory/phonics/classes/{one_oak.pk}/"
    response = client.post(url, {f"mark-{a.pk}": "35", f"mark-{b.pk}": "20", f"reason-{c.pk}": "A"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Below: retake in Year 2" in page
    assert PhonicsResult.objects.get(pupil=b, academic_year=year).mark == 20
    # 1 of 3 pupils meeting: the absent pupil counts in the total, as in the DfE's figures.
    assert "33%" in page


def test_out_of_range_mark_refused_naming_pupil_and_nothing_saved(cast) -> None:
    client, one_oak = _teacher_of(cast, "1 Willow", "y1willow")
    a, b = class_pupils(one_oak)[:2]
    url = f"/school/{cast.primary.urn}/statutory/phonics/classes/{one_oak.pk}/"
    response = client.post(url, {f"mark-{a.pk}": "30", f"mark-{b.pk}": "41"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{b.name}, column mark: mark must be from 0 to 40, not 41" in page
    assert 'value="41"' in page  # what was typed is kept for correcting
    assert not PhonicsResult.objects.filter(pupil__in=[a, b]).exists()


def test_a_year_without_a_threshold_says_so_and_flags_nobody(cast) -> None:
    client, one_oak = _teacher_of(cast, "1 Oak", "y1noth")
    year = one_oak.academic_year.name
    PhonicsThreshold.objects.filter(school=cast.primary, academic_year=year).delete()
    (a,) = class_pupils(one_oak)[:1]
    services.phonics_result_record(pupil=a, academic_year=year, year_group=1, mark=10)
    page = client.get(f"/school/{cast.primary.urn}/statutory/phonics/classes/{one_oak.pk}/")
    text = page.content.decode()
    assert f"No phonics threshold mark for {year}" in text
    assert "retake in Year 2" not in text.split("Words the class")[0].split("<tbody>")[1]


def test_year2_retakes_come_from_the_demo_year1_results(cast) -> None:
    client, two_oak = _teacher_of(cast, "2 Oak", "y2teacher")
    last = rules.previous_academic_year(two_oak.academic_year.name)
    below = PhonicsResult.objects.filter(
        pupil__in=class_pupils(two_oak), academic_year=last, mark__lt=32
    )
    assert below.exists()  # the demo flags some
    page = client.get(f"/school/{cast.primary.urn}/statutory/phonics/classes/{two_oak.pk}/")
    text = page.content.decode()
    for result in below:
        assert result.pupil.name in text
    assert "Words the class missed most" in text and "u-e" in text  # the demo's hard grapheme


def test_leader_summary_beside_national_figures(cast) -> None:
    client = cast.client("primaryhead")
    page = client.get(f"/school/{cast.primary.urn}/statutory/").content.decode()
    assert "Phonics screening check" in page
    assert "entered by the school" in page
    if MtcResult.objects.filter(school=cast.primary, academic_year="2024/25").exists():
        assert "21.0" in page  # the national average of 2024/25, with its source
        assert "explore-education-statistics.service.gov.uk" in page
    assert "Schools receive no score" in page


def test_mtc_scores_entered_and_out_of_range_refused(cast) -> None:
    client = cast.client("teacher")  # Ms Okafor teaches 4 Oak
    a, b = class_pupils(cast.four_oak)[:2]
    url = f"/school/{cast.primary.urn}/statutory/mtc/classes/{cast.four_oak.pk}/"
    response = client.post(url, {f"score-{a.pk}": "25", f"score-{b.pk}": "26"})
    assert "column score: score must be from 0 to 25, not 26" in response.content.decode()
    assert not MtcResult.objects.filter(pupil__in=[a, b], academic_year=_year(cast)).exists()
    client.post(url, {f"score-{a.pk}": "25", f"score-{b.pk}": "19"})
    page = client.get(url).content.decode()
    assert "22.0" in page  # the class average
    assert MtcResult.objects.get(pupil=b, academic_year=_year(cast)).score == 19


def test_baseline_all_administered_today(cast) -> None:
    client = cast.client("primaryhead")
    reception = Class.objects.get(school=cast.primary, name="Reception Willow")
    year = reception.academic_year.name
    pupils = class_pupils(reception)
    url = f"/school/{cast.primary.urn}/statutory/baseline/classes/{reception.pk}/"
    page = client.get(url).content.decode()
    assert "No score comes back to the school." in page
    client.post(url, {"action": "all-today"})
    records = BaselineRecord.objects.filter(pupil__in=pupils, academic_year=year)
    assert records.count() == len(pupils)
    assert records.filter(administered_on=timezone.localdate()).exists()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "phonics/classes/{two_oak}/",
        "mtc/classes/{four_oak}/",
        "baseline/classes/{reception}/",
    ],
)
def test_pupils_parents_and_other_schools_teachers_get_nothing(cast, path: str) -> None:
    classes = {
        "two_oak": Class.objects.get(school=cast.primary, name="2 Oak").pk,
        "four_oak": cast.four_oak.pk,
        "reception": Class.objects.get(school=cast.primary, name="Reception Oak").pk,
    }
    url = f"/school/{cast.primary.urn}/statutory/" + path.format(**classes)
    for username in ("pupil", "parent", "otherteacher"):
        assert cast.client(username).get(url).status_code == cast.refused(username), (url, username)
    assert cast.client("primaryhead").get(url).status_code == 200


def test_teacher_sees_only_their_classes_and_their_checks(cast) -> None:
    client = cast.client("teacher")
    two_oak = Class.objects.get(school=cast.primary, name="2 Oak")
    assert (
        client.get(
            f"/school/{cast.primary.urn}/statutory/phonics/classes/{two_oak.pk}/"
        ).status_code
        == 404
    )
    # 4 Oak is a Year 4 class: no phonics page for it
    four = cast.four_oak.pk
    assert (
        client.get(f"/school/{cast.primary.urn}/statutory/phonics/classes/{four}/").status_code
        == 404
    )
    other = Class.objects.get(school=cast.other)
    assert (
        client.get(f"/school/{cast.other.urn}/statutory/mtc/classes/{other.pk}/").status_code == 404
    )
    assert (
        cast.client("otherteacher")
        .get(f"/school/{cast.primary.urn}/statutory/mtc/classes/{four}/")
        .status_code
        == 404
    )


def test_teaching_assistant_records_only_for_their_groups(cast) -> None:
    client = cast.client("ta")
    pupils = class_pupils(cast.four_oak)
    from nextsteps.access import recordable_pupil_ids

    allowed = recordable_pupil_ids(cast.user("ta"), cast.four_oak) or set()
    outside = next(p for p in pupils if p.pk not in allowed)
    url = f"/school/{cast.primary.urn}/statutory/mtc/classes/{cast.four_oak.pk}/"
    client.post(url, {f"score-{outside.pk}": "12"})
    assert not MtcResult.objects.filter(pupil=outside, academic_year=_year(cast)).exists()


def test_item_level_marks_set_the_mark(cast) -> None:
    client, one_oak = _teacher_of(cast, "1 Oak", "y1items")
    year = one_oak.academic_year.name
    base = f"/school/{cast.primary.urn}/statutory/phonics/classes/{one_oak.pk}/"
    words = {f"kind-{p}": ("pseudo" if p <= 20 else "real") for p in range(1, 41)}
    assert client.post(base + "words/", words).status_code == 302
    pupil = class_pupils(one_oak)[0]
    response = client.post(
        base + f"pupils/{pupil.pk}/", {"correct": [str(p) for p in range(1, 31)]}
    )
    assert response.status_code == 302
    result = PhonicsResult.objects.get(pupil=pupil, academic_year=year)
    assert result.mark == 30 and result.items.filter(correct=False).count() == 10


@pytest.mark.parametrize(
    "name,check", [("2 Oak", "phonics"), ("4 Oak", "mtc"), ("Reception Oak", "baseline")]
)
def test_class_pages_have_a_query_budget(cast, django_assert_max_num_queries, name, check) -> None:
    teaching_class = Class.objects.get(school=cast.primary, name=name)
    client = cast.client("primaryhead")
    url = f"/school/{cast.primary.urn}/statutory/{check}/classes/{teaching_class.pk}/"
    client.get(url)  # warm the session and caches
    # 29 pupils: 9 (MTC, baseline) to 14 (a Year 2 class: two years' results and word lists),
    # sign-in, access and the class included; the count does not grow with the pupils.
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_summary_has_a_query_budget(cast, django_assert_max_num_queries) -> None:
    client = cast.client("primaryhead")
    url = f"/school/{cast.primary.urn}/statutory/"
    client.get(url)
    # 12: sign-in and access, the classes of each check, one query per check for every year.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_demo_is_idempotent(cast) -> None:
    from nextsteps.statutory import demo

    counts = (
        PhonicsResult.objects.count(),
        MtcResult.objects.count(),
        BaselineRecord.objects.count(),
    )
    assert all(counts)
    demo.build_demo_data(primary=cast.primary, secondary=cast.secondary, today=timezone.localdate())
    assert counts == (
        PhonicsResult.objects.count(),
        MtcResult.objects.count(),
        BaselineRecord.objects.count(),
    )
    year = Class.objects.get(pk=cast.four_oak.pk).academic_year.name
    reception = Pupil.objects.filter(school=cast.primary, year_group=0).count()
    administered = BaselineRecord.objects.filter(
        school=cast.primary, academic_year=year, administered_on__isnull=False
    ).count()
    assert reception * 0.8 < administered < reception
