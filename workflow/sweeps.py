"""The deadline sweep: flag open cases past their due date, set-based and idempotent.

Work is proportional to the cases that change: the candidate queries use the partial
indexes on ``due_date`` for unflagged open cases, and each tier is one locked SELECT, one
UPDATE and two bulk INSERTs however many cases it flags. A breach is recorded once per case
and tier (unique constraint) even when two sweeps overlap; ``skip_locked`` keeps them apart.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    DateTimeField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_datetime

from complaints.actors import Actor
from complaints.bulk import insert_from_select
from complaints.choices import OPEN_STATES, BreachTier, EventKind, ReplyDelivery
from complaints.clock import helsinki_date
from complaints.models import CaseEvent, Complaint, DeadlineBreach, Document
from workflow.breach_follow_ups import breaches_follow_up
from workflow.due_probe import any_due
from workflow.letter_events import BREACH_LETTERS, DATED_BY_EVENT
from workflow.reminders import reminders_send
from workflow.requeue_pace import documents_requeue_paced
from workflow.statement_timers import statements_sweep

SWEEP_BATCH = 5000
REQUEUE_AFTER = timedelta(hours=1)
REQUEUE_WINDOW = timedelta(days=2)
# The letters a transition has the worker make after its commit (``document_generate_on_commit``
# in workflow/transitions.py), with the event it records: the letters that write down an
# event (``DATED_BY_EVENT``) but those re-queued by their breach (``BREACH_LETTERS``). A
# letter of ``REPORT_BACK`` is made only for a kantelu the authority transferred back.
_TRANSITION_LETTERS = {
    kind: event_kind for kind, event_kind in DATED_BY_EVENT.items() if kind not in BREACH_LETTERS
}
LETTERS_OF_EVENTS: dict[str, tuple[Document.Kind, ...]] = {
    event_kind: tuple(kind for kind, of in _TRANSITION_LETTERS.items() if of == event_kind)
    for event_kind in _TRANSITION_LETTERS.values()
}


def moment_parse(value: str) -> datetime:
    """An ISO datetime with an offset (``--at`` of the sweep); ``ValueError`` otherwise."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(
            f"Not an ISO datetime with an offset: {value!r} (e.g. 2026-12-29T08:00+02:00)"
        )
    return parsed


def very_overdue_cutoff(today: date) -> date:
    """Cases due before this day are very overdue (more than N months past the due date)."""
    return today - relativedelta(months=settings.VERY_OVERDUE_MONTHS_PAST_DUE)


def late_flags_to_clear(*, due_date: date, today: date) -> dict[str, bool]:
    """After a due date moved: the lateness flags that no longer hold, set to False.

    Flags are only ever *cleared* here; setting them is the sweep's job, because the sweep
    also writes the breach record and the event.
    """
    cleared = {}
    if today <= due_date:
        cleared["overdue"] = False
    if due_date >= very_overdue_cutoff(today):
        cleared["very_overdue"] = False
    return cleared


def breaches_record_on_exit(*, complaint: Complaint, now: datetime) -> None:
    """A case leaving the open states late keeps its breach even if no sweep saw it yet."""
    today = helsinki_date(now)
    tiers = []
    if complaint.due_date < today:
        tiers.append(BreachTier.OVERDUE)
    if complaint.due_date < very_overdue_cutoff(today):
        tiers.append(BreachTier.VERY_OVERDUE)
    DeadlineBreach.objects.bulk_create(
        [
            DeadlineBreach(
                complaint=complaint, tier=tier, due_date=complaint.due_date, recorded_at=now
            )
            for tier in tiers
        ],
        ignore_conflicts=True,
    )


def _lock_candidates(queryset: QuerySet[Complaint]) -> list[tuple[int, date]]:
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset.values_list("id", "due_date"))


def _flag(*, tier: BreachTier, cutoff: date, now: datetime, dry_run: bool) -> int:
    flag = "overdue" if tier == BreachTier.OVERDUE else "very_overdue"
    candidates = Complaint.objects.filter(
        status__in=OPEN_STATES, **{flag: False, "due_date__lt": cutoff}
    )
    if dry_run:
        return candidates.count()
    if not any_due(candidates):  # the usual sweep: no transaction, no locking query to build
        return 0
    flagged = 0
    while True:
        batch = _flag_batch(tier=tier, flag=flag, candidates=candidates, now=now)
        flagged += batch
        if batch < SWEEP_BATCH:
            return flagged


def _flag_batch(
    *, tier: BreachTier, flag: str, candidates: QuerySet[Complaint], now: datetime
) -> int:
    """One transaction of at most SWEEP_BATCH cases: a backlog never makes one huge statement."""
    with transaction.atomic():
        rows = _lock_candidates(candidates.order_by("due_date", "id")[:SWEEP_BATCH])
        if not rows:
            return 0
        ids = [complaint_id for complaint_id, _ in rows]
        cases = Complaint.objects.filter(id__any=ids)
        cases.update(**{flag: True})
        # New breaches only (the constraint skips the others): a case flagged again after
        # its due date moved was told already. Rows are made by the database, not in Python.
        new = insert_from_select(
            DeadlineBreach,
            cases,
            {
                "complaint": F("id"),
                "tier": Value(tier.value),
                "due_date": F("due_date"),
                "recorded_at": Value(now, output_field=DateTimeField()),
            },
            ignore_conflicts=True,
            returning="complaint",
        )
        kind = EventKind.OVERDUE if tier == BreachTier.OVERDUE else EventKind.VERY_OVERDUE
        insert_from_select(
            CaseEvent,
            cases,
            {
                "complaint": F("id"),
                "kind": Value(kind.value),
                "actor_label": Value(Actor.system().label),
                "at": Value(now, output_field=DateTimeField()),
                "public": Value(kind == EventKind.OVERDUE),
                "from_state": Value(""),
                "to_state": Value(""),
                # JSON of a date is its ISO text on both databases (a cast to text would
                # follow PostgreSQL's DateStyle).
                "data": JSONObject(due_date=F("due_date")),
            },
        )
        breaches_follow_up(tier=tier, complaint_ids=sorted(new), now=now)
    return len(rows)


def deadlines_sweep(
    *, now: datetime, dry_run: bool = False, look_back: timedelta = REQUEUE_WINDOW
) -> dict[str, object]:
    """Remind of what comes due, and flag what is late at ``now`` (Helsinki days): overdue the
    day after the due date, very overdue a month past it. A second run at the same moment
    changes nothing. ``look_back`` is how far back missing letters and notes are sought;
    longer than the periodic two days only by hand, after a broker outage."""
    today = helsinki_date(now)
    result: dict[str, object] = {
        "at": now.isoformat(),
        "dry_run": dry_run,
        "reminded": reminders_send(now=now, dry_run=dry_run),
        "flagged_overdue": _flag(tier=BreachTier.OVERDUE, cutoff=today, now=now, dry_run=dry_run),
        "flagged_very_overdue": _flag(
            tier=BreachTier.VERY_OVERDUE,
            cutoff=very_overdue_cutoff(today),
            now=now,
            dry_run=dry_run,
        ),
    }
    result.update(statements_sweep(now=now, dry_run=dry_run))
    result.update(breach_letters_requeue(now=now, dry_run=dry_run, look_back=look_back))
    result["letters_requeued"] = letters_requeue(now=now, dry_run=dry_run, look_back=look_back)
    return result


def breach_letters_requeue(
    *, now: datetime, dry_run: bool = False, look_back: timedelta = REQUEUE_WINDOW
) -> dict[str, int]:
    """Queue again the letters of an overdue breach still missing an hour after it (the
    broker was down when the sweep queued them, or a worker lost the task): every case's
    internal escalation note, and the delay letter of a case whose letters go by post
    while its reply is still late.
    Looks ``look_back`` back (two days), ``SWEEP_BATCH`` cases a run and kind, at most every
    ``REQUEUE_EVERY`` per case; generation is idempotent, so a letter queued twice is made
    once. Counts, per kind, how many were sent to the broker (found, on a dry run)."""
    breaches = DeadlineBreach.objects.filter(
        tier=BreachTier.OVERDUE,
        recorded_at__gte=now - look_back,
        recorded_at__lte=now - REQUEUE_AFTER,
    )
    # A delay letter made after the reply (or an extension) would tell of a delay that
    # has ended.
    posted = breaches.filter(
        complaint__reply_delivery=ReplyDelivery.POST,
        complaint__status__in=OPEN_STATES,
        complaint__overdue=True,
    )
    sent = {}
    for key, kind, of in (
        ("escalation_notes_requeued", Document.Kind.INTERNAL_ESCALATION, breaches),
        ("delay_letters_requeued", Document.Kind.DELAY_NOTICE, posted),
    ):
        missing = of.exclude(
            Exists(Document.objects.filter(complaint_id=OuterRef("complaint_id"), kind=kind))
        ).values_list("complaint_id", flat=True)
        ids = list(missing[:SWEEP_BATCH])
        if dry_run or not ids:
            sent[key] = len(ids)
        else:
            sent[key] = documents_requeue_paced(complaint_ids=ids, kind=kind, now=now)
    return sent


def letters_requeue(
    *, now: datetime, dry_run: bool = False, look_back: timedelta = REQUEUE_WINDOW
) -> int:
    """Queue again the letters of transitions (reply, extension, transfer, report back)
    still missing an hour after the transition: the broker was down at its commit, or a
    worker lost the task. Without this a lost reply letter would never reach the
    complainant's tracking page or the day's letters to post.

    Plain queries over ``look_back`` (two days) of those events (the partial index
    ``event_letter_idx`` holds just them): the events, the letters their cases have, and
    which of them the authority transferred back; what an event asks for and its case
    lacks is queued, at most every ``REQUEUE_EVERY`` per case and letter
    (``requeue_pace``). Generation is idempotent, so a letter queued twice is made once.
    Returns how many were sent to the broker (found, on a dry run)."""
    events = CaseEvent.objects.filter(
        kind__in=LETTERS_OF_EVENTS.keys(),
        at__gte=now - look_back,
        at__lte=now - REQUEUE_AFTER,
    ).order_by()
    rows = list(events.values_list("complaint_id", "kind"))
    if not rows:
        return 0
    letter_kinds = {kind for kinds in LETTERS_OF_EVENTS.values() for kind in kinds}
    made = set(
        Document.objects.filter(
            complaint_id__in=events.values("complaint_id"), kind__in=letter_kinds
        )
        .order_by()
        .values_list("complaint_id", "kind")
    )
    # A report back only for a kantelu the authority transferred back (a diary number).
    transferred_back = set(
        Complaint.objects.filter(
            id__in=events.filter(kind=EventKind.REPLY_APPROVED).values("complaint_id")
        )
        .exclude(authority_diary_number="")
        .values_list("id", flat=True)
    )
    missing: dict[Document.Kind, set[int]] = {}
    for complaint_id, event_kind in rows:
        for kind in LETTERS_OF_EVENTS[event_kind]:
            wanted = kind != Document.Kind.REPORT_BACK or complaint_id in transferred_back
            if wanted and (complaint_id, kind) not in made:
                missing.setdefault(kind, set()).add(complaint_id)
    if dry_run:
        return sum(len(ids) for ids in missing.values())
    return sum(
        documents_requeue_paced(complaint_ids=ids, kind=kind, now=now)
        for kind, ids in missing.items()
    )
