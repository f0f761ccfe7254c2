"""An organisation's administrators keep its settings, closure days, units and staff in the
admin, with no model permission; another organisation's stay out of their reach and sight."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from complaints.choices import Role
from complaints.models import ClosureDay, ServiceUnit, StaffMembership
from tests.admin_forms import admin_form_data
from tests.factories import OrganisationFactory, ServiceUnitFactory, staff_user


def _administrator(username: str, org: Any) -> Any:
    # No is_staff: administering is the admin's sign-in (test_admin_sign_in.py).
    return staff_user(username, Role.ADMIN, organisation=org)


@pytest.fixture
def tornio(db: Any) -> Any:
    return OrganisationFactory(slug="tornio", reference_prefix="TOR", name_fi="Tornio")


@pytest.fixture
def kemi_admin(client: Any, org: Any) -> Any:
    client.force_login(_administrator("yllapitaja", org))
    return client


def _change(model: str, pk: int) -> str:
    return reverse(f"admin:complaints_{model}_change", args=[pk])


def _listed(client: Any, model: str) -> set[int]:
    """The primary keys the change list links to."""
    page = client.get(reverse(f"admin:complaints_{model}_changelist"))
    assert page.status_code == 200
    return {row.pk for row in page.context["cl"].result_list}


def test_the_admin_sign_in_page_opens_for_someone_not_signed_in(client, db):
    # The site's menu asks every model's admin what the visitor may see, signed in or not.
    assert client.get(reverse("admin:login")).status_code == 200
    answer = client.get(_change("organisation", 1))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("admin:login"))


def test_an_administrator_sees_only_their_own_organisation(kemi_admin, org, tornio):
    assert _listed(kemi_admin, "organisation") == {org.pk}
    assert kemi_admin.get(_change("organisation", org.pk)).status_code == 200
    # Another organisation's page does not exist for them (Django redirects to the index).
    assert kemi_admin.get(_change("organisation", tornio.pk)).status_code == 302
    assert kemi_admin.get(reverse("admin:complaints_organisation_add")).status_code == 403
    delete = reverse("admin:complaints_organisation_delete", args=[org.pk])
    assert kemi_admin.get(delete).status_code == 403


def test_an_administrator_names_the_leading_official_from_their_own_staff(kemi_admin, org, tornio):
    colleague = staff_user("johtava", Role.HANDLER, organisation=org)
    stranger = staff_user("naapuri", Role.HANDLER, organisation=tornio)
    url = _change("organisation", org.pk)
    page = kemi_admin.get(url)
    offered = page.context["adminform"].form.fields["leading_official"].queryset
    assert colleague in offered
    assert stranger not in offered
    assert b'name="reference_prefix"' not in page.content  # identity fields are read-only

    data = admin_form_data(page)
    data["leading_official"] = stranger.pk
    refused = kemi_admin.post(url, data)
    assert refused.status_code == 200
    assert "leading_official" in refused.context["adminform"].form.errors

    data["leading_official"] = colleague.pk
    data["reference_prefix"] = "HACK"  # read-only: ignored
    data["retention_years"] = 0  # a superuser's: would anonymise every finished case
    assert kemi_admin.post(url, data).status_code == 302
    org.refresh_from_db()
    assert org.leading_official == colleague
    assert org.reference_prefix == "KEMI"
    assert org.retention_years == 10


def test_a_leading_official_named_by_a_superuser_is_kept_when_an_administrator_saves(
    kemi_admin, org
):
    named = staff_user("johtaja", Role.HANDLER)  # not on the organisation's staff
    org.leading_official = named
    org.save()
    url = _change("organisation", org.pk)
    page = kemi_admin.get(url)
    assert named in page.context["adminform"].form.fields["leading_official"].queryset
    assert kemi_admin.post(url, admin_form_data(page)).status_code == 302
    org.refresh_from_db()
    assert org.leading_official == named


def test_an_administrator_adds_a_closure_day(kemi_admin, org):
    url = _change("organisation", org.pk)
    page = kemi_admin.get(url)
    data = admin_form_data(page)
    (inline,) = page.context["inline_admin_formsets"]
    data[f"{inline.formset.prefix}-0-date"] = "2026-12-28"
    data[f"{inline.formset.prefix}-0-description"] = "Henkilöstöpäivä"
    response = kemi_admin.post(url, data)
    assert response.status_code == 302
    assert ClosureDay.objects.filter(organisation=org, date=date(2026, 12, 28)).exists()


def test_units_are_kept_within_the_organisation(kemi_admin, org, tornio, unit):
    theirs = ServiceUnitFactory(organisation=tornio, name_fi="Tornion kotihoito")
    assert _listed(kemi_admin, "serviceunit") == {unit.pk}
    assert kemi_admin.get(_change("serviceunit", theirs.pk)).status_code == 302

    add = reverse("admin:complaints_serviceunit_add")
    form = kemi_admin.get(add).context["adminform"].form
    assert list(form.fields["organisation"].queryset) == [org]
    refused = kemi_admin.post(add, {"organisation": tornio.pk, "name_fi": "Soluttautuja"})
    assert refused.status_code == 200
    assert not ServiceUnit.objects.filter(name_fi="Soluttautuja").exists()
    made = kemi_admin.post(add, {"organisation": org.pk, "name_fi": "Perhetyö", "active": "on"})
    assert made.status_code == 302
    assert ServiceUnit.objects.filter(organisation=org, name_fi="Perhetyö").exists()
    # Cases refer to units: an administrator deactivates one instead.
    delete = reverse("admin:complaints_serviceunit_delete", args=[unit.pk])
    assert kemi_admin.get(delete).status_code == 403


def test_a_unit_stays_in_its_organisation_and_takes_its_own_staff(client, org, tornio, unit):
    user = _administrator("molemmat", org)
    StaffMembership.objects.create(user=user, organisation=tornio)
    kemi_staff = staff_user("kemilainen", Role.HANDLER, organisation=org)
    tornio_staff = staff_user("torniolainen", Role.HANDLER, organisation=tornio)
    client.force_login(user)
    url = _change("serviceunit", unit.pk)
    page = client.get(url)
    offered = page.context["adminform"].form.fields["responsible_official"].queryset
    assert kemi_staff in offered
    assert tornio_staff not in offered

    data = admin_form_data(page)
    data["organisation"] = tornio.pk  # read-only once saved: ignored
    data["responsible_official"] = kemi_staff.pk
    assert client.post(url, data).status_code == 302
    unit.refresh_from_db()
    assert unit.organisation == org
    assert unit.responsible_official == kemi_staff


def test_memberships_are_kept_within_the_organisation(kemi_admin, org, tornio, unit):
    colleague = staff_user("kollega", Role.HANDLER, organisation=org)
    newcomer = staff_user("uusi", Role.HANDLER)  # a superuser places an account first
    stranger = staff_user("naapuri", Role.HANDLER, organisation=tornio)
    their_unit = ServiceUnitFactory(organisation=tornio)
    mine = StaffMembership.objects.get(user__username="yllapitaja")
    theirs = StaffMembership.objects.get(user=colleague)
    assert _listed(kemi_admin, "staffmembership") == {mine.pk, theirs.pk}
    assert kemi_admin.get(_change("staffmembership", _membership(stranger).pk)).status_code == 302

    add = reverse("admin:complaints_staffmembership_add")
    form = kemi_admin.get(add).context["adminform"].form
    assert set(form.fields["user"].queryset) == {colleague, mine.user}
    assert list(form.fields["units"].queryset) == [unit]
    for refused in (
        {"user": stranger.pk, "organisation": org.pk},
        {"user": newcomer.pk, "organisation": org.pk},
        {"user": colleague.pk, "organisation": tornio.pk},
    ):
        assert kemi_admin.post(add, refused).status_code == 200
    assert StaffMembership.objects.count() == 3

    url = _change("staffmembership", theirs.pk)
    data = admin_form_data(kemi_admin.get(url))
    data["units"] = [their_unit.pk]
    assert kemi_admin.post(url, data).status_code == 200
    data.update(units=[unit.pk], organisation=tornio.pk, user=stranger.pk)  # last two ignored
    assert kemi_admin.post(url, data).status_code == 302
    theirs.refresh_from_db()
    assert (theirs.user, theirs.organisation) == (colleague, org)
    assert list(theirs.units.all()) == [unit]


def _membership(user: Any) -> Any:
    return StaffMembership.objects.get(user=user)


def test_an_administrator_cannot_widen_their_own_membership(client, org, unit):
    user = _administrator("yllapitaja", org)
    user.groups.add(Group.objects.get_or_create(name=Role.HANDLER)[0])  # a handler elsewhere
    mine = _membership(user)
    mine.roles = [Role.ADMIN]
    mine.save()
    client.force_login(user)
    url = _change("staffmembership", mine.pk)
    assert client.get(url).status_code == 200  # they may read it
    assert client.post(url, {"all_units": "on", "units": [unit.pk]}).status_code == 403
    delete = reverse("admin:complaints_staffmembership_delete", args=[mine.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    mine.refresh_from_db()
    assert (mine.roles, mine.all_units) == ([Role.ADMIN], False)


def test_a_membership_takes_units_of_its_own_organisation_only(
    client, django_user_model, org, tornio, unit
):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    their_unit = ServiceUnitFactory(organisation=tornio)
    newcomer = staff_user("uusi", Role.HANDLER)
    add = reverse("admin:complaints_staffmembership_add")
    response = client.post(
        add, {"user": newcomer.pk, "organisation": org.pk, "units": [their_unit.pk]}
    )
    assert response.status_code == 200
    assert "units" in response.context["adminform"].form.errors


@pytest.mark.parametrize("role", [Role.HANDLER, Role.APPROVER, Role.REGISTRY])
def test_staff_who_do_not_administer_get_no_configuration(client, org, role):
    user = staff_user("kasittelija", role, organisation=org, all_units=True)
    user.is_staff = True
    user.save()
    client.force_login(user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "organisation" not in index.lower()
    assert client.get(_change("organisation", org.pk)).status_code == 403
    assert client.get(reverse("admin:complaints_staffmembership_changelist")).status_code == 403


def test_an_administrator_of_two_organisations_keeps_both(client, org, tornio):
    user = _administrator("molemmat", org)
    StaffMembership.objects.create(user=user, organisation=tornio)
    colleague = staff_user("kollega", Role.HANDLER, organisation=org)
    # A membership that narrows the roles to handling does not make them administer there.
    keminmaa = OrganisationFactory(slug="keminmaa", reference_prefix="KMA")
    StaffMembership.objects.create(user=user, organisation=keminmaa, roles=[Role.HANDLER])
    client.force_login(user)
    assert _listed(client, "organisation") == {org.pk, tornio.pk}
    # A colleague from one joins the other.
    add = reverse("admin:complaints_staffmembership_add")
    assert client.post(add, {"user": colleague.pk, "organisation": tornio.pk}).status_code == 302
    assert StaffMembership.objects.filter(user=colleague, organisation=tornio).exists()


def test_the_workspace_links_an_administrator_to_the_settings(client, org):
    user = _administrator("yllapitaja", org)
    client.force_login(user)
    settings_link = f'href="{reverse("admin:index")}"'
    assert settings_link in client.get(reverse("staff:inbox")).content.decode()
    assert client.get(reverse("admin:index")).status_code == 200
    # In group admin, but the membership applies registry work only: nothing to configure.
    StaffMembership.objects.filter(user=user).update(roles=[Role.REGISTRY])
    user.groups.add(Group.objects.get_or_create(name=Role.REGISTRY)[0])
    assert settings_link not in client.get(reverse("staff:inbox")).content.decode()


def test_a_superuser_keeps_the_whole_admin(client, django_user_model, org, tornio):
    root = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(root)
    assert _listed(client, "organisation") == {org.pk, tornio.pk}
    assert client.get(reverse("admin:complaints_organisation_add")).status_code == 200
    page = client.get(_change("organisation", org.pk))
    assert b'name="reference_prefix"' in page.content
    assert b'name="retention_years"' in page.content
    assert 'href="/admin/"' in client.get(reverse("staff:inbox")).content.decode()
