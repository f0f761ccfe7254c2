"""Two sweeps at once (beat's next run while a slow one still works, or two beat processes by
mistake): each case is flagged, noted and notified once. Runs on SQLite (one writer at a
time) and, in CI, on PostgreSQL, where the sweeps skip each other's locked rows."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection

from complaints.choices import EventKind
from complaints.models import CaseEvent, DeadlineBreach
from notifications.models import InboxItem, Notification
from tests.workflow.timeline import at, case, people
from workflow import sweeps


@pytest.mark.django_db(transaction=True)
def test_overlapping_sweeps_act_once(monkeypatch: Any) -> None:
    from tests.factories import OrganisationFactory, ServiceUnitFactory

    org = OrganisationFactory(slug="kemi", reference_prefix="KEMI")
    unit = ServiceUnitFactory(organisation=org)
    staff = people(org, unit)
    cases = [case(org, unit, day=date(2026, 9, 1), handler=staff["handler"]) for _ in range(12)]
    monkeypatch.setattr(sweeps, "SWEEP_BATCH", 5)  # several batches each, interleaving
    moment = at(date(2026, 11, 20))
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def sweep() -> None:
        try:
            start.wait()
            results.append(sweeps.deadlines_sweep(now=moment))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r["flagged_overdue"] for r in results) == len(cases)
    assert sum(r["flagged_very_overdue"] for r in results) == len(cases)
    assert DeadlineBreach.objects.count() == 2 * len(cases)
    assert CaseEvent.objects.filter(kind=EventKind.OVERDUE).count() == len(cases)
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATED_INTERNALLY).count() == len(cases)
    # handler, official and complainant when overdue; the leading official when very overdue
    assert Notification.objects.count() == 4 * len(cases)
    assert InboxItem.objects.count() == 3 * len(cases)
