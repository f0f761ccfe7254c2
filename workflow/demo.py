"""Demo data for ``make run``: an organisation, units, one user per role, a few cases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from complaints import clock
from complaints.actors import Actor
from complaints.choices import Channel, FilerRole, Role
from complaints.clock import helsinki_date
from complaints.models import (
    Complaint,
    Organisation,
    ReplyTemplate,
    ServiceUnit,
    StaffMembership,
)
from workflow.intake import Party, Submission, complaint_submit
from workflow.sweeps import deadlines_sweep
from workflow.transitions import complaint_accept, complaint_submit_reply

DEMO_PASSWORD = "demo"  # noqa: S105 - demo only; seed_demo refuses to run with DEBUG off
UNITS = [
    ("Aikuissosiaalityö", "Socialt arbete för vuxna", "Adult social work"),
    ("Vanhuspalvelut", "Äldreomsorg", "Services for older people"),
    ("Lastensuojelu", "Barnskydd", "Child welfare"),
    ("Vammaispalvelut", "Handikappservice", "Disability services"),
]

# A starting point per language; organisations write their own in the admin.
REPLY_TEMPLATES = {
    "fi": {
        "name": "Vastaus muistutukseen",
        "greeting": "Hyvä {recipient_name},",
        "summary": "Kiitos muistutuksestanne, joka saapui {received_on} ({reference}). "
        "Muistutuksenne koski palvelua {unit}.",
        "findings": "Asiassa on selvitetty seuraavaa: ",
        "measures": "Asian johdosta on ryhdytty seuraaviin toimenpiteisiin: ",
        "closing": "Pahoittelemme tapahtunutta.\n\nYstävällisin terveisin",
    },
    "sv": {
        "name": "Svar på anmärkning",
        "greeting": "Bästa {recipient_name},",
        "summary": "Tack för er anmärkning, som kom in {received_on} ({reference}). "
        "Anmärkningen gällde {unit}.",
        "findings": "I ärendet har följande utretts: ",
        "measures": "Med anledning av ärendet har följande åtgärder vidtagits: ",
        "closing": "Vi beklagar det som hänt.\n\nMed vänliga hälsningar",
    },
    "en": {
        "name": "Reply to a muistutus",
        "greeting": "Dear {recipient_name},",
        "summary": "Thank you for your muistutus, received on {received_on} ({reference}), "
        "about {unit}.",
        "findings": "We have looked into the matter and found the following: ",
        "measures": "As a result, the following measures have been taken: ",
        "closing": "We apologise for what happened.\n\nYours sincerely",
    },
}


def _user(username: str, role: Role, *, superuser: bool = False) -> Any:
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": str(role.label), "is_staff": True}
    )
    user.set_password(DEMO_PASSWORD)
    user.is_superuser = superuser
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def demo_seed() -> str:
    for role in Role:
        Group.objects.get_or_create(name=role)
    case_perms = Permission.objects.filter(
        content_type__app_label="complaints", codename__in=["view_complaint", "change_complaint"]
    )
    for role in (Role.HANDLER, Role.APPROVER):
        Group.objects.get(name=role).permissions.add(*case_perms)

    organisation, _ = Organisation.objects.get_or_create(
        slug="kemi",
        defaults={
            "name_fi": "Kemin kaupunki, sosiaalipalvelut",
            "name_sv": "Kemi stad, socialservice",
            "name_en": "City of Kemi, social services",
            "reference_prefix": "KEMI",
            "authority_address": "PL 43, 00521 Helsinki",
            "authority_url": "https://lvv.fi",
        },
    )
    units = []
    for name_fi, name_sv, name_en in UNITS:
        unit, _ = ServiceUnit.objects.get_or_create(
            organisation=organisation,
            name_fi=name_fi,
            defaults={"name_sv": name_sv, "name_en": name_en},
        )
        units.append(unit)

    users = {role: _user(role.value, role, superuser=role == Role.ADMIN) for role in Role}
    for role in (Role.HANDLER, Role.APPROVER, Role.REGISTRY, Role.OMBUDSMAN):
        StaffMembership.objects.update_or_create(
            user=users[role], organisation=organisation, defaults={"all_units": True}
        )
    for unit in units:
        unit.responsible_official = users[Role.APPROVER]
        unit.save(update_fields=["responsible_official"])

    for language, parts in REPLY_TEMPLATES.items():
        ReplyTemplate.objects.get_or_create(
            organisation=organisation, language=language, name=parts["name"], defaults=parts
        )
    if not Complaint.objects.filter(organisation=organisation).exists():
        _demo_cases(organisation, units, users)
    logins = ", ".join(f"{role.value}/{DEMO_PASSWORD}" for role in Role)
    return f"Demo organisation '{organisation.slug}' ready. Logins: {logins}"


def _demo_cases(
    organisation: Organisation, units: list[ServiceUnit], users: dict[Role, Any]
) -> None:
    now = clock.now()
    registry = Actor.staff(users[Role.REGISTRY])
    handler = Actor.staff(users[Role.HANDLER])
    stories = [
        (
            45,
            "Kotihoidon käynnit jäivät toistuvasti väliin, eikä kukaan ilmoittanut siitä.",
            units[1],
        ),
        (20, "Sosiaalityöntekijä ei vastannut yhteydenottoihini kolmeen viikkoon.", units[0]),
        (3, "Tulkkia ei varattu tapaamiseen, vaikka pyysin sitä.", units[0]),
        (0, "Palveluohjauksessa minua kohdeltiin epäkunnioittavasti.", units[3]),
    ]
    filed = []
    for days_ago, text, unit in stories:
        filed.append(
            complaint_submit(
                organisation=organisation,
                submission=Submission(
                    description=text,
                    filer_role=FilerRole.CLIENT,
                    client=Party(name="Maija Meikäläinen", address="Valtakatu 1, 94100 Kemi"),
                    language="fi",
                    reply_delivery="post",
                    service_unit_id=unit.pk,
                    channel=Channel.POST,
                    received_on=helsinki_date(now - timedelta(days=days_ago)),
                ),
                actor=registry,
                now=now,
            ).complaint
        )
    complaint_accept(complaint_id=filed[0].pk, actor=handler, now=now)
    complaint_accept(complaint_id=filed[1].pk, actor=handler, now=now)
    complaint_submit_reply(
        complaint_id=filed[1].pk,
        actor=handler,
        now=now,
        text="Pahoittelemme viivettä. Yhteydenottoihin vastaamisen käytäntöjä on tarkennettu.",
    )
    deadlines_sweep(now=now)
