"""Template helpers for the policy pages: glossary links and status badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from nextsteps.policy.kernels import glossary

register = template.Library()

STATUS_STYLES = {
    "agreed": "status-agreed",
    "submitted": "status-submitted",
    "changes_requested": "status-changes",
    "draft": "status-draft",
    "": "status-none",
}


def _href(context: template.Context, key: str) -> str:
    if context.get("in_document"):
        return f"#term-{key}"  # the published policy carries its own glossary
    school = context["school"]
    return reverse("policy_glossary", kwargs={"urn": school.urn}) + f"#term-{key}"


@register.simple_tag(takes_context=True)
def term(context: template.Context, key: str, text: str = "") -> SafeString:
    """A link to a glossary entry: {% term "moderation" %}, or with other words:
    {% term "moderation" "moderated" %}."""
    entry = glossary.by_key()[key]
    return format_html(
        '<a class="glossary-term" href="{}">{}</a>',
        _href(context, key),
        text or entry.term.lower(),
    )


@register.simple_tag(takes_context=True)
def glossary_text(context: template.Context, text: str) -> SafeString:
    """Plain text as paragraphs, with the first use of each glossary term linked."""
    # paragraphs_html escapes every piece of the text itself.
    return mark_safe(glossary.paragraphs_html(text or "", lambda key: _href(context, key)))  # noqa: S308


@register.filter
def status_class(status: Any) -> str:
    return STATUS_STYLES.get(str(status or ""), "status-none")


@register.inclusion_tag("policy/includes/tabs.html", takes_context=True)
def policy_tabs(context: template.Context, active: str) -> dict[str, Any]:
    """The policy area's sections this person can open, with the current one marked."""
    from django.utils.translation import gettext as _

    from nextsteps.policy import permissions

    request, school = context["request"], context["school"]
    opens = permissions.sections(request.user, school)
    leader, worker = opens.leads, opens.works
    urn = school.urn

    def link(name: str, label: str, url_name: str, **kwargs: Any) -> dict[str, str]:
        return {
            "name": name,
            "label": label,
            "url": reverse(url_name, kwargs={"urn": urn, **kwargs}),
        }

    tabs = []
    if worker:
        tabs.append(link("home", _("Overview") if leader else _("My department"), "policy_home"))
        tabs.append(link("questions", _("Key questions"), "policy_questions"))
    if leader:
        tabs.append(link("synthesis", _("Compare and decide"), "policy_synthesis_list"))
    if worker:
        tabs.append(link("workload", _("Workload"), "policy_workload"))
        tabs.append(link("reviews", _("Reviews"), "policy_reviews"))
    tabs.append(link("published", _("Published policy"), "policy_published"))
    tabs.append(link("glossary", _("Glossary"), "policy_glossary"))
    if opens.plans:
        tabs.append(link("planning", _("Planning"), "planning_home"))
    return {"tabs": tabs, "active": active}


@register.filter
def method_words(framework: Any) -> str:
    """A framework's calculation method in words, with its setting."""
    from nextsteps.policy.structures import method_label

    return method_label(framework.calculation_method, framework.calculation_parameter)


@register.simple_tag
def team_words(school: Any) -> Any:
    """`{% team_words school as words %}`: "department" or "subject" by the school's phase."""
    from nextsteps.policy.wording import words_for

    return words_for(school)
