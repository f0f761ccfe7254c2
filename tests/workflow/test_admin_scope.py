"""An organisation's administrators keep its settings, closure days, units and staff in the
admin, with no model permission; another organisation's stay out of their reach and sight."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from complaints.choices import Role
from complaints.models import ClosureDay, ServiceUnit, StaffMembership
from tests.admin_forms import admin_form_data
from tests.factories import OrganisationFactory, ServiceUnitFactory, staff_user


def _administrator(username: str, org: Any) -> Any:
    user = staff_user(username, Role.ADMIN, organisation=org)
    user.is_staff = True  # the admin's sign-in
    user.save()
    return user


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
    assert kemi_admin.post(url, data).status_code == 302
    org.refresh_from_db()
    assert org.leading_official == colleague
    assert org.reference_prefix == "KEMI"


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


def test_memberships_are_kept_within_the_organisation(kemi_admin, org, tornio, unit):
    newcomer = staff_user("uusi", Role.HANDLER)  # an account with no membership yet
    stranger = staff_user("naapuri", Role.HANDLER, organisation=tornio)
    their_unit = ServiceUnitFactory(organisation=tornio)
    assert _listed(kemi_admin, "staffmembership") == {
        StaffMembership.objects.get(user__username="yllapitaja").pk
    }

    add = reverse("admin:complaints_staffmembership_add")
    form = kemi_admin.get(add).context["adminform"].form
    assert newcomer in form.fields["user"].queryset
    assert stranger not in form.fields["user"].queryset
    assert list(form.fields["units"].queryset) == [unit]

    for refused in (
        {"user": stranger.pk, "organisation": org.pk},
        {"user": newcomer.pk, "organisation": tornio.pk},
        {"user": newcomer.pk, "organisation": org.pk, "units": [their_unit.pk]},
    ):
        assert kemi_admin.post(add, refused).status_code == 200
    assert not StaffMembership.objects.filter(user=newcomer).exists()

    made = kemi_admin.post(add, {"user": newcomer.pk, "organisation": org.pk, "units": [unit.pk]})
    assert made.status_code == 302
    (membership,) = StaffMembership.objects.filter(user=newcomer)
    assert list(membership.units.all()) == [unit]
    theirs = StaffMembership.objects.get(user=stranger)
    assert kemi_admin.get(_change("staffmembership", theirs.pk)).status_code == 302


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
    # A membership that narrows the roles to handling does not make them administer there.
    keminmaa = OrganisationFactory(slug="keminmaa", reference_prefix="KMA")
    StaffMembership.objects.create(user=user, organisation=keminmaa, roles=[Role.HANDLER])
    client.force_login(user)
    assert _listed(client, "organisation") == {org.pk, tornio.pk}


def test_the_workspace_links_an_administrator_to_the_settings(client, org):
    user = _administrator("yllapitaja", org)
    client.force_login(user)
    settings_link = f'href="{reverse("admin:index")}"'
    assert settings_link in client.get(reverse("staff:inbox")).content.decode()
    user.is_staff = False  # not given the admin's sign-in: no link to a login page
    user.save()
    assert settings_link not in client.get(reverse("staff:inbox")).content.decode()
