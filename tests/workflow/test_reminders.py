"""Reminders before the due date: right days, once per due date and lead time, moved by an
extension, to the handler or else the unit's responsible official."""

from datetime import date, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

from complaints.actors import Actor
from complaints.choices import Role, Status
from complaints.models import Complaint, DeadlineReminder
from notifications.models import Notification
from tests.factories import ComplaintFactory, received_on, staff_user
from workflow.sweeps import deadlines_sweep
from workflow.transitions import complaint_extend

HELSINKI = ZoneInfo("Europe/Helsinki")


def _at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=HELSINKI)


def test_seven_and_two_days_before_once_each(org, unit):
    handler = staff_user("h", Role.HANDLER, organisation=org, all_units=True)
    handler.email = "kasittelija@example.fi"
    handler.save()
    complaint = ComplaintFactory.in_state(
        Status.IN_HANDLING,
        organisation=org,
        service_unit=unit,
        handler=handler,
        received_at=received_on(date(2026, 11, 2)),
    )
    assert complaint.due_date == date(2026, 12, 2)

    assert deadlines_sweep(now=_at(date(2026, 11, 24)))["reminded"] == 0  # 8 days before
    assert deadlines_sweep(now=_at(date(2026, 11, 25)))["reminded"] == 1  # 7 days before
    assert deadlines_sweep(now=_at(date(2026, 11, 25), 9))["reminded"] == 0  # once
    assert deadlines_sweep(now=_at(date(2026, 11, 29)))["reminded"] == 0
    assert deadlines_sweep(now=_at(date(2026, 11, 30)))["reminded"] == 1  # 2 days before
    assert deadlines_sweep(now=_at(date(2026, 12, 1)))["reminded"] == 0
    assert list(DeadlineReminder.objects.values_list("days_before", flat=True).order_by("pk")) == [
        7,
        2,
    ]
    notices = Notification.objects.filter(recipient="kasittelija@example.fi")
    assert notices.count() == 2
    assert all(complaint.reference in n.subject for n in notices)
    assert all(complaint.description not in n.body_text for n in notices)


def _responsible_official(org, unit):
    """The unit gets a responsible official with an email address."""
    official = staff_user("vastuu", Role.APPROVER, organisation=org)
    official.email = "vastuuhenkilo@example.fi"
    official.save()
    unit.responsible_official = official
    unit.save()


def test_a_case_due_tomorrow_gets_only_the_nearest_reminder(org, unit):
    _responsible_official(org, unit)
    ComplaintFactory.in_state(
        Status.RECEIVED,
        organisation=org,
        service_unit=unit,
        received_at=received_on(date(2026, 11, 2)),
    )
    result = deadlines_sweep(now=_at(date(2026, 12, 1)))
    assert result["reminded"] == 1
    assert DeadlineReminder.objects.get().days_before == 2
    assert Notification.objects.get().recipient == "vastuuhenkilo@example.fi"


def test_an_extension_brings_new_reminders_for_the_new_date(org, unit, handler):
    complaint = ComplaintFactory.in_state(
        Status.IN_HANDLING,
        organisation=org,
        service_unit=unit,
        handler=handler,
        received_at=received_on(date(2026, 11, 2)),
    )
    deadlines_sweep(now=_at(date(2026, 11, 25)))
    complaint_extend(
        complaint_id=complaint.pk,
        actor=Actor.staff(handler),
        now=_at(date(2026, 11, 26)),
        reason="Laajempi selvitys",
    )
    assert deadlines_sweep(now=_at(date(2026, 12, 26)))["reminded"] == 0
    result = deadlines_sweep(now=_at(date(2026, 12, 28)))  # due Sat 2.1.2027 → Mon 4.1.2027
    assert result["reminded"] == 1
    assert set(DeadlineReminder.objects.values_list("due_date", flat=True)) == {
        date(2026, 12, 2),
        date(2027, 1, 4),
    }


def test_dry_run_counts_without_reminding(org, unit, handler):
    ComplaintFactory.in_state(
        Status.IN_HANDLING,
        organisation=org,
        service_unit=unit,
        handler=handler,
        received_at=received_on(date(2026, 11, 2)),
    )
    assert deadlines_sweep(now=_at(date(2026, 11, 25)), dry_run=True)["reminded"] == 1
    assert not DeadlineReminder.objects.exists()


def test_a_handler_without_email_gets_the_inbox_item_and_nobody_else_the_email(org, unit):
    """The email and the inbox item go to the same person: the one who holds the case."""
    from notifications.models import InboxItem

    _responsible_official(org, unit)
    handler = staff_user("h", Role.HANDLER, organisation=org, all_units=True)  # no email
    ComplaintFactory.in_state(
        Status.IN_HANDLING,
        organisation=org,
        service_unit=unit,
        handler=handler,
        received_at=received_on(date(2026, 11, 2)),
    )
    assert deadlines_sweep(now=_at(date(2026, 12, 1)))["reminded"] == 1
    assert DeadlineReminder.objects.get().recipient_id == handler.pk
    assert list(InboxItem.objects.values_list("user_id", flat=True)) == [handler.pk]
    assert not Notification.objects.exists()


def _case_due_2_december(org, unit, handler, status=Status.IN_HANDLING):
    return ComplaintFactory.in_state(
        status,
        organisation=org,
        service_unit=unit,
        handler=handler,
        received_at=received_on(date(2026, 11, 2)),
    )


def test_the_case_carries_the_due_date_and_lead_it_was_last_reminded_for(org, unit, handler):
    complaint = _case_due_2_december(org, unit, handler)
    assert (complaint.reminded_due_date, complaint.reminded_days_before) == (None, None)
    deadlines_sweep(now=_at(date(2026, 11, 25)))
    complaint.refresh_from_db()
    assert (complaint.reminded_due_date, complaint.reminded_days_before) == (date(2026, 12, 2), 7)
    # Reminded at 7 days: the 2-day window still reminds it, and then it carries 2.
    assert deadlines_sweep(now=_at(date(2026, 11, 30)))["reminded"] == 1
    complaint.refresh_from_db()
    assert (complaint.reminded_due_date, complaint.reminded_days_before) == (date(2026, 12, 2), 2)


def test_a_reminder_recorded_before_the_case_carried_it_is_not_sent_again(org, unit, handler):
    """Cases reminded before the upgrade have no hint: the record still keeps them once."""
    complaint = _case_due_2_december(org, unit, handler)
    DeadlineReminder.objects.create(
        complaint=complaint,
        due_date=complaint.due_date,
        days_before=7,
        sent_at=_at(date(2026, 11, 25)),
    )
    assert deadlines_sweep(now=_at(date(2026, 11, 26)))["reminded"] == 0
    assert not Notification.objects.exists()


def test_the_upgrade_fills_in_what_open_cases_were_reminded_for(org, unit, handler):
    from django.apps import apps

    fill = import_module("complaints.migrations.0010_reminder_hint").hints_fill
    reminded = _case_due_2_december(org, unit, handler)
    moved = _case_due_2_december(org, unit, handler)
    closed = _case_due_2_december(org, unit, handler, status=Status.CLOSED)
    sent = _at(date(2026, 11, 25))
    for complaint, due, days in [
        (reminded, date(2026, 12, 2), 7),
        (reminded, date(2026, 12, 2), 2),
        (moved, date(2026, 11, 30), 2),  # for a due date the case no longer has
        (closed, date(2026, 12, 2), 7),
    ]:
        DeadlineReminder.objects.create(
            complaint=complaint, due_date=due, days_before=days, sent_at=sent
        )
    fill(apps, None)
    hints = {
        pk: (due, days)
        for pk, due, days in Complaint.objects.values_list(
            "pk", "reminded_due_date", "reminded_days_before"
        )
    }
    assert hints == {
        reminded.pk: (date(2026, 12, 2), 2),
        moved.pk: (None, None),
        closed.pk: (None, None),
    }


def test_a_case_carrying_its_due_date_and_lead_is_not_looked_up_again(org, unit, handler):
    """The hint alone keeps a window from reminding it; a hint for another due date or a
    larger lead does not."""
    from workflow.reminders import _candidates

    complaint = _case_due_2_december(org, unit, handler)
    window_7 = (7, date(2026, 11, 28), date(2026, 12, 2))
    window_2 = (2, date(2026, 11, 30), date(2026, 12, 2))
    cases = Complaint.objects.filter(pk=complaint.pk)
    assert _candidates(*window_7).exists()

    cases.update(reminded_due_date=date(2026, 12, 2), reminded_days_before=7)
    assert not _candidates(*window_7).exists()  # no DeadlineReminder row: the hint decides
    assert _candidates(*window_2).exists()

    cases.update(reminded_due_date=date(2026, 11, 30), reminded_days_before=2)
    assert _candidates(*window_7).exists()
