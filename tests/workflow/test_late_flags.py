"""Moving a due date later clears lateness flags that no longer hold; breaches stay."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from complaints.actors import Actor
from complaints.choices import Status
from complaints.models import ClosureDay, DeadlineBreach
from tests.factories import ComplaintFactory, received_on
from workflow.calendar import due_dates_recompute
from workflow.sweeps import deadlines_sweep, late_flags_to_clear
from workflow.transitions import complaint_extend

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_flags_are_only_cleared_never_set():
    assert late_flags_to_clear(due_date=date(2026, 12, 1), today=date(2026, 12, 1)) == {
        "overdue": False,
        "very_overdue": False,
    }
    assert late_flags_to_clear(due_date=date(2026, 12, 1), today=date(2026, 12, 2)) == {
        "very_overdue": False
    }
    assert late_flags_to_clear(due_date=date(2026, 10, 1), today=date(2026, 12, 2)) == {}


def test_extension_after_the_first_deadline_clears_overdue_but_keeps_the_breach(org, handler):
    complaint = ComplaintFactory.in_state(
        Status.IN_HANDLING,
        organisation=org,
        handler=handler,
        received_at=received_on(date(2026, 10, 5)),
    )
    deadlines_sweep(now=datetime(2026, 11, 10, 9, 0, tzinfo=HELSINKI))
    complaint.refresh_from_db()
    assert complaint.overdue

    extended = complaint_extend(
        complaint_id=complaint.pk,
        actor=Actor.staff(handler),
        now=datetime(2026, 11, 10, 10, 0, tzinfo=HELSINKI),
        reason="Laajempi selvitys",
    )
    assert extended.due_date == date(2026, 12, 7)  # 5.12.2026 is a Saturday
    assert not extended.overdue
    assert DeadlineBreach.objects.filter(complaint=complaint, tier="overdue").count() == 1


def test_recompute_after_a_new_closure_day_clears_overdue(org):
    complaint = ComplaintFactory.in_state(
        Status.RECEIVED, organisation=org, received_at=received_on(date(2026, 11, 2))
    )
    assert complaint.due_date == date(2026, 12, 2)
    deadlines_sweep(now=datetime(2026, 12, 3, 0, 30, tzinfo=HELSINKI))
    complaint.refresh_from_db()
    assert complaint.overdue

    ClosureDay.objects.create(organisation=org, date=date(2026, 12, 2))
    ClosureDay.objects.create(organisation=org, date=date(2026, 12, 3))
    changed = due_dates_recompute(
        organisation=org, actor=Actor.system(), now=datetime(2026, 12, 3, 8, tzinfo=HELSINKI)
    )
    complaint.refresh_from_db()
    assert changed == 1
    assert complaint.due_date == date(2026, 12, 4)
    assert not complaint.overdue
