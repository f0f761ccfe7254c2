"""A very overdue case in an organisation that names no leading official: its active
administrators are told and sent to where they name one; nobody else; no escalation is
recorded until a leading official is named, and then once."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.contrib import admin
from django.test import RequestFactory

from complaints.choices import EventKind, Role, Status
from complaints.models import CaseEvent, Complaint, Organisation, StaffMembership
from notifications.models import InboxItem, Notification
from tests.factories import OrganisationFactory, staff_user
from tests.workflow.timeline import at, case, frozen, people, sweep_at
from workflow.breach_follow_ups import escalations_catch_up

VERY_OVERDUE = at(date(2027, 1, 3), 0, 0)  # due 2.12.2026, a month on


def _person(
    name: str, role: Role, org: Any, *, active: bool = True, roles_here: list[str] | None = None
) -> Any:
    user = staff_user(name, role, organisation=org)
    user.email = f"{name}@example.fi"
    user.is_active = active
    user.save()
    if roles_here is not None:
        StaffMembership.objects.filter(user=user).update(roles=roles_here)
    return user


@pytest.fixture
def no_leading_official(org: Any, unit: Any) -> dict[str, Any]:
    staff = people(org, unit)
    org.leading_official = None
    org.save()
    return staff


def _very_overdue_emails() -> list[str]:
    return sorted(
        Notification.objects.filter(dedupe_key__contains=":very_overdue:").values_list(
            "recipient", flat=True
        )
    )


def test_the_administrators_are_told_when_no_leading_official_is_named(
    org: Any,
    unit: Any,
    no_leading_official: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = case(org, unit, day=date(2026, 11, 2), handler=no_leading_official["handler"])
    admin = _person("yllapitaja", Role.ADMIN, org)
    also_admin = _person("paakayttaja", Role.ADMIN, org, roles_here=[Role.ADMIN, Role.HANDLER])
    _person("poissa", Role.ADMIN, org, active=False)
    _person("kirjaamo", Role.ADMIN, org, roles_here=[Role.REGISTRY])  # not an administrator here
    _person("naapuri", Role.ADMIN, OrganisationFactory(slug="tornio", reference_prefix="TOR"))

    result, _notes = sweep_at(VERY_OVERDUE, django_capture_on_commit_callbacks)

    assert result["flagged_very_overdue"] == 1
    assert _very_overdue_emails() == ["paakayttaja@example.fi", "yllapitaja@example.fi"]
    notice = Notification.objects.get(recipient="yllapitaja@example.fi")
    # Staff read the site's language (Finnish): asked to name the leading official.
    assert notice.subject.startswith("Johtavaa viranhaltijaa ei ole nimetty")
    assert complaint.reference in notice.subject
    assert "Nimeä johtava viranhaltija" in notice.body_text
    # They cannot open the case; they can name the leading official.
    settings_page = f"/admin/complaints/organisation/{org.pk}/change/"
    assert settings_page in notice.body_text
    assert "/staff/cases/" not in notice.body_text
    assert complaint.description not in notice.body_text
    items = InboxItem.objects.filter(dedupe_key__contains=":very_overdue:").order_by("user")
    assert [(item.user_id, item.link.endswith(settings_page)) for item in items] == [
        (admin.pk, True),
        (also_admin.pk, True),
    ]
    assert not CaseEvent.objects.filter(kind=EventKind.ESCALATED_INTERNALLY).exists()

    sweep_at(at(date(2027, 1, 20)), django_capture_on_commit_callbacks)
    assert len(_very_overdue_emails()) == 2  # once each


def test_with_no_administrator_either_the_case_is_logged(
    org: Any,
    unit: Any,
    no_leading_official: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    caplog: Any,
) -> None:
    complaint = case(org, unit, day=date(2026, 11, 2), handler=no_leading_official["handler"])
    with caplog.at_level(logging.WARNING, logger="workflow.breach_follow_ups"):
        result, _notes = sweep_at(VERY_OVERDUE, django_capture_on_commit_callbacks)
    assert result["flagged_very_overdue"] == 1
    assert _very_overdue_emails() == []
    assert f"Case {complaint.pk} is very overdue" in caplog.text
    assert "no active administrator" in caplog.text


def test_a_leading_official_named_later_is_escalated_the_waiting_cases_once(
    org: Any,
    unit: Any,
    no_leading_official: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = no_leading_official
    waiting = case(org, unit, day=date(2026, 11, 2), handler=staff["handler"])
    replied = case(org, unit, day=date(2026, 11, 2), handler=staff["handler"])
    _person("yllapitaja", Role.ADMIN, org)
    sweep_at(VERY_OVERDUE, django_capture_on_commit_callbacks)
    Complaint.objects.filter(pk=replied.pk).update(status=Status.CLOSED)  # answered since

    org.leading_official = staff["leading"]
    org.save()
    model_admin = admin.site._registry[Organisation]
    request = RequestFactory().post("/")
    request.user = staff["leading"]
    form = mock.Mock(changed_data=["leading_official"])
    with (
        frozen(at(date(2027, 1, 5))),
        mock.patch.object(model_admin, "message_user") as told,
        django_capture_on_commit_callbacks(execute=True),
    ):
        model_admin.save_model(request, org, form, change=True)

    assert "1" in str(told.call_args.args[1])
    (escalation,) = Notification.objects.filter(recipient="johtava@example.fi")
    assert (
        escalation.dedupe_key == f"complaint:{waiting.pk}:very_overdue:staff:{staff['leading'].pk}"
    )
    (event,) = CaseEvent.objects.filter(kind=EventKind.ESCALATED_INTERNALLY)
    assert event.complaint_id == waiting.pk
    assert not event.public

    # Saved again, or changed back and forth: nothing more.
    assert escalations_catch_up(organisation_id=org.pk, now=at(date(2027, 1, 6))) == 0
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATED_INTERNALLY).count() == 1
