"""What a school calls the teams that answer the key questions.

A secondary school has departments, each led by a head of department; a primary school has
subjects, each led by a subject leader (one teacher may lead several). The policy pages word
themselves by the school's phase through `words_for`, so no page asks the phase itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from nextsteps.schools.models import School


@dataclass(frozen=True)
class TeamWords:
    """The words for a school's teams, lower case and capitalised (for a heading or a
    sentence's start), one and many, and for the person who leads one."""

    one: str
    many: str
    One: str  # noqa: N815 - the capitalised form, read as a word in templates
    Many: str  # noqa: N815
    lead: str
    leads: str


def words_for(school: School) -> TeamWords:
    """Subjects and subject leaders for a primary school; departments and heads of department
    for any other (secondary and all-through schools organise by department)."""
    if school.phase == School.Phase.PRIMARY:
        return TeamWords(
            one=_("subject"),
            many=_("subjects"),
            One=_("Subject"),
            Many=_("Subjects"),
            lead=_("subject leader"),
            leads=_("subject leaders"),
        )
    return TeamWords(
        one=_("department"),
        many=_("departments"),
        One=_("Department"),
        Many=_("Departments"),
        lead=_("head of department"),
        leads=_("heads of department"),
    )
