"""A letter whose generation task was lost (the broker was down at the transition's commit)
is queued again by the sweep an hour later, once made never again; still missing, every
half hour, not at every sweep."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from complaints.actors import Actor
from complaints.choices import BreachTier, Status
from complaints.models import Complaint, DeadlineBreach, Document
from tests.workflow.timeline import at, case, frozen, people
from workflow import requeue_pace
from workflow.documents import document_generate
from workflow.requeue_pace import REQUEUE_EVERY
from workflow.sweeps import deadlines_sweep
from workflow.tasks import documents_generate_task
from workflow.transitions import (
    complaint_approve_reply,
    complaint_extend,
    complaint_submit_reply,
    complaint_transfer,
)

DAY = date(2026, 11, 20)
DONE = at(DAY, 9)


def _sweep(moment: Any) -> tuple[int, dict[str, list[int]]]:
    """The sweep's ``letters_requeued`` and the letters it queued, by kind."""
    with mock.patch.object(documents_generate_task, "delay") as delay:
        result = deadlines_sweep(now=moment)
    queued: dict[str, list[int]] = {}
    for call in delay.call_args_list:
        queued.setdefault(call.kwargs["kind"], []).extend(call.kwargs["complaint_ids"])
    return int(result["letters_requeued"]), queued


def _lost(capture: Any, transition: Any) -> None:
    """Run ``transition`` at DONE and drop what it queued after its commit (a broker down)."""
    with frozen(DONE), capture(execute=False):
        transition()


def _reply_lost(capture: Any, staff: dict[str, Any], complaint: Any) -> None:
    """Draft and approve a reply at DONE, its letter's task lost."""
    _lost(
        capture,
        lambda: complaint_submit_reply(
            complaint_id=complaint.pk,
            actor=Actor.staff(staff["handler"]),
            now=DONE,
            text="Vastaus.",
        ),
    )
    _lost(
        capture,
        lambda: complaint_approve_reply(
            complaint_id=complaint.pk, actor=Actor.staff(staff["official"]), now=DONE
        ),
    )


@pytest.fixture
def replied(org: Any, unit: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """A case replied at DONE (no diary number), its reply letter's task lost."""
    complaint = case(org, unit, day=date(2026, 11, 2))
    _reply_lost(django_capture_on_commit_callbacks, people(org, unit), complaint)
    return complaint


def test_lost_letters_of_each_transition_are_queued_again_after_an_hour(
    org: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    staff = people(org, unit)
    handler = Actor.staff(staff["handler"])
    received = date(2026, 11, 2)
    extended = case(org, unit, day=received)
    transferred = case(org, unit, day=received)
    replied = case(org, unit, day=received, authority_diary_number="LVV/1/2026")
    _lost(
        capture,
        lambda: complaint_extend(
            complaint_id=extended.pk, actor=handler, now=DONE, reason="Laajempi selvitys."
        ),
    )
    _lost(
        capture,
        lambda: complaint_transfer(
            complaint_id=transferred.pk, actor=handler, now=DONE, target="HUS", reason="Ei meidän."
        ),
    )
    _reply_lost(capture, staff, replied)
    assert Complaint.objects.get(pk=replied.pk).status == Status.REPLIED
    assert not Document.objects.exists()

    # Within the hour the task may still be on its way: nothing is queued twice.
    assert _sweep(DONE + timedelta(minutes=59)) == (0, {})

    count, queued = _sweep(DONE + timedelta(hours=1, minutes=5))
    assert queued == {
        "extension_notice": [extended.pk],
        "transfer_notice": [transferred.pk],
        "reply": [replied.pk],
        "report_back": [replied.pk],
    }
    assert count == 4

    # The worker makes them; the next sweep finds nothing missing.
    for kind, ids in queued.items():
        for complaint_id in ids:
            document_generate(complaint_id=complaint_id, kind=kind, now=DONE + timedelta(hours=2))
    assert _sweep(DONE + timedelta(hours=3)) == (0, {})


def test_a_reply_without_a_diary_number_has_no_report_back_and_old_events_are_left(
    replied: Any,
) -> None:
    assert _sweep(DONE + timedelta(hours=2)) == (1, {"reply": [replied.pk]})
    # Past the two-day look-back the sweep no longer looks (docs/timers.md).
    assert _sweep(DONE + timedelta(days=2, hours=1)) == (0, {})


def test_after_a_long_broker_outage_a_longer_look_back_finds_the_letter(replied: Any) -> None:
    # The periodic sweep looks two days back; by hand it looks as far as it is told.
    later = DONE + timedelta(days=5)
    assert _sweep(later) == (0, {})
    out = StringIO()
    with mock.patch.object(documents_generate_task, "delay") as delay:
        call_command(
            "sweep_deadlines", "--at", later.isoformat(), "--look-back-days", "6", stdout=out
        )
    assert json.loads(out.getvalue())["letters_requeued"] == 1
    delay.assert_called_once_with(complaint_ids=[replied.pk], kind="reply")


def test_a_dry_run_counts_without_queuing(
    org: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = people(org, unit)
    extended = case(org, unit, day=date(2026, 11, 2))
    _lost(
        django_capture_on_commit_callbacks,
        lambda: complaint_extend(
            complaint_id=extended.pk, actor=Actor.staff(staff["handler"]), now=DONE, reason="Syy."
        ),
    )
    with mock.patch.object(documents_generate_task, "delay") as delay:
        result = deadlines_sweep(now=DONE + timedelta(hours=2), dry_run=True)
    assert result["letters_requeued"] == 1
    delay.assert_not_called()


def test_with_the_broker_still_down_nothing_counts_as_requeued(replied: Any) -> None:
    down = OperationalError("Error 111 connecting to localhost:6379. Connection refused.")
    with mock.patch.object(documents_generate_task, "delay", side_effect=down):
        result = deadlines_sweep(now=DONE + timedelta(hours=2))
    assert result["letters_requeued"] == 0
    # The next sweep, with the broker back, finds it still missing.
    assert _sweep(DONE + timedelta(hours=2, minutes=5)) == (1, {"reply": [replied.pk]})


def test_a_letter_still_missing_is_queued_again_every_half_hour_not_every_sweep(
    replied: Any,
) -> None:
    """Its generation keeps failing, say: not queued at every sweep for two days."""
    first = DONE + timedelta(hours=1, minutes=5)

    assert _sweep(first) == (1, {"reply": [replied.pk]})
    assert _sweep(first + timedelta(minutes=5)) == (0, {})
    assert _sweep(first + timedelta(minutes=29)) == (0, {})
    assert _sweep(first + REQUEUE_EVERY) == (1, {"reply": [replied.pk]})
    assert _sweep(first + REQUEUE_EVERY + timedelta(minutes=5)) == (0, {})


def test_a_missing_escalation_note_is_paced_the_same_way(org: Any, unit: Any) -> None:
    overdue = case(org, unit, day=date(2026, 11, 2))
    DeadlineBreach.objects.create(
        complaint=overdue, tier=BreachTier.OVERDUE, due_date=date(2026, 12, 2), recorded_at=DONE
    )

    def notes_queued(moment: Any) -> tuple[int, list[int]]:
        with mock.patch.object(documents_generate_task, "delay") as delay:
            result = deadlines_sweep(now=moment)
        ids = [pk for call in delay.call_args_list for pk in call.kwargs["complaint_ids"]]
        return int(result["escalation_notes_requeued"]), ids

    first = DONE + timedelta(hours=2)
    assert notes_queued(first) == (1, [overdue.pk])
    assert notes_queued(first + timedelta(minutes=10)) == (0, [])
    assert notes_queued(first + REQUEUE_EVERY) == (1, [overdue.pk])


def test_a_longer_look_back_also_finds_an_older_missing_escalation_note(
    org: Any, unit: Any
) -> None:
    overdue = case(org, unit, day=date(2026, 11, 2))
    DeadlineBreach.objects.create(
        complaint=overdue, tier=BreachTier.OVERDUE, due_date=date(2026, 12, 2), recorded_at=DONE
    )
    later = DONE + timedelta(days=5)
    with mock.patch.object(documents_generate_task, "delay") as delay:
        assert deadlines_sweep(now=later)["escalation_notes_requeued"] == 0
        result = deadlines_sweep(now=later, look_back=timedelta(days=6))
    assert result["escalation_notes_requeued"] == 1
    delay.assert_called_once_with(
        complaint_ids=[overdue.pk], kind=Document.Kind.INTERNAL_ESCALATION.value
    )


def test_with_the_cache_down_every_missing_letter_is_queued(replied: Any) -> None:
    down = mock.Mock()
    down.get_many.side_effect = down.set_many.side_effect = ConnectionError("cache down")
    with mock.patch.object(requeue_pace, "cache", down):
        assert _sweep(DONE + timedelta(hours=2)) == (1, {"reply": [replied.pk]})
        assert _sweep(DONE + timedelta(hours=2, minutes=5)) == (1, {"reply": [replied.pk]})


def test_a_letter_made_after_midnight_is_dated_the_day_of_its_decision(
    org: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = people(org, unit)
    replied = case(org, unit, day=date(2026, 11, 2))
    late_evening = at(DAY, 23, 50)
    with frozen(late_evening), django_capture_on_commit_callbacks(execute=False):
        complaint_submit_reply(
            complaint_id=replied.pk,
            actor=Actor.staff(staff["handler"]),
            now=late_evening,
            text="Vastaus.",
        )
        complaint_approve_reply(
            complaint_id=replied.pk, actor=Actor.staff(staff["official"]), now=late_evening
        )

    letter = document_generate(
        complaint_id=replied.pk, kind="reply", now=late_evening + timedelta(hours=2)
    )
    with letter.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "20.11.2026" in text
    assert "21.11.2026" not in text
    assert letter.created_at == late_evening + timedelta(hours=2)
