"""Data drops counted from the calendar: warnings where points are made and on the workload
page, for the departments a person may see, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt

from nextsteps.markbook.models import AssessmentPoint
from nextsteps.markbook.services import assessment_point_create
from nextsteps.policy.kernels.drops import year_name
from nextsteps.policy.models import PolicySettings
from tests.conftest import Cast
from tests.policy.helpers import (
    KINGSMEAD,
    answer_url,
    client_for,
    demo_year_start,
    department,
    head_of,
)

POINTS = f"/school/{KINGSMEAD}/markbook/points/"
WORKLOAD = f"/school/{KINGSMEAD}/policy/workload/"


def science_fortnight(year: int) -> str:
    return f"1 Dec {year} and 11 Dec {year} are 10 days apart"


def test_the_workload_page_counts_each_departments_drops_from_the_calendar(cast: Cast) -> None:
    year = demo_year_start()
    text = cast.client("leader").get(WORKLOAD).content.decode()
    science = text[text.index(">Science</h2>") :]
    science = science[: science.index("</section>")]
    assert "4 drops scheduled, against a limit of 3 a year." in science
    assert "Topic 2 test (1 Dec" in science
    assert science_fortnight(year) in science
    assert f"4 drops in {year_name(year)} (16 Oct {year}, 1 Dec {year}, 11 Dec {year}" in science
    maths = text[text.index(">Mathematics</h2>") :]
    maths = maths[: maths.index("</section>")]
    assert "3 drops scheduled" in maths
    assert "Within the rules" in maths
    assert "Two drops within a fortnight" not in maths
    # The rule, with its source, beside the figures.
    assert "Making data work: report of the Teacher Workload Advisory Group" in text
    assert "teacher-workload-advisory-group-report-and-government-response" in text


def test_the_whole_school_calendar_is_checked_for_leaders(cast: Cast) -> None:
    year = demo_year_start()
    client = cast.client("leader")
    text = client.get(WORKLOAD).content.decode()
    whole = text[text.index('id="workload-school"') :]
    whole = whole[: whole.index("</section>")]
    assert "Within the rules" in whole
    assert_point = dt.date(year, 9, 20)  # five days after the start-of-year baseline
    assessment_point_create(school_id=cast.secondary.pk, name="Extra", date=assert_point, by=None)
    whole = client.get(WORKLOAD).content.decode()
    whole = whole[whole.index('id="workload-school"') :]
    assert f"15 Sep {year} and 20 Sep {year} are 5 days apart" in whole[: whole.index("</section>")]


def test_a_head_of_department_sees_only_their_departments_drops(cast: Cast) -> None:
    year = demo_year_start()
    maths = client_for(head_of(cast, "Mathematics")).get(WORKLOAD).content.decode()
    assert ">Mathematics</h2>" in maths
    assert science_fortnight(year) not in maths
    assert 'id="workload-school"' not in maths  # the whole school's calendar is for leaders
    science = client_for(head_of(cast, "Science")).get(WORKLOAD).content.decode()
    assert science_fortnight(year) in science
    points = client_for(head_of(cast, "Mathematics")).get(POINTS).content.decode()
    assert science_fortnight(year) not in points


def test_teachers_pupils_and_other_schools_do_not_see_drops(cast: Cast) -> None:
    for persona in ("teacher", "pupil", "parent", "otherteacher"):
        assert cast.client(persona).get(WORKLOAD).status_code == 404, persona
        assert cast.client(persona).get(POINTS).status_code == 404, persona


def test_the_workload_pages_queries_do_not_grow_with_the_calendar(
    cast: Cast, django_assert_max_num_queries
) -> None:
    client = cast.client("leader")
    year = demo_year_start()
    for department_name in ("English", "History", "Geography"):
        owner = department(cast, department_name)
        for month, day in ((10, 1), (11, 2), (1, 10), (5, 5), (6, 30)):
            assessment_point_create(
                school_id=cast.secondary.pk,
                name=f"{department_name} {month}-{day}",
                date=dt.date(year + (month < 9), month, day),
                by=None,
                department_id=owner.pk,
            )
    # Session, user, second factor, memberships, seeding, settings, departments, academic
    # year, points (1), expectations, answers, class sizes, department settings, layout (1):
    # 14, however many points and departments the calendar holds.
    with django_assert_max_num_queries(14):
        page = client.get(WORKLOAD)
    assert page.content.decode().count("over the limit of 3 a year") == 4  # three more + science
    # The points page: the same reads for the warnings, then the list and the form's choices.
    with django_assert_max_num_queries(11):
        listed = client.get(POINTS)
    assert listed.content.decode().count("over the limit of 3 a year") == 4


def test_the_points_list_names_the_warnings_and_the_rule(cast: Cast) -> None:
    year = demo_year_start()
    text = client_for(head_of(cast, "Science")).get(POINTS).content.decode()
    assert "Data drops to look at" in text
    assert science_fortnight(year) in text
    assert "the policy asks for at least 14 days between drops" in text
    assert "At most 3 data drops a year, after" in text


def test_a_point_within_a_fortnight_is_warned_about_before_it_is_saved(cast: Cast) -> None:
    year = demo_year_start()
    science = department(cast, "Science")
    client = client_for(head_of(cast, "Science"))
    form = {"name": "Electricity quiz", "date": f"{year}-10-23", "department": science.pk}
    page = client.post(POINTS, form)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Before you add it" in text
    assert f"16 Oct {year} and 23 Oct {year} are 7 days apart" in text
    assert f"5 drops in {year_name(year)}" in text
    assert not AssessmentPoint.objects.filter(name="Electricity quiz").exists()
    saved = client.post(POINTS, {**form, "confirm": "1"})
    assert saved.status_code == 302
    assert AssessmentPoint.objects.get(name="Electricity quiz").department == science


def test_a_point_within_the_rules_is_saved_at_once(cast: Cast) -> None:
    year = demo_year_start()
    maths = department(cast, "Mathematics")
    AssessmentPoint.objects.filter(department=maths, name="Summer assessment point").delete()
    response = client_for(head_of(cast, "Mathematics")).post(
        POINTS, {"name": "Summer test", "date": f"{year + 1}-06-20", "department": maths.pk}
    )
    assert response.status_code == 302
    assert AssessmentPoint.objects.filter(department=maths, name="Summer test").exists()


def test_the_schools_own_limit_replaces_the_default(cast: Cast) -> None:
    year = demo_year_start()
    client = cast.client("leader")
    response = client.post(
        WORKLOAD,
        {"workload_limit_hours": "3.0", "review_interval_months": "6", "data_drops_limit": "4"},
    )
    assert response.status_code == 302
    assert PolicySettings.objects.get(school=cast.secondary).data_drops_limit == 4
    text = client.get(WORKLOAD).content.decode()
    assert "over the limit" not in text  # science's four drops are within four
    assert science_fortnight(year) in text  # the fortnight still holds
    assert "The school's policy sets a limit of 4 data drops a year." in text
    refused = client.post(
        WORKLOAD,
        {"workload_limit_hours": "3.0", "review_interval_months": "6", "data_drops_limit": "40"},
    )
    assert "Ensure this value is less than or equal to 12" in refused.content.decode()
    assert PolicySettings.objects.get(school=cast.secondary).data_drops_limit == 4


def test_a_year_with_no_rule_is_named_not_guessed(cast: Cast) -> None:
    maths = department(cast, "Mathematics")
    page = client_for(head_of(cast, "Mathematics")).post(
        POINTS, {"name": "Old point", "date": "2017-10-02", "department": maths.pk}
    )
    text = page.content.decode()
    assert "No data-drop rule for 2017/18: the earliest rule takes effect in 2018/19." in text
    assert not AssessmentPoint.objects.filter(name="Old point").exists()


def test_the_answer_on_data_collection_warns_about_the_points_it_plans(cast: Cast) -> None:
    year = demo_year_start()
    science = client_for(head_of(cast, "Science"))
    text = science.get(answer_url(cast, "Science", "data-collection")).content.decode()
    assert "The points saved last break the data-drop rules" in text
    # Science plans five topic tests: 17 Oct, 10 Dec, 6 Feb, 24 Mar, 19 Jun.
    assert f"5 drops in {year_name(year)} (17 Oct {year}, 10 Dec {year}" in text
    maths = client_for(head_of(cast, "Mathematics"))
    text = maths.get(answer_url(cast, "Mathematics", "data-collection")).content.decode()
    assert "The points saved last break the data-drop rules" not in text
