"""`{% portal_form_fields "purpose" %}`: the hidden fields that `core.portal_forms.portal_form` checks."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core import portal_forms

register = template.Library()


@register.simple_tag
def portal_form_fields(purpose: str):
    """A fresh signed form token and the honeypot (hidden from people and from screen readers)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">'
        '<div class="d-none" aria-hidden="true"><label for="id-{}-{}">{}</label>'
        '<input type="text" id="id-{}-{}" name="{}" value="" tabindex="-1" autocomplete="off"></div>',
        portal_forms.TOKEN_FIELD,
        portal_forms.make_token(purpose),
        purpose,
        portal_forms.HONEYPOT_FIELD,
        _("Leave this field empty"),
        purpose,
        portal_forms.HONEYPOT_FIELD,
        portal_forms.HONEYPOT_FIELD,
    )
