"""The staff navigation: only the pages this user's roles can open."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from complaints.admin_site import organisation_settings_reachable
from complaints.choices import Role
from complaints.permissions import CASEWORK_ROLES, roles_of

register = template.Library()


@register.simple_tag
def staff_links(user: Any) -> list[tuple[str, str]]:
    roles = roles_of(user)
    links = []
    if roles & CASEWORK_ROLES:
        links.append(("staff:queue", _("Case queue")))
    if roles & (CASEWORK_ROLES | {Role.OMBUDSMAN}):
        links.append(("staff:register", _("Register a muistutus")))
    if roles & CASEWORK_ROLES:
        links.append(("staff:post", _("Letters to post")))
    if Role.OMBUDSMAN in roles:
        links.append(("staff:assisted", _("Cases I assisted")))
    if Role.ADMIN in roles or getattr(user, "is_superuser", False):
        links.append(("staff:access_log", _("Access log")))
        # Inside the group check, so that other staff's pages do not read memberships.
        if organisation_settings_reachable(user):
            links.append(("admin:index", _("Organisation settings")))
    return links
