"""What the status and delay emails say depends on who reads them (ADR 0018): the filer
holds the tracking link, which shows the reply only when it is theirs; a client for whom
someone else filed holds no link, and their letters, the reply among them, come by post."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

from complaints.actors import Actor
from complaints.choices import FilerRole, OnBehalfBasis, Status
from complaints.models import Complaint
from notifications.models import Notification
from tests.factories import ComplaintFactory, received_on
from tests.workflow.timeline import at
from workflow import notices
from workflow.sweeps import deadlines_sweep
from workflow.transitions import (
    complaint_accept,
    complaint_approve_reply,
    complaint_extend,
    complaint_submit_reply,
)

NOW = at(date(2026, 11, 10))
CLIENT = "asiakas@example.fi"
FILER = "omainen@example.fi"
LINK = "tracking page"
# The relative files for a client who cannot, without the client's consent: the reply is
# the client's and posted to them; the receipt and its tracking link went to the relative.
FOR_THE_CLIENT = {
    "filer_role": FilerRole.RELATIVE,
    "on_behalf_basis": OnBehalfBasis.CLIENT_UNABLE,
    "filer_email": FILER,
    "reply_delivery": "post",
}


def _case(org: Any, unit: Any, *, received: date = date(2026, 11, 2), **fields: Any) -> Complaint:
    return ComplaintFactory.in_state(
        Status.RECEIVED,
        organisation=org,
        service_unit=unit,
        received_at=received_on(received),
        language="en",
        **fields,
    )


def _handle_to_the_reply(complaint: Complaint, handler: Any, approver: Any) -> None:
    staff = Actor.staff(handler)
    complaint_accept(complaint_id=complaint.pk, actor=staff, now=NOW)
    complaint_extend(complaint_id=complaint.pk, actor=staff, now=NOW, reason="Selvitys")
    complaint_submit_reply(complaint_id=complaint.pk, actor=staff, now=NOW, text="Vastaus")
    complaint_approve_reply(complaint_id=complaint.pk, actor=Actor.staff(approver), now=NOW)


def _status_emails(complaint: Complaint) -> dict[str, Notification]:
    sent = Notification.objects.filter(dedupe_key__startswith=f"complaint:{complaint.pk}:status:")
    return {notice.dedupe_key.rsplit(":", 1)[-1]: notice for notice in sent}


def test_the_client_without_the_link_is_told_their_letters_come_by_post(
    org, unit, handler, approver
):
    complaint = _case(org, unit, client_email=CLIENT, **FOR_THE_CLIENT)
    filed_by_the_client = _case(org, unit, filer_role=FilerRole.CLIENT, client_email=CLIENT)
    for case in (complaint, filed_by_the_client):
        _handle_to_the_reply(case, handler, approver)

    sent = _status_emails(complaint)
    assert sorted(sent) == ["accept", "approve_reply", "extend"]
    for notice in sent.values():
        assert notice.recipient == CLIENT
        for body in (notice.body_text, notice.body_html):
            assert LINK not in body
            assert "private link" not in body
            assert "is shown" not in body  # the new due date is on a page they cannot open
            assert "Vastaus" not in body
    reply = sent["approve_reply"]
    assert "The written reply to your muistutus has been sent to you by post." in reply.body_text
    assert "has been sent to you by post" in reply.body_html
    assert "is ready" not in reply.body_text
    assert "by post" in sent["accept"].body_text
    assert "new due date will be sent to you by post" in sent["extend"].body_text

    # The client who filed got the receipt and its link: their emails point to it.
    own = _status_emails(filed_by_the_client)
    assert "The written reply to your muistutus is ready." in own["approve_reply"].body_text
    for notice in own.values():
        assert LINK in notice.body_text
        assert LINK in notice.body_html
        assert "by post" not in notice.body_text


def test_the_filer_is_told_whose_reply_it_is(org, unit, handler, approver):
    told = {
        False: "The written reply has been sent to the client by post.",
        True: "The written reply to your muistutus is ready.",
    }
    for consent, expected in told.items():
        complaint = _case(
            org, unit, client_email="", consent_reply_to_filer=consent, **FOR_THE_CLIENT
        )
        _handle_to_the_reply(complaint, handler, approver)

        sent = _status_emails(complaint)
        assert sorted(sent) == ["accept", "approve_reply", "extend"]
        assert {notice.recipient for notice in sent.values()} == {FILER}
        reply = sent["approve_reply"]
        assert expected in reply.body_text
        assert expected in reply.body_html
        assert told[not consent] not in reply.body_text
        assert "Vastaus" not in reply.body_text + reply.body_html
        # Either way they hold the link (it shows the status and the timeline).
        for notice in sent.values():
            assert LINK in notice.body_text
            assert LINK in notice.body_html


def test_the_delay_notice_points_only_its_holder_to_the_link_rendered_once_per_kind(org, unit):
    received = date(2026, 11, 24)  # due Mon 28.12.2026, overdue the next day
    without_link = [
        _case(org, unit, received=received, client_email=f"asiakas{n}@example.fi", **FOR_THE_CLIENT)
        for n in range(2)
    ]
    with_link = [
        _case(org, unit, received=received, filer_role=FilerRole.CLIENT, client_email=CLIENT),
        _case(org, unit, received=received, client_email="", **FOR_THE_CLIENT),
    ]
    notices._skeleton.cache_clear()
    with mock.patch.object(notices, "render_to_string", wraps=notices.render_to_string) as render:
        deadlines_sweep(now=at(date(2026, 12, 29)))
    # One text and one HTML skeleton for each of the two wordings, whatever the cases.
    delay_renders = [call for call in render.call_args_list if "delay_notice" in call.args[0]]
    assert len(delay_renders) == 4

    def delay_notice(complaint: Complaint) -> Notification:
        return Notification.objects.get(dedupe_key=f"complaint:{complaint.pk}:delay_notice")

    for complaint in without_link:
        notice = delay_notice(complaint)
        assert notice.recipient == complaint.client_email
        for body in (notice.body_text, notice.body_html):
            assert LINK not in body
            assert "You will get the written reply by post as soon as it is ready." in body
    for complaint in with_link:
        notice = delay_notice(complaint)
        assert notice.recipient in (CLIENT, FILER)
        for body in (notice.body_text, notice.body_html):
            assert "On your tracking page you can get a pre-filled escalation note" in body
            assert "by post" not in body
