"""Factories that build a case in any state: ``ComplaintFactory.in_state("awaiting_approval")``."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from complaints.choices import Channel, DueRule, FilerRole, Role, Status
from complaints.models import Complaint, Organisation, Reply, ServiceUnit, StaffMembership
from complaints.services import tracking_code_new
from workflow.deadlines import due_date_compute

HELSINKI = ZoneInfo("Europe/Helsinki")
_numbers = itertools.count(1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org{n}")
    name_fi = factory.Sequence(lambda n: f"Organisaatio {n}")
    name_sv = factory.Sequence(lambda n: f"Organisation {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    reference_prefix = factory.Sequence(lambda n: f"ORG{n}")


class ServiceUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUnit

    organisation = factory.SubFactory(OrganisationFactory)
    name_fi = factory.Sequence(lambda n: f"Yksikkö {n}")


def staff_user(
    username: str,
    *roles: Role,
    organisation: Organisation | None = None,
    units: list[ServiceUnit] | None = None,
    all_units: bool = False,
) -> Any:
    """A staff user with ``roles``, reaching ``organisation`` (all units, or ``units``)."""
    user = get_user_model().objects.create_user(username=username, password="pw")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if organisation is not None:
        membership = StaffMembership.objects.create(
            user=user, organisation=organisation, all_units=all_units
        )
        membership.units.set(units or [])
    return user


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    organisation = factory.SubFactory(OrganisationFactory)
    service_unit = factory.SubFactory(
        ServiceUnitFactory, organisation=factory.SelfAttribute("..organisation")
    )
    reference = factory.LazyAttribute(
        lambda o: f"{o.organisation.reference_prefix}-2026-{next(_numbers):06d}"
    )
    tracking_code_hash = factory.LazyFunction(lambda: tracking_code_new()[1])
    channel = Channel.WEB
    received_at = factory.LazyFunction(lambda: datetime(2026, 11, 2, 10, 0, tzinfo=HELSINKI))
    received_on = factory.LazyAttribute(lambda o: o.received_at.astimezone(HELSINKI).date())
    filer_role = FilerRole.CLIENT
    client_name = "Maija Meikäläinen"
    description = "Kohtelu oli epäasiallista."
    language = "fi"
    reply_delivery = "online"
    due_date = factory.LazyAttribute(
        lambda o: due_date_compute(received_on=o.received_on, extended=False).due_date
    )
    due_rule = DueRule.ONE_MONTH

    @classmethod
    def in_state(cls, state: str, *, drafter: Any = None, **kwargs: Any) -> Complaint:
        """A case as it would stand in ``state``, with the rows that state implies."""
        extra: dict[str, Any] = {}
        if state == Status.MERGED:
            extra["merged_into"] = cls(
                organisation=kwargs.get("organisation") or OrganisationFactory()
            )
        complaint: Complaint = cls(status=state, **extra, **kwargs)
        if state in (Status.AWAITING_APPROVAL, Status.REPLIED, Status.CLOSED):
            drafter = drafter or staff_user(f"drafter{next(_numbers)}", Role.HANDLER)
            approved = state != Status.AWAITING_APPROVAL
            Reply.objects.create(
                complaint=complaint,
                version=1,
                text="Vastaus",
                submitted_by=drafter,
                submitted_at=complaint.received_at + timedelta(days=1),
                decision="approved" if approved else "pending",
            )
        return complaint

    @classmethod
    def tracked(cls, state: str, **kwargs: Any) -> tuple[Complaint, str]:
        """``in_state`` with a tracking code the test holds: (the case, its code)."""
        code, code_hash = tracking_code_new()
        return cls.in_state(state, tracking_code_hash=code_hash, **kwargs), code


def received_on(day: date) -> datetime:
    """Noon in Helsinki on ``day``."""
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=HELSINKI)


def filed_online(org: Any, unit: Any, *, now: datetime) -> Any:
    """A muistutus filed online by the client through the real service: a ``Filed``."""
    from complaints.actors import Actor
    from workflow.intake import Party, Submission, complaint_submit

    return complaint_submit(
        organisation=org,
        submission=Submission(
            description="Kohtelu",
            filer_role="client",
            client=Party(name="Maija"),
            language="fi",
            reply_delivery="online",
            service_unit_id=unit.pk,
        ),
        actor=Actor.complainant(),
        now=now,
    )


def registration_form(org: Any, unit: Any, **extra: Any) -> dict[str, Any]:
    """The staff registration form for a muistutus that came by post, with ``extra``."""
    data = {
        "organisation": org.pk,
        "channel": "post",
        "received_on": "2.11.2026",
        "filer_role": "client",
        "client_name": "Maija Meikäläinen",
        "client_address": "Valtakatu 1, 94100 Kemi",
        "service_unit": unit.pk,
        "description": "Kirjeitse saapunut muistutus.",
        "language": "fi",
        "reply_delivery": "post",
    }
    return data | extra
