"""`{% component %}`: a template include that wraps the markup written between its tags.

    {% component "data_table" caption=_("Tests, most recent first") %}
      <thead>…</thead><tbody>…</tbody>
    {% endcomponent %}

renders `web/components/data_table.html` with the keyword arguments, the inner markup as
`content`, and each `{% slot "name" %}…{% endslot %}` inside as a variable of that name
(the chart puts its picture in `content` and its data table in a slot; slots stand directly
inside the component). Components that wrap
nothing are plain includes: `{% include "web/components/button.html" with … %}`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import mark_safe

register = template.Library()


class SlotNode(Node):
    """A named piece of a component's markup; renders nothing where it stands."""

    def __init__(self, name: str, nodelist: NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        return ""


class ComponentNode(Node):
    def __init__(
        self, name: FilterExpression, kwargs: dict[str, FilterExpression], nodelist: NodeList
    ) -> None:
        self.name = name
        self.kwargs = kwargs
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        values: dict[str, Any] = {key: value.resolve(context) for key, value in self.kwargs.items()}
        for slot in (node for node in self.nodelist if isinstance(node, SlotNode)):
            values[slot.name] = mark_safe(slot.nodelist.render(context))  # noqa: S308 - rendered template
        values["content"] = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered template
        name = self.name.resolve(context)
        component = context.template.engine.get_template(f"web/components/{name}.html")  # type: ignore[union-attr]
        with context.push(**values):
            return component.render(context)


@register.tag
def component(parser: Parser, token: Token) -> ComponentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% component %} needs the component's name")
    kwargs = template.base.token_kwargs(bits[2:], parser)
    if len(kwargs) != len(bits) - 2:
        raise template.TemplateSyntaxError("{% component %} takes name=value arguments only")
    nodelist = parser.parse(("endcomponent",))
    parser.delete_first_token()
    return ComponentNode(parser.compile_filter(bits[1]), kwargs, nodelist)


@register.tag
def slot(parser: Parser, token: Token) -> SlotNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% slot "name" %} needs one quoted name')
    nodelist = parser.parse(("endslot",))
    parser.delete_first_token()
    return SlotNode(bits[1][1:-1], nodelist)
