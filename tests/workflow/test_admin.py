"""The admin: configuration pages work; cases are read-only except transitions via services."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from complaints.choices import EventKind, Status
from complaints.models import AccessLogEntry, CaseEvent, ServiceUnit, StaffMembership
from tests.factories import ComplaintFactory


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name",
    [
        "complaints_organisation_changelist",
        "complaints_organisation_add",
        "complaints_serviceunit_changelist",
        "complaints_staffmembership_changelist",
        "complaints_staffmembership_add",
        "complaints_complaint_changelist",
        "auth_user_changelist",
        "auth_group_changelist",
    ],
)
def test_configuration_pages_render(superuser_client, name):
    assert superuser_client.get(reverse(f"admin:{name}")).status_code == 200


def _staff_handler(handler):
    handler.is_staff = True
    handler.save()
    handler.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_complaint", "change_complaint"])
    )
    return handler


def test_case_page_is_read_only_logged_and_offers_transitions(client, org, handler):
    client.force_login(_staff_handler(handler))
    complaint = ComplaintFactory.in_state(Status.RECEIVED, organisation=org)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200
    assert b'name="description"' not in page.content  # read-only: no input for it
    assert b'value="accept"' in page.content
    assert AccessLogEntry.objects.filter(complaint=complaint, what="admin:change").count() == 1
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403


def test_cases_outside_the_users_reach_do_not_exist_in_the_admin(superuser_client, client, handler):
    other = ComplaintFactory.in_state(Status.RECEIVED)  # another organisation
    url = reverse("admin:complaints_complaint_change", args=[other.pk])
    assert superuser_client.get(url).status_code == 302  # "does not exist"
    client.force_login(_staff_handler(handler))
    assert client.get(url).status_code == 302
    listing = client.get(reverse("admin:complaints_complaint_changelist")).content.decode()
    assert other.reference not in listing
    assert not AccessLogEntry.objects.filter(complaint=other).exists()


def test_admin_transition_runs_the_service_and_records_the_event(client, org, handler):
    client.force_login(_staff_handler(handler))
    complaint = ComplaintFactory.in_state(Status.IN_HANDLING, organisation=org, handler=handler)
    url = reverse("admin:complaints_complaint_transition", args=[complaint.pk, "extend"])

    empty = client.post(url, {"reason": ""})
    complaint.refresh_from_db()
    assert empty.status_code == 200
    assert not complaint.extended

    done = client.post(url, {"reason": "Laajempi selvitys tarvitaan."})
    complaint.refresh_from_db()
    assert done.status_code == 302
    assert complaint.extended
    assert complaint.due_rule == "two_months"
    event = CaseEvent.objects.get(complaint=complaint, kind=EventKind.EXTENDED)
    assert event.actor == handler


def test_units_and_memberships_are_editable(superuser_client, org):
    response = superuser_client.post(
        reverse("admin:complaints_serviceunit_add"),
        {"organisation": org.pk, "name_fi": "Vammaispalvelut", "active": "on"},
    )
    assert response.status_code == 302
    unit = ServiceUnit.objects.get(name_fi="Vammaispalvelut")
    user = get_user_model().objects.create_user("worker")
    response = superuser_client.post(
        reverse("admin:complaints_staffmembership_add"),
        {"user": user.pk, "organisation": org.pk, "units": [unit.pk]},
    )
    assert response.status_code == 302
    assert list(StaffMembership.objects.get(user=user).units.all()) == [unit]


def test_the_transition_form_asks_for_the_change_permission_and_is_logged(client, org, handler):
    complaint = ComplaintFactory.in_state(Status.RECEIVED, organisation=org)
    url = reverse("admin:complaints_complaint_transition", args=[complaint.pk, "accept"])
    handler.is_staff = True
    handler.save()
    handler.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    client.force_login(handler)
    # Allowed to look, not to change: django-fsm's own view would have shown the form.
    assert client.get(url).status_code == 403
    assert not AccessLogEntry.objects.filter(complaint=complaint).exists()
    handler.user_permissions.add(Permission.objects.get(codename="change_complaint"))
    client.force_login(get_user_model().objects.get(pk=handler.pk))  # permissions cached
    assert client.get(url).status_code == 200
    assert AccessLogEntry.objects.filter(complaint=complaint, what="admin:transition").exists()
