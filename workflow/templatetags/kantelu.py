"""``{% kantelu as k %}`` in letters to or about the supervisory authority (workflow.kantelu)."""

from __future__ import annotations

from typing import Any

from django import template

from complaints.models import AuthorityRequest
from workflow.kantelu import (
    Kantelu,
    authority_request_answered_last,
    authority_statement_signer,
    kantelu_facts,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def kantelu(context: dict[str, Any]) -> Kantelu:
    return kantelu_facts(complaint=context["case"], on=context["date"])


@register.simple_tag(takes_context=True)
def authority_request(context: dict[str, Any]) -> AuthorityRequest | None:
    return authority_request_answered_last(complaint=context["case"])


@register.simple_tag(takes_context=True)
def statement_signer(context: dict[str, Any]) -> str:
    return authority_statement_signer(complaint=context["case"])
