"""Roles apply per organisation: a membership may narrow which of the user's roles reach it."""

from typing import Any

import pytest

from complaints.choices import Role
from complaints.models import Complaint, StaffMembership
from complaints.permissions import can_run, can_see, roles_in, visible_filter
from tests.factories import ComplaintFactory, OrganisationFactory, staff_user


@pytest.fixture
def two_hats(db: Any) -> tuple[Any, Any, Any]:
    """Handler in A; only registers post in B."""
    a, b = OrganisationFactory(), OrganisationFactory()
    user = staff_user("two-hats", Role.HANDLER, Role.REGISTRY, organisation=a, all_units=True)
    StaffMembership.objects.create(user=user, organisation=b, all_units=True, roles=["registry"])
    return user, a, b


def test_a_narrowed_membership_gives_no_handler_reach(two_hats: Any) -> None:
    user, a, b = two_hats
    in_a, in_b = ComplaintFactory(organisation=a), ComplaintFactory(organisation=b)

    assert roles_in(user, a.pk) == {Role.HANDLER, Role.REGISTRY}
    assert roles_in(user, b.pk) == {Role.REGISTRY}
    assert can_see(user, in_a)
    assert can_run(user, in_a, "accept")
    assert not can_see(user, in_b)
    assert not can_run(user, in_b, "accept")
    assert list(Complaint.objects.filter(visible_filter(user))) == [in_a]


def test_registry_reach_in_the_narrowed_organisation_is_what_they_registered(
    two_hats: Any,
) -> None:
    user, _a, b = two_hats
    registered = ComplaintFactory(organisation=b, created_by=user)

    assert can_see(user, registered)
    assert not can_run(user, registered, "accept")


def test_an_empty_role_list_means_every_role_of_the_user(db: Any) -> None:
    org = OrganisationFactory()
    user = staff_user("plain", Role.HANDLER, organisation=org, all_units=True)
    assert roles_in(user, org.pk) == {Role.HANDLER}
    assert roles_in(user, OrganisationFactory().pk) == frozenset()
