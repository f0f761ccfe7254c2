"""Administering an organisation is enough to enter the admin (complaints/admin_site.py).

The very-overdue notice sends an organisation's administrators to its admin page; Django's
own site asked for ``is_staff`` as well, which only a superuser sets, and turned them away.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from complaints.choices import Role
from tests.factories import OrganisationFactory, staff_user

LOGIN = reverse("admin:login")


def _organisation_page(org: Any) -> str:
    return reverse("admin:complaints_organisation_change", args=[org.pk])


def _sign_in(client: Any, username: str, next_page: str) -> Any:
    return client.post(
        f"{LOGIN}?next={next_page}", {"username": username, "password": "pw", "next": next_page}
    )


def test_an_administrator_without_is_staff_signs_in_to_their_organisation(client, org):
    staff_user("yllapitaja", Role.ADMIN, organisation=org)
    page = _organisation_page(org)
    assert client.get(page).status_code == 302  # to the sign-in first
    answer = _sign_in(client, "yllapitaja", page)
    assert answer.status_code == 302
    assert answer["Location"] == page
    assert client.get(page).status_code == 200


def test_the_admin_stays_closed_to_other_staff_without_is_staff(client, org):
    user = staff_user("kasittelija", Role.HANDLER, organisation=org)
    answer = _sign_in(client, "kasittelija", reverse("admin:index"))
    assert answer.status_code == 200  # the form again, with Django's own message
    assert answer.context["form"].errors
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_administrator_whose_membership_applies_other_roles_stays_out(client, org):
    user = staff_user("rekisteri", Role.ADMIN, Role.REGISTRY, organisation=org)
    user.memberships.update(roles=[Role.REGISTRY])
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_inactive_administrator_stays_out(client, org):
    user = staff_user("entinen", Role.ADMIN, organisation=org)
    user.is_active = False
    user.save()
    assert _sign_in(client, "entinen", reverse("admin:index")).status_code == 200
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_inside_an_administrator_still_reaches_only_their_own_organisation(client, org):
    tornio = OrganisationFactory(slug="tornio", reference_prefix="TOR")
    client.force_login(staff_user("yllapitaja", Role.ADMIN, organisation=org))
    assert client.get(_organisation_page(org)).status_code == 200
    assert client.get(_organisation_page(tornio)).status_code == 302  # "does not exist"
    # Models outside admin_scope keep Django's model permissions.
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_django_staff_keep_their_sign_in(client, db):
    user = staff_user("tuki", Role.HANDLER)
    user.is_staff = True
    user.save()
    assert _sign_in(client, "tuki", reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
