"""A complainant whose letters go by post is told of a late reply by post too: a delay
letter with their right to a kantelu and, when the letter is theirs, the kantelu form
pre-filled. It is made once, re-queued while missing, and printed with the day's letters."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pypdf
import pytest
from django.utils import translation

from complaints.choices import BreachTier, DueRule, FilerRole, Status
from complaints.models import DeadlineBreach, Document
from public.tracking import complainant_document_kinds
from tests.workflow.timeline import at, case, frozen, people, sweep_at
from workflow.documents import document_generate
from workflow.post_batch import post_letters
from workflow.sweeps import deadlines_sweep
from workflow.tasks import documents_generate_task

# Received 2.11.2026, due 2.12.2026: overdue from 3.12.2026.
RECEIVED = date(2026, 11, 2)
OVERDUE_AT = at(date(2026, 12, 3), 8)
POSTED = {"reply_delivery": "post", "client_address": "Kotikatu 1\n94100 Kemi"}


def _late(org: Any, unit: Any, **fields: Any) -> Any:
    """A case whose letters go by post, flagged overdue by the sweep."""
    return case(org, unit, day=RECEIVED, **{"overdue": True, **POSTED, **fields})


def _text(document: Document) -> str:
    with document.file.open("rb") as stored:
        reader = pypdf.PdfReader(io.BytesIO(stored.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _letter(complaint: Any) -> str:
    with frozen(OVERDUE_AT):
        document = document_generate(
            complaint_id=complaint.pk, kind=Document.Kind.DELAY_NOTICE, now=OVERDUE_AT
        )
    return _text(document)


def _queued(django_capture_on_commit_callbacks: Any) -> dict[str, list[int]]:
    """The sweep at the first overdue morning, and the letters it queued, by kind."""
    with (
        frozen(OVERDUE_AT),
        mock.patch.object(documents_generate_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        deadlines_sweep(now=OVERDUE_AT)
    queued: dict[str, list[int]] = {}
    for call in delay.call_args_list:
        queued.setdefault(call.kwargs["kind"], []).extend(call.kwargs["complaint_ids"])
    return queued


def test_a_newly_overdue_case_whose_letters_go_by_post_gets_a_delay_letter(
    org: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people(org, unit)
    posted = case(org, unit, day=RECEIVED, **POSTED)
    online = case(org, unit, day=RECEIVED)

    queued = _queued(django_capture_on_commit_callbacks)

    assert queued["delay_notice"] == [posted.pk]
    assert sorted(queued["internal_escalation"]) == sorted([posted.pk, online.pk])


def test_the_letter_says_the_reply_is_late_and_encloses_the_kantelu_form(
    org: Any, unit: Any
) -> None:
    complaint = _late(org, unit, language="en", client_name="Aino Asiakas")

    text = _letter(complaint)

    assert "Aino Asiakas" in text  # addressed to the client
    assert "Kotikatu 1" in text
    assert complaint.reference in text
    assert "The reply to your muistutus is late" in text
    assert "2.12.2026" in text  # the due date it missed
    assert org.authority_name_en in text
    assert "A complaint form pre-filled from your muistutus is enclosed" in text
    # The form itself, in Finnish: a kantelu is written in Finnish or Swedish.
    with translation.override("fi"):
        assert str(translation.gettext("Complaint to the supervisory authority (kantelu)")) in text


def test_the_enclosed_form_does_not_send_a_post_complainant_to_a_tracking_link(
    org: Any, unit: Any
) -> None:
    text = _letter(_late(org, unit, language="fi"))

    with translation.override("fi"):
        by_post = translation.gettext("A copy of the muistutus, and of the reply if you have one.")
        by_link = translation.gettext(
            "A copy of the muistutus and of the reply (you can download them through your "
            "tracking link)."
        )
    assert by_post != by_link
    assert " ".join(by_post.split()) in text
    assert " ".join(by_link.split()) not in text


def test_a_swedish_case_gets_a_swedish_delay_letter(org: Any, unit: Any) -> None:
    complaint = _late(org, unit, language="sv")

    text = _letter(complaint)

    with translation.override("sv"):
        heading = str(translation.gettext("The reply to your muistutus is late"))
    assert heading != "The reply to your muistutus is late"  # translated
    assert heading in text


def test_a_letter_to_a_client_who_did_not_file_it_encloses_no_pre_filled_form(
    org: Any, unit: Any
) -> None:
    """A relative filed without the client's consent: the letters are the client's, and a
    form pre-filled with the relative as the complainant is not theirs to sign."""
    complaint = _late(
        org,
        unit,
        language="en",
        client_name="Aino Asiakas",
        filer_role=FilerRole.RELATIVE,
        filer_name="Eero Omainen",
        on_behalf_basis="client_unable",
        consent_reply_to_filer=False,
    )

    text = _letter(complaint)

    assert "Aino Asiakas" in text
    assert "The reply to your muistutus is late" in text
    assert "pre-filled" not in text
    assert "Eero Omainen" not in text


def test_the_delay_letter_is_posted_with_the_days_letters_and_shown_behind_the_link(
    org: Any, unit: Any
) -> None:
    complaint = _late(org, unit)
    _letter(complaint)

    letters = post_letters(cases=org.complaints.all(), day=date(2026, 12, 3))

    assert [(d.complaint_id, d.kind) for d in letters] == [(complaint.pk, "delay_notice")]
    assert Document.Kind.DELAY_NOTICE in complainant_document_kinds(complaint)


def _breach(complaint: Any) -> None:
    DeadlineBreach.objects.create(
        complaint=complaint,
        tier=BreachTier.OVERDUE,
        due_date=complaint.due_date,
        recorded_at=OVERDUE_AT,
    )


# Still late; replied since the breach; extended since the breach (due 4.1.2027, no
# longer overdue).
LATE = {"state": Status.IN_HANDLING}
REPLIED = {"state": Status.REPLIED, "overdue": False}
EXTENDED = {
    "overdue": False,
    "extended": True,
    "due_rule": DueRule.TWO_MONTHS,
    "due_date": date(2027, 1, 4),
}


@pytest.mark.parametrize("fields", [LATE, REPLIED, EXTENDED], ids=["late", "replied", "extended"])
def test_a_missing_delay_letter_is_queued_again_while_the_reply_is_late(
    org: Any, unit: Any, fields: dict[str, Any]
) -> None:
    """Replied, or extended past the breach: the delay has ended."""
    posted = _late(org, unit, **fields)
    online = case(org, unit, day=RECEIVED, **{"overdue": True, **fields})
    for complaint in (posted, online):
        _breach(complaint)

    with mock.patch.object(documents_generate_task, "delay") as delay:
        result = deadlines_sweep(now=OVERDUE_AT + timedelta(hours=2))

    delay_letters = [
        call.kwargs["complaint_ids"]
        for call in delay.call_args_list
        if call.kwargs["kind"] == "delay_notice"
    ]
    if fields is LATE:
        assert (result["delay_letters_requeued"], delay_letters) == (1, [[posted.pk]])
    else:
        assert (result["delay_letters_requeued"], delay_letters) == (0, [])


@pytest.mark.parametrize("fields", [REPLIED, EXTENDED], ids=["replied", "extended"])
def test_a_delay_letter_task_run_after_the_delay_ended_makes_no_letter(
    org: Any, unit: Any, fields: dict[str, Any]
) -> None:
    """The sweep queued it while the reply was late; the worker ran it after the reply or
    an extension."""
    complaint = _late(org, unit, **fields)

    made = document_generate(
        complaint_id=complaint.pk, kind=Document.Kind.DELAY_NOTICE, now=OVERDUE_AT
    )

    assert made is None
    assert not complaint.documents.exists()


def test_once_made_the_delay_letter_is_not_queued_again(
    org: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    posted = case(org, unit, day=RECEIVED, **POSTED)
    result, _ = sweep_at(OVERDUE_AT, django_capture_on_commit_callbacks)
    assert result["flagged_overdue"] == 1
    _letter(posted)

    with mock.patch.object(documents_generate_task, "delay"):
        later = deadlines_sweep(now=OVERDUE_AT + timedelta(hours=2))

    assert later["delay_letters_requeued"] == 0
    assert posted.documents.filter(kind="delay_notice").count() == 1
