"""The complainant hears of the transitions that concern them: one email each, in the case's
language, in the transition's transaction, with no content of the case."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaints.actors import Actor
from complaints.choices import Status
from notifications.models import Notification
from tests.factories import ComplaintFactory, received_on
from tests.workflow.timeline import at
from workflow.errors import TransitionNotAllowed
from workflow.transitions import (
    complaint_accept,
    complaint_approve_reply,
    complaint_extend,
    complaint_merge,
    complaint_submit_reply,
    complaint_transfer,
    complaint_withdraw,
)

NOW = at(date(2026, 11, 10))


def _case(org: Any, state: str = Status.RECEIVED, **fields: Any) -> Any:
    fields.setdefault("client_email", "asiakas@example.fi")
    return ComplaintFactory.in_state(
        state, organisation=org, received_at=received_on(date(2026, 11, 2)), **fields
    )


def _notices() -> list[tuple[str, str]]:
    return sorted(
        (n.recipient, n.dedupe_key.rsplit(":", 1)[-1])
        for n in Notification.objects.filter(dedupe_key__contains=":status:")
    )


def test_the_life_of_a_case_in_status_emails(
    org, handler, approver, django_capture_on_commit_callbacks
):
    complaint = _case(org, language="sv")
    staff = Actor.staff(handler)
    with django_capture_on_commit_callbacks(execute=False):
        complaint_accept(complaint_id=complaint.pk, actor=staff, now=NOW)
        complaint_extend(complaint_id=complaint.pk, actor=staff, now=NOW, reason="Selvitys")
        complaint_submit_reply(complaint_id=complaint.pk, actor=staff, now=NOW, text="Vastaus")
        complaint_approve_reply(complaint_id=complaint.pk, actor=Actor.staff(approver), now=NOW)
    assert _notices() == [
        ("asiakas@example.fi", "accept"),
        ("asiakas@example.fi", "approve_reply"),
        ("asiakas@example.fi", "extend"),
    ]
    for notice in Notification.objects.all():
        assert notice.language == "sv"
        assert complaint.reference in notice.subject
        assert complaint.reference in notice.body_text
        assert complaint.description not in notice.body_text + notice.body_html
        assert "Selvitys" not in notice.body_text  # not even the extension's reason


@pytest.mark.parametrize(
    ("run", "sent"),
    [
        (
            lambda c, a: complaint_transfer(
                complaint_id=c.pk, actor=a, now=NOW, target="HUS", reason="Terveydenhuolto"
            ),
            True,
        ),
        (
            lambda c, a: complaint_withdraw(
                complaint_id=c.pk, actor=a, now=NOW, reason="Puhelimessa"
            ),
            True,
        ),
        (
            lambda c, a: complaint_withdraw(complaint_id=c.pk, actor=Actor.complainant(), now=NOW),
            False,
        ),
    ],
    ids=["transfer", "withdrawn-by-staff", "withdrawn-by-complainant"],
)
def test_transfer_and_withdrawal(org, handler, run, sent):
    complaint = _case(org)
    run(complaint, Actor.staff(handler))
    assert bool(_notices()) is sent


def test_merge_tells_the_merged_cases_complainant(org, handler):
    complaint = _case(org)
    target = _case(org, client_email="")
    complaint_merge(
        complaint_id=complaint.pk,
        actor=Actor.staff(handler),
        now=NOW,
        into_reference=target.reference,
    )
    assert _notices() == [("asiakas@example.fi", "merge")]


def test_no_email_no_notice_and_the_filer_when_the_reply_goes_to_them(org, handler):
    silent = _case(org, client_email="")
    complaint_accept(complaint_id=silent.pk, actor=Actor.staff(handler), now=NOW)
    assert _notices() == []
    for_client = _case(
        org,
        filer_role="relative",
        on_behalf_basis="client_unable",
        filer_email="omainen@example.fi",
        consent_reply_to_filer=True,
    )
    complaint_accept(complaint_id=for_client.pk, actor=Actor.staff(handler), now=NOW)
    assert _notices() == [("omainen@example.fi", "accept")]


def test_a_transition_that_fails_sends_nothing(org, handler):
    complaint = _case(org, Status.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        complaint_accept(complaint_id=complaint.pk, actor=Actor.staff(handler), now=NOW)
    assert _notices() == []


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_html_emails_declare_the_language_they_are_written_in(language: str) -> None:
    from django.utils.translation import gettext_lazy

    from workflow.notices import render_message

    for template in ("status_change", "delay_notice"):
        message = render_message(
            template=template,
            subject=gettext_lazy("News on your muistutus %(reference)s"),
            context={"organisation": "Kemi", "authority": "Valvira", "event": "-"},
            per_case={"reference": "KEMI-2026-000001"},
            language=language,
            recipient="asiakas@example.fi",
            dedupe_key="k",
            html=True,
        )
        assert f'<html lang="{language}">' in message.body_html
