"""Template helpers shared by every page."""

from django import template
from django.utils.http import urlencode

register = template.Library()

_CLASS_BY_WIDGET = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.filter
def add_field_class(bound_field):
    """Render a form field with Bootstrap Italia's classes and accessible error attributes."""
    widget = bound_field.field.widget
    css = _CLASS_BY_WIDGET.get(bound_field.widget_type, "form-control")
    attrs = {}
    if css:
        attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.id_for_label}-help")
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["class"] = attrs.get("class", "") + " is-invalid"
        described.append(f"{bound_field.id_for_label}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def sort_link(sort_query, current, key):
    """Query string to sort by `key`, toggling direction when already sorted by it."""
    target = f"-{key}" if current == key else key
    prefix = f"{sort_query}&" if sort_query else ""
    return f"?{prefix}{urlencode({'sort': target})}"


@register.simple_tag
def aria_sort(current, key):
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"
