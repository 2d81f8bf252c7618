"""A teaching assistant's home: each group they support opens that group."""

from __future__ import annotations

import re

from django.urls import reverse

from nextsteps.teaching.models import PupilGroup
from tests.conftest import Cast


def test_a_tas_group_card_opens_the_group_in_the_markbook(cast: Cast) -> None:
    client = cast.client("ta")
    groups = list(PupilGroup.objects.filter(supporters__user__username="ta"))
    assert groups, "the cast's teaching assistant supports a group"
    content = client.get(f"/school/{cast.primary.urn}/ta/").content.decode()
    for group in groups:
        markbook = reverse(
            "markbook", kwargs={"urn": cast.primary.urn, "class_id": group.teaching_class_id}
        )
        href = f"{markbook}?group={group.pk}"
        assert f'href="{href}"' in content
        opened = client.get(href)
        assert opened.status_code == 200
        assert opened.context["book"].group == group
        shown = {row.pk for row in opened.context["book"].rows}
        members = set(group.memberships.values_list("pupil_id", flat=True))
        assert shown and shown <= members
    assert not re.search(r"\b1 pupils\b", content)
