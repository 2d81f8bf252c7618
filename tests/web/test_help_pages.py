"""The getting-started guide, the style page, the components and the help in each area."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError

from nextsteps.web.style_guide import EXAMPLES
from tests.conftest import Cast


def links_in(html: str) -> list[str]:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return sorted(set(re.findall(r'href="([^"#]+)(?:#[^"]*)?"', main)))


def test_admin_home_links_to_the_getting_started_guide(cast: Cast) -> None:
    page = cast.client("admin").get(f"/school/{cast.primary.urn}/admin/").content.decode()
    assert f'href="/school/{cast.primary.urn}/getting-started/"' in page


@pytest.mark.parametrize("username", ["admin", "primaryhead"])
def test_every_link_in_the_getting_started_guide_opens_a_page(cast: Cast, username: str) -> None:
    client = cast.client(username)
    response = client.get(f"/school/{cast.primary.urn}/getting-started/")
    assert response.status_code == 200
    page = response.content.decode()
    links = links_in(page)
    # Import, frameworks, policy, accounts, markbooks and what parents read are all linked.
    for needed in ("/frameworks/", "/policy/", "/markbook/points/", "/markbook/classes/"):
        assert any(needed in link for link in links), needed
    if username == "admin":
        for needed in ("#oneroster-heading", "#ctf-heading", "#sheet-heading"):
            assert f'href="/school/{cast.primary.urn}/data/{needed}"' in page, needed
    for link in links:
        assert client.get(link, follow=True).status_code == 200, link


def test_getting_started_guide_shows_how_far_the_school_has_come(cast: Cast) -> None:
    page = cast.client("admin").get(f"/school/{cast.primary.urn}/getting-started/")
    text = page.content.decode()
    progress = page.context["progress"]
    assert progress["pupils"] > 0 and progress["judgements"] > 0
    assert f"{progress['pupils']} pupils in {len(progress['classes'])} classes so far." in text
    assert "Started" in text  # said in words, not only by colour


@pytest.mark.parametrize("username", ["teacher", "ta", "pupil", "parent", "otherteacher"])
def test_getting_started_guide_is_for_data_managers_and_leaders(cast: Cast, username: str) -> None:
    status = cast.client(username).get(f"/school/{cast.primary.urn}/getting-started/").status_code
    assert status == cast.refused(username)


@pytest.mark.parametrize("username", ["admin", "primaryhead", "teacher", "ta"])
def test_style_page_shows_every_component_live_with_its_snippet(cast: Cast, username: str) -> None:
    response = cast.client(username).get(f"/school/{cast.primary.urn}/style/")
    assert response.status_code == 200
    page = response.content.decode()
    for example in EXAMPLES:
        assert f'id="{example.slug}"' in page
    # Live: the rendered component, and beside it the escaped snippet that made it.
    assert 'class="level-chip"' in page and "Enter a valid date." in page
    assert "&lt;details" not in page and "{% include &quot;web/components/button.html&quot;" in page
    assert '<details class="ns-help no-print">' in page
    assert 'aria-describedby="id_taken_on_helptext id_taken_on_error"' in page
    assert 'id="id_taken_on_error"' in page and 'id="id_taken_on_helptext"' in page


@pytest.mark.parametrize("username", ["pupil", "parent", "otherteacher"])
def test_style_page_is_for_staff(cast: Cast, username: str) -> None:
    assert cast.client(username).get(
        f"/school/{cast.primary.urn}/style/"
    ).status_code == cast.refused(username)


def test_component_wraps_its_content_and_fills_named_slots() -> None:
    template = Template(
        "{% load components %}"
        '{% component "chart" caption=title %}<svg></svg>'
        '{% slot "data" %}<table id="figures"></table>{% endslot %}{% endcomponent %}'
    )
    html = template.render(Context({"title": "Pupils at each level"}))
    assert "<figcaption" in html and "Pupils at each level" in html
    picture = html.split('class="ns-chart-picture">', 1)[1].split("</div>", 1)[0]
    assert picture == "<svg></svg>"  # the slot is not repeated in the picture
    assert html.index("Show the figures as a table") < html.index('id="figures"')


def test_component_refuses_positional_arguments() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template('{% load components %}{% component "notice" "oops" %}{% endcomponent %}')


AREA_PAGES = {  # the area's main page, and who opens it
    "markbook": ("teacher", "/school/{urn}/markbook/classes/{four_oak}/"),
    "feedback": ("teacher", "/school/{urn}/feedback/classes/{four_oak}/"),
    "assessments": ("teacher", "/school/{urn}/assessments/"),
    "progress": ("primaryhead", "/school/{urn}/progress/"),
    "judging": ("teacher", "/school/{urn}/judging/"),
    "policy": ("primaryhead", "/school/{urn}/policy/"),
    "data": ("admin", "/school/{urn}/data/"),
    "reports": ("primaryhead", "/school/{urn}/reports/"),
}


@pytest.mark.parametrize("area", sorted(AREA_PAGES))
def test_each_area_has_short_help_on_its_main_page(cast: Cast, area: str) -> None:
    username, path = AREA_PAGES[area]
    path = path.format(urn=cast.primary.urn, four_oak=cast.four_oak.pk)
    client = cast.client(username)
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert '<details class="ns-help no-print">' in text, f"no help panel on {path}"
    help_panel = text.split('<details class="ns-help', 1)[1].split("</details>", 1)[0]
    assert "<summary>How" in help_panel
    for link in re.findall(r'href="([^"#]+)"', help_panel):
        assert client.get(link, follow=True).status_code == 200, link
