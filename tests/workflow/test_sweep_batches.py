"""A backlog is swept in batches, each its own transaction, and still flags every case once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from complaints.choices import Status
from complaints.models import CaseEvent, DeadlineBreach
from tests.factories import ComplaintFactory, received_on
from workflow import sweeps

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_backlog_larger_than_a_batch_is_flagged_completely(db, monkeypatch):
    monkeypatch.setattr(sweeps, "SWEEP_BATCH", 2)
    cases = [
        ComplaintFactory.in_state(Status.RECEIVED, received_at=received_on(date(2026, 9, day)))
        for day in range(1, 8)
    ]
    result = sweeps.deadlines_sweep(now=datetime(2026, 11, 20, 8, tzinfo=HELSINKI))
    assert result["flagged_overdue"] == len(cases)
    assert DeadlineBreach.objects.filter(tier="overdue").count() == len(cases)
    assert CaseEvent.objects.filter(kind="overdue").count() == len(cases)
    again = sweeps.deadlines_sweep(now=datetime(2026, 11, 20, 8, tzinfo=HELSINKI))
    assert again["flagged_overdue"] == 0
