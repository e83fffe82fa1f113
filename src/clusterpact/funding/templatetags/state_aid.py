"""``{% load state_aid %}``: state-aid wording for templates."""

from django import template

from clusterpact.funding import messages

register = template.Library()


@register.filter
def legal_basis(text: str) -> str:
    """``{{ verdict.legal_basis|legal_basis }}``: the provision in the reader's language."""
    return messages.legal_basis(text or "")
