"""A backlog is swept in batches, each its own transaction, and still flags every case once."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from complaints.choices import Status
from complaints.models import CaseEvent, DeadlineBreach
from tests.factories import ComplaintFactory, received_on
from workflow import sweeps

HELSINKI = ZoneInfo("Europe/Helsinki")
LATENESS_FLAGS = ("overdue", "very_overdue")


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


def _statements_of_a_sweep(org, unit, handler, n, day, moment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(n):
        ComplaintFactory.in_state(
            Status.IN_HANDLING,
            organisation=org,
            service_unit=unit,
            handler=handler,
            client_email="asiakas@example.fi",
            received_at=received_on(day),
        )
    with CaptureQueriesContext(connection) as queries:
        result = sweeps.deadlines_sweep(now=moment)
    assert (result["flagged_overdue"], result["flagged_very_overdue"]) == (n, n)
    return [q["sql"][:60] for q in queries.captured_queries]


def test_notices_notes_and_escalations_keep_the_statement_count_fixed(
    org, unit, django_capture_on_commit_callbacks
):
    """Follow-ups of new breaches (emails, inbox items, events) are bulk writes: the same
    statements for 3 cases as for 20, each of which notifies four people. (Django caps a
    statement at 999 parameters on SQLite, so there a bulk INSERT is split every ~70 rows;
    on PostgreSQL it is one statement however many.)"""
    from complaints.choices import Role
    from notifications.models import InboxItem, Notification
    from tests.factories import staff_user

    handler = staff_user("kasittelija", Role.HANDLER, organisation=org, all_units=True)
    official = staff_user("vastuu", Role.APPROVER, organisation=org, all_units=True)
    leading = staff_user("johtava", Role.APPROVER, organisation=org, all_units=True)
    for user in (handler, official, leading):
        user.email = f"{user.username}@example.fi"
        user.save()
    unit.responsible_official = official
    unit.save()
    org.leading_official = leading
    org.save()

    with django_capture_on_commit_callbacks():
        few = _statements_of_a_sweep(
            org, unit, handler, 3, date(2026, 9, 1), datetime(2026, 12, 1, 8, tzinfo=HELSINKI)
        )
        many = _statements_of_a_sweep(
            org, unit, handler, 20, date(2026, 10, 1), datetime(2027, 1, 15, 8, tzinfo=HELSINKI)
        )
    import difflib

    assert len(many) == len(few), "\n".join(difflib.unified_diff(few, many, lineterm=""))
    # Per case: handler, official and complainant when overdue, the leading official when
    # very overdue.
    assert Notification.objects.count() == 23 * 4
    assert InboxItem.objects.count() == 23 * 3
    assert CaseEvent.objects.filter(kind="escalated_internally").count() == 23


def test_one_case_failing_in_a_note_batch_does_not_stop_the_others(db, caplog):
    """The worker makes internal notes 100 cases per task: one failure is logged, the rest
    are made, and the failed one is left for the sweep's re-queue."""
    from unittest import mock

    from complaints.models import Document
    from tests.factories import ComplaintFactory
    from workflow import documents
    from workflow.tasks import documents_generate_task

    first, second = ComplaintFactory(), ComplaintFactory()
    real = documents.document_generate

    def flaky(*, complaint_id, kind, now):
        if complaint_id == first.pk:
            raise RuntimeError("font missing")
        return real(complaint_id=complaint_id, kind=kind, now=now)

    with mock.patch.object(documents, "document_generate", flaky):
        documents_generate_task(complaint_ids=[first.pk, second.pk], kind="internal_escalation")
    made = set(Document.objects.values_list("complaint_id", flat=True))
    assert made == {second.pk}
    assert "font missing" in caplog.text


def test_the_due_probes_read_the_earliest_due_date_not_a_bare_exists(db):
    """With nothing due, each lateness tier asks for the earliest due date of its open,
    unflagged cases, which only the start of its partial index can answer. A bare EXISTS
    was left to the row estimate and read the whole table at a million cases (run V)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ComplaintFactory.in_state(Status.IN_HANDLING, received_at=received_on(date(2026, 11, 2)))
    with CaptureQueriesContext(connection) as queries:
        result = sweeps.deadlines_sweep(now=datetime(2026, 11, 20, 8, tzinfo=HELSINKI))

    assert result["flagged_overdue"] == result["flagged_very_overdue"] == 0
    probes = [
        query["sql"]
        for query in queries.captured_queries
        for flag in (f'NOT "complaints_complaint"."{name}"' for name in LATENESS_FLAGS)
        if query["sql"].startswith("SELECT")
        and flag in query["sql"]
        and '"complaints_complaint"."due_date" <' in query["sql"]
        and "reminded" not in query["sql"]
    ]
    assert len(probes) == 2, probes
    for probe in probes:
        assert probe.startswith('SELECT "complaints_complaint"."due_date" AS "due_date" FROM')
        assert re.search(r'ORDER BY (1|"complaints_complaint"\."due_date") ASC LIMIT 1$', probe)


def test_no_timer_asks_with_a_bare_exists(db):
    """The reminder windows and the statement timers ask the same way (``any_due``): at a
    million cases the late-statement probe walked every open case (tenth round)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.models import AuthorityRequest, StatementRequest

    complaint = ComplaintFactory.in_state(
        Status.IN_HANDLING, received_at=received_on(date(2026, 11, 2))
    )
    StatementRequest.objects.create(
        complaint=complaint,
        respondent_email="tyontekija@example.fi",
        question="?",
        due_date=date(2026, 11, 30),
        token_hash="1" * 64,
        requested_by=get_user_model().objects.create(username="kasittelija"),
        requested_at=datetime(2026, 11, 3, 8, tzinfo=HELSINKI),
    )
    AuthorityRequest.objects.create(
        complaint=complaint,
        diary_number="LVV/1/2026",
        received_on=date(2026, 11, 2),
        due_date=date(2026, 12, 10),
        created_at=datetime(2026, 11, 2, 8, tzinfo=HELSINKI),
    )
    with CaptureQueriesContext(connection) as queries:
        result = sweeps.deadlines_sweep(now=datetime(2026, 11, 20, 8, tzinfo=HELSINKI))

    assert result["reminded"] == result["statements_reminded"] == 0
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith('SELECT 1 AS "a"')]
    for table, probes in (
        ("complaints_complaint", 2 + 2),  # two reminder windows, two lateness tiers
        ("complaints_statementrequest", 2),
        ("complaints_authorityrequest", 2),
    ):
        found = [sql for sql in statements if sql.startswith(f'SELECT "{table}"."due_date"')]
        assert len(found) == probes, found
        assert all(re.search(r"ORDER BY \S+ ASC LIMIT 1$", sql) for sql in found), found
    # The statement probes repeat statement_live_idx's condition, or it cannot serve them.
    for sql in statements:
        if sql.startswith('SELECT "complaints_statementrequest"."due_date"'):
            assert '"complaints_statementrequest"."answered_at" IS NULL' in sql
            assert '"complaints_statementrequest"."cancelled_at" IS NULL' in sql
