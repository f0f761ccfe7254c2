"""Form rendering helpers: widgets that point to their hint and error (WCAG 1.3.1, 3.3.1)."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def widget(field: BoundField) -> SafeString:
    attrs: dict[str, str | bool] = {"class": "input-error"} if field.errors else {}
    if described := describedby(field):
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def error_target(field: BoundField) -> str:
    """The id the error summary links to: the first option of a group, else the input."""
    return f"{field.auto_id}_0" if is_choice_group(field) else str(field.auto_id)


@register.simple_tag
def fieldset_describedby(field: BoundField) -> str:
    return describedby(field)
