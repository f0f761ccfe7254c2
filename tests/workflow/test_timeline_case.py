"""The whole life of a late case in frozen time: reminders on the right days, overdue the
Helsinki day after the due date, very overdue a month on, an extension moving everything —
and each notice once, however often the sweep runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from complaints.actors import Actor
from complaints.choices import BreachTier, EventKind
from complaints.models import CaseEvent, DeadlineBreach, DeadlineReminder, Document
from notifications.models import InboxItem, Notification
from tests.workflow.timeline import CLIENT, at, case, frozen, people, snapshot, sweep_at
from workflow.transitions import complaint_extend


@pytest.fixture
def staff(org: Any, unit: Any) -> dict[str, Any]:
    return people(org, unit)


def _emails(**filters: Any) -> list[str]:
    return sorted(Notification.objects.filter(**filters).values_list("recipient", flat=True))


def test_a_late_case_from_filing_to_escalation(
    org: Any, unit: Any, staff: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    complaint = case(org, unit, day=date(2026, 11, 2), handler=staff["handler"])
    assert complaint.due_date == date(2026, 12, 2)

    reminders = [
        (date(2026, 11, 24), 0),  # 8 days before
        (date(2026, 11, 25), 1),  # 7 days before
        (date(2026, 11, 29), 0),
        (date(2026, 11, 30), 1),  # 2 days before
        (date(2026, 12, 2), 0),  # the due date itself
    ]
    for day, expected in reminders:
        assert sweep_at(at(day), capture)[0]["reminded"] == expected, day
    assert _emails() == ["kasittelija@example.fi"] * 2
    assert InboxItem.objects.filter(user=staff["handler"]).count() == 2

    # The due date's last minute: not late. The next Helsinki midnight: late.
    result, notes = sweep_at(at(date(2026, 12, 2), 23, 59), capture)
    assert (result["flagged_overdue"], notes) == (0, [])
    result, notes = sweep_at(at(date(2026, 12, 3), 0, 0), capture)
    assert (result["flagged_overdue"], result["flagged_very_overdue"]) == (1, 0)
    assert notes == [complaint.pk]  # the internal escalation note, queued for the worker
    overdue = Notification.objects.filter(dedupe_key__contains=":overdue:")
    assert sorted(overdue.values_list("recipient", flat=True)) == [
        "kasittelija@example.fi",
        "vastuuhenkilo@example.fi",
    ]
    assert all(f"/staff/cases/{complaint.reference}/" in n.body_text for n in overdue)
    delay = Notification.objects.get(recipient=CLIENT)
    assert complaint.reference in delay.subject
    assert "Lupa- ja valvontavirasto" in delay.body_text
    assert complaint.description not in delay.body_text + delay.body_html
    assert set(
        InboxItem.objects.filter(dedupe_key__contains=":overdue:").values_list(
            "user__username", flat=True
        )
    ) == {"kasittelija", "vastuuhenkilo"}

    # Sweeps go on every few minutes: nothing new until the next tier.
    before = snapshot(complaint)
    for moment in [at(date(2026, 12, 3), 0, 5), at(date(2026, 12, 20)), at(date(2027, 1, 2), 23)]:
        result, notes = sweep_at(moment, capture)
        assert (result["flagged_overdue"], result["flagged_very_overdue"], notes) == (0, 0, [])
    assert snapshot(complaint) == before

    # A month past the due date: escalated to the leading official, once.
    result, notes = sweep_at(at(date(2027, 1, 3), 0, 0), capture)
    assert (result["flagged_overdue"], result["flagged_very_overdue"], notes) == (0, 1, [])
    assert _emails(dedupe_key__contains=":very_overdue:") == ["johtava@example.fi"]
    assert InboxItem.objects.filter(user=staff["leading"]).count() == 1
    event = CaseEvent.objects.get(complaint=complaint, kind=EventKind.ESCALATED_INTERNALLY)
    assert not event.public
    after = snapshot(complaint)
    sweep_at(at(date(2027, 2, 1)), capture)
    assert snapshot(complaint) == after
    assert after["breaches"] == [BreachTier.OVERDUE, BreachTier.VERY_OVERDUE]
    assert after["events"].count(EventKind.OVERDUE) == 1
    assert after["events"].count(EventKind.VERY_OVERDUE) == 1


@pytest.mark.parametrize(
    ("received", "due", "last_minute_utc", "midnight_utc"),
    [
        # Due Tue 27.10.2026, after clocks went back on Sun 25.10: midnight is 22:00Z.
        (date(2026, 9, 27), date(2026, 10, 27), (2026, 10, 27, 21, 59), (2026, 10, 27, 22, 0)),
        # Due Tue 30.3.2027, after clocks went forward on Sun 28.3: midnight is 21:00Z.
        (date(2027, 2, 28), date(2027, 3, 30), (2027, 3, 30, 20, 59), (2027, 3, 30, 21, 0)),
    ],
    ids=["autumn", "spring"],
)
def test_daylight_saving_changes_move_midnight_not_the_day(
    org: Any,
    unit: Any,
    staff: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    received: date,
    due: date,
    last_minute_utc: tuple[int, ...],
    midnight_utc: tuple[int, ...],
) -> None:
    capture = django_capture_on_commit_callbacks
    complaint = case(org, unit, day=received, handler=staff["handler"])
    assert complaint.due_date == due

    # The 2-day reminder falls on the Sunday of the change, from its Helsinki midnight.
    sunday = date(due.year, due.month, due.day - 2)
    assert sweep_at(at(sunday, 0, 30), capture)[0]["reminded"] == 1
    assert DeadlineReminder.objects.get().days_before == 2

    before = datetime(*last_minute_utc, tzinfo=UTC)
    assert sweep_at(before, capture)[0]["flagged_overdue"] == 0
    assert sweep_at(datetime(*midnight_utc, tzinfo=UTC), capture)[0]["flagged_overdue"] == 1
    assert DeadlineBreach.objects.get(complaint=complaint).due_date == due


def test_an_extension_moves_reminders_and_flags(
    org: Any, unit: Any, staff: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    handler = staff["handler"]
    complaint = case(org, unit, day=date(2026, 11, 2), handler=handler)
    assert sweep_at(at(date(2026, 11, 25)), capture)[0]["reminded"] == 1
    with frozen(at(date(2026, 11, 26))), capture(execute=False):
        extended = complaint_extend(
            complaint_id=complaint.pk,
            actor=Actor.staff(handler),
            now=at(date(2026, 11, 26)),
            reason="Laajempi selvitys",
        )
    assert extended.due_date == date(2027, 1, 4)  # 2.1.2027 is a Saturday

    # The old dates pass quietly.
    for day in [date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 27)]:
        result, notes = sweep_at(at(day), capture)
        assert (result["reminded"], result["flagged_overdue"], notes) == (0, 0, []), day
    # The new ones count.
    assert sweep_at(at(date(2026, 12, 28)), capture)[0]["reminded"] == 1  # 7 days before
    assert sweep_at(at(date(2027, 1, 2)), capture)[0]["reminded"] == 1  # 2 days before
    assert sweep_at(at(date(2027, 1, 4), 23, 59), capture)[0]["flagged_overdue"] == 0
    result, notes = sweep_at(at(date(2027, 1, 5), 0, 0), capture)
    assert (result["flagged_overdue"], notes) == (1, [complaint.pk])
    assert DeadlineBreach.objects.get(complaint=complaint).due_date == date(2027, 1, 4)
    assert sweep_at(at(date(2027, 2, 4), 23), capture)[0]["flagged_very_overdue"] == 0
    assert sweep_at(at(date(2027, 2, 5), 0, 0), capture)[0]["flagged_very_overdue"] == 1
    assert sorted(DeadlineReminder.objects.values_list("due_date", "days_before")) == [
        (date(2026, 12, 2), 7),
        (date(2027, 1, 4), 2),
        (date(2027, 1, 4), 7),
    ]
    assert (
        Notification.objects.filter(recipient=CLIENT, dedupe_key__endswith="delay_notice").count()
        == 1
    )


def test_late_again_after_an_extension_is_flagged_but_not_told_twice(
    org: Any, unit: Any, staff: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    handler = staff["handler"]
    complaint = case(org, unit, day=date(2026, 10, 5), handler=handler)  # due 5.11.2026
    result, notes = sweep_at(at(date(2026, 11, 6)), capture)
    assert (result["flagged_overdue"], notes) == (1, [complaint.pk])
    emails = Notification.objects.count()
    with frozen(at(date(2026, 11, 10))), capture(execute=False):
        complaint_extend(
            complaint_id=complaint.pk,
            actor=Actor.staff(handler),
            now=at(date(2026, 11, 10)),
            reason="Laajempi selvitys",
        )
    complaint.refresh_from_db()
    assert not complaint.overdue
    assert complaint.due_date == date(2026, 12, 7)
    # The extension told the complainant (status notice); nothing else was sent.
    assert Notification.objects.count() == emails + 1

    result, notes = sweep_at(at(date(2026, 12, 8)), capture)
    assert (result["flagged_overdue"], notes) == (1, [])
    complaint.refresh_from_db()
    assert complaint.overdue
    # One breach per tier, with the first due date; the notices of that tier went once.
    assert list(DeadlineBreach.objects.values_list("tier", "due_date")) == [
        (BreachTier.OVERDUE, date(2026, 11, 5))
    ]
    assert Notification.objects.count() == emails + 1
    assert Notification.objects.filter(dedupe_key__endswith="delay_notice").count() == 1


def test_a_retried_task_and_a_second_sweep_send_nothing_twice(
    org: Any, unit: Any, staff: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    cases = [case(org, unit, day=date(2026, 9, 1), handler=staff["handler"]) for _ in range(3)]
    moment = at(date(2026, 11, 20))  # due 1.10.2026: overdue and very overdue
    first, notes = sweep_at(moment, capture)
    assert (first["flagged_overdue"], first["flagged_very_overdue"]) == (3, 3)
    assert sorted(notes) == sorted(c.pk for c in cases)
    states = [snapshot(c) for c in cases]
    emails, inbox = Notification.objects.count(), InboxItem.objects.count()
    # 3 × (handler, official, complainant) + 3 × leading official.
    assert emails == 12
    for _ in range(2):  # Celery retries the task; beat's next run overlaps
        again, notes = sweep_at(moment, capture)
        assert (again["flagged_overdue"], again["flagged_very_overdue"], notes) == (0, 0, [])
    assert [snapshot(c) for c in cases] == states
    assert (Notification.objects.count(), InboxItem.objects.count()) == (emails, inbox)
    assert not Document.objects.exists()  # the worker makes the notes, not the sweep
