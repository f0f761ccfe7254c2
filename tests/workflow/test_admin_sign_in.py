"""Administering an organisation is enough to enter the admin (complaints/admin_site.py).

The very-overdue notice sends an organisation's administrators to its admin page; Django's
own site asked for ``is_staff`` as well, which only a superuser sets, and turned them away.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from complaints.choices import Role, Status
from tests.factories import ComplaintFactory, OrganisationFactory, staff_user

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


def test_model_permissions_stay_with_django_staff(client, org):
    # A superuser gave the handler group Django's case and outbox permissions (the demo
    # does the former): for an administrator who is also a handler they stay inert, as
    # they were before administering opened the sign-in, because they reach every
    # organisation.
    handlers = Group.objects.get_or_create(name=Role.HANDLER)[0]
    handlers.permissions.add(
        *Permission.objects.filter(
            codename__in=["view_complaint", "change_complaint", "view_notification"]
        )
    )
    user = staff_user("molemmat", Role.ADMIN, Role.HANDLER, organisation=org)
    client.force_login(user)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert [app["app_label"] for app in index.context["app_list"]] == ["complaints"]
    models = {model["object_name"] for model in index.context["app_list"][0]["models"]}
    assert models == {"Organisation", "ServiceUnit", "StaffMembership"}
    for page in ("complaints_complaint", "notifications_notification"):
        assert client.get(reverse(f"admin:{page}_changelist")).status_code == 403
    # Also the pages an admin class adds of its own, such as django-fsm's transition form,
    # which asks for no permission: the case is theirs to handle, but not through here.
    case = ComplaintFactory.in_state(Status.RECEIVED, organisation=org)
    transition = reverse("admin:complaints_complaint_transition", args=[case.pk, "accept"])
    assert client.get(transition).status_code == 403
    assert client.post(transition).status_code == 403
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    # With the flag a superuser gives, Django's rules apply as on its own site.
    user.is_staff = True
    user.save()
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200


def test_a_superuser_needs_is_staff_as_on_djangos_own_site(client, django_user_model, org):
    root = django_user_model.objects.create_superuser("root", password="pw")
    root.is_staff = False
    root.save()
    assert _sign_in(client, "root", reverse("admin:index")).status_code == 200
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 302
