"""Who may see a case and who may run which transition on it.

Roles are auth groups (``Role``); their reach is the user's ``StaffMembership`` rows, each of
which may narrow the roles that apply in its organisation:
handlers and approvers reach the cases of their units (or every unit, with ``all_units``)
and the cases assigned to them; registry staff the cases they registered; the social
ombudsman the cases they assisted with the client's consent (read-only). Administrators
configure; they see no case content through the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Model, Q

from complaints.choices import Role

if TYPE_CHECKING:
    from complaints.models import Complaint


# Who may run each transition (api.md, "who"); scope is checked on top.
TRANSITION_ROLES: dict[str, frozenset[str]] = {
    "accept": frozenset({Role.HANDLER, Role.APPROVER}),
    "transfer": frozenset({Role.HANDLER, Role.APPROVER}),
    "merge": frozenset({Role.HANDLER, Role.APPROVER}),
    "withdraw": frozenset({Role.HANDLER, Role.APPROVER, Role.REGISTRY}),
    "extend": frozenset({Role.HANDLER, Role.APPROVER}),
    "submit_reply": frozenset({Role.HANDLER}),
    "return_reply": frozenset({Role.APPROVER}),
    "approve_reply": frozenset({Role.APPROVER}),
    "close": frozenset({Role.HANDLER, Role.APPROVER}),
}
HANDLING_ROLES = frozenset({Role.HANDLER, Role.APPROVER})
# The staff who work with cases: they register, handle and approve, use the queue, print
# the letters to post, and see everything the complainant gave.
CASEWORK_ROLES = frozenset({Role.HANDLER, Role.APPROVER, Role.REGISTRY})
CONTENT_ROLES = CASEWORK_ROLES


def roles_of(user: Any) -> frozenset[str]:
    """The user's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_muistutus_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(names & set(Role.values))
        user._muistutus_roles = cached
    return cached


@dataclass(frozen=True)
class Reach:
    """One membership: which units, and which of the user's roles apply in that organisation."""

    all_units: bool
    units: frozenset[int]
    roles: frozenset[str] | None  # None: every role the user has

    def allows(self, role: str) -> bool:
        return self.roles is None or role in self.roles


def memberships_of(user: Any) -> dict[int, Reach]:
    """organisation id → the user's reach there, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return {}  # someone not signed in (the admin's sign-in page asks too)
    cached: dict[int, Reach] | None = getattr(user, "_muistutus_memberships", None)
    if cached is None:
        from complaints.models import StaffMembership

        # One query: a membership's row repeats once per unit (no unit: one row, unit None).
        units: dict[int, set[int]] = {}
        settings_of: dict[int, tuple[bool, list[str]]] = {}
        for organisation_id, all_units, roles, unit_id in StaffMembership.objects.filter(
            user=user
        ).values_list("organisation_id", "all_units", "roles", "units__id"):
            settings_of[organisation_id] = (all_units, roles)
            found = units.setdefault(organisation_id, set())
            if unit_id is not None:
                found.add(unit_id)
        cached = {
            organisation_id: Reach(
                all_units=all_units,
                units=frozenset(units[organisation_id]),
                roles=frozenset(roles) if roles else None,
            )
            for organisation_id, (all_units, roles) in settings_of.items()
        }
        user._muistutus_memberships = cached
    return cached


def roles_in(user: Any, organisation_id: int) -> frozenset[str]:
    """The user's roles that apply in this organisation (none without a membership there)."""
    if not roles_of(user):
        return frozenset()
    reach = memberships_of(user).get(organisation_id)
    if reach is None:
        return frozenset()
    return frozenset(role for role in roles_of(user) if reach.allows(role))


def _handles(user: Any, role: str, complaint: Complaint) -> bool:
    reach = memberships_of(user).get(complaint.organisation_id)
    if reach is None or not reach.allows(role):
        return False
    return (
        complaint.handler_id == user.pk
        or reach.all_units
        or complaint.service_unit_id in reach.units
    )


def role_reaches(user: Any, role: str, complaint: Complaint) -> bool:
    if role in HANDLING_ROLES:
        return _handles(user, role, complaint)
    if role == Role.REGISTRY:
        return complaint.created_by_id == user.pk
    if role == Role.OMBUDSMAN:
        return complaint.assisted_by_id == user.pk and complaint.ombudsman_consent
    return False


def can_see(user: Any, complaint: Complaint) -> bool:
    return any(role_reaches(user, role, complaint) for role in roles_of(user))


def can_see_content(user: Any, complaint: Complaint) -> bool:
    """Everything the complainant gave; the ombudsman's reach shows status and dates only."""
    return any(role_reaches(user, role, complaint) for role in roles_of(user) & CONTENT_ROLES)


def can_handle(user: Any, complaint: Complaint) -> bool:
    """May work on the case: notes, statements, the reply draft (handlers and approvers)."""
    return any(role_reaches(user, role, complaint) for role in roles_of(user) & HANDLING_ROLES)


def can_run(user: Any, complaint: Complaint, name: str) -> bool:
    allowed = TRANSITION_ROLES[name] & roles_of(user)
    if not any(role_reaches(user, role, complaint) for role in allowed):
        return False
    if name == "approve_reply":
        # Four eyes: never the user who submitted the reply now awaiting approval.
        return not complaint.replies.filter(decision="pending", submitted_by=user).exists()
    return True


def may_transition(name: str) -> Callable[[Model, Any], bool]:
    """A django-fsm ``permission=`` callable for the named transition."""

    def permission(instance: Model, user: Any) -> bool:
        return can_run(user, cast("Complaint", instance), name)

    permission.__name__ = f"may_{name}"
    return permission


def handling_filter(user: Any) -> Q:
    """The cases the user reaches as a handler or approver (their units, every unit where
    the membership says so, and the cases assigned to them); matches nothing by default."""
    roles = roles_of(user) & HANDLING_ROLES
    condition = Q(pk__in=[])
    if not roles:
        return condition
    for organisation_id, reach in memberships_of(user).items():
        if not any(reach.allows(role) for role in roles):
            continue
        in_org = Q(organisation_id=organisation_id)
        if reach.all_units:
            condition |= in_org
        else:
            condition |= in_org & (Q(service_unit_id__in=reach.units) | Q(handler_id=user.pk))
    return condition


# The roles through which ``visible_filter`` shows cases beyond ``handling_filter``.
SEEING_BEYOND_HANDLING = frozenset({Role.REGISTRY, Role.OMBUDSMAN})


def visible_filter(user: Any) -> Q:
    """A filter selecting exactly the cases ``can_see`` allows; matches nothing by default."""
    roles = roles_of(user)
    condition = handling_filter(user)
    if Role.REGISTRY in roles:
        condition |= Q(created_by_id=user.pk)
    if Role.OMBUDSMAN in roles:
        condition |= Q(assisted_by_id=user.pk, ombudsman_consent=True)
    return condition
