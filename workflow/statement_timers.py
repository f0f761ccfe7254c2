"""Timers of statement requests: ours to an employee or unit, and the supervisory
authority's to us. Each unanswered request is reminded of once, ``STATEMENT_REMINDER_DAYS_BEFORE``
days before its due date, and flagged late once, the (Helsinki) day after it.

"Once" is a conditional UPDATE (``reminder_sent_at`` / ``overdue_flagged_at`` IS NULL) on rows
this sweep holds locked (``skip_locked``), so overlapping sweeps and retried tasks act once.
Set-based: per kind and timer one locked SELECT, one UPDATE and bulk INSERTs of emails, inbox
items and events, however many requests change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, EventKind
from complaints.clock import helsinki_date
from complaints.models import AuthorityRequest, CaseEvent, StatementRequest
from workflow.due_probe import any_due
from workflow.notices import Notices, day, staff_case_url

BATCH = 5000


@dataclass(frozen=True)
class Timer:
    """One kind of request and what its reminder and overdue flag say, and to whom."""

    name: str
    model: type[models.Model]
    # The staff member told: (user id field, email field) of the values() row.
    recipient: tuple[str, str]
    fallback: tuple[str, str]
    scope: Callable[[QuerySet[Any]], QuerySet[Any]]
    reminder_subject: Promise
    overdue_subject: Promise


TIMERS = (
    Timer(
        name="statement",
        model=StatementRequest,
        recipient=("requested_by_id", "requested_by__email"),
        fallback=("complaint__handler_id", "complaint__handler__email"),
        # A statement no longer needed is not chased: cancelled when its case left
        # handling; the case's state still guards one made on a closed case some other way.
        scope=lambda queryset: queryset.filter(
            cancelled_at__isnull=True, complaint__status__in=OPEN_STATES
        ),
        reminder_subject=_("Reminder: a statement for muistutus %(reference)s is due on %(due)s"),
        overdue_subject=_("Late: a statement for muistutus %(reference)s was due on %(due)s"),
    ),
    Timer(
        name="authority_request",
        model=AuthorityRequest,
        recipient=("complaint__handler_id", "complaint__handler__email"),
        fallback=("created_by_id", "created_by__email"),
        # The authority asks after the reply, so the case is usually closed: chase it anyway.
        scope=lambda queryset: queryset,
        reminder_subject=_(
            "Reminder: the supervisory authority's request about %(reference)s is due on %(due)s"
        ),
        overdue_subject=_(
            "Late: our statement to the supervisory authority about %(reference)s was due on "
            "%(due)s"
        ),
    ),
)


def statements_sweep(*, now: datetime, dry_run: bool = False) -> dict[str, int]:
    """Remind of and flag the unanswered requests of every kind; counts per kind and timer."""
    today = helsinki_date(now)
    result = {}
    for timer in TIMERS:
        plural = f"{timer.name}s"
        result[f"{plural}_reminded"] = _run(
            timer, reminding=True, today=today, now=now, dry_run=dry_run
        )
        result[f"{plural}_overdue"] = _run(
            timer, reminding=False, today=today, now=now, dry_run=dry_run
        )
    return result


def _candidates(timer: Timer, *, reminding: bool, today: date) -> QuerySet[Any]:
    pending = timer.scope(timer.model._default_manager.filter(answered_at__isnull=True))
    if reminding:
        lead = timedelta(days=settings.STATEMENT_REMINDER_DAYS_BEFORE)
        return pending.filter(
            reminder_sent_at__isnull=True, due_date__gte=today, due_date__lte=today + lead
        )
    return pending.filter(overdue_flagged_at__isnull=True, due_date__lt=today)


def _run(timer: Timer, *, reminding: bool, today: date, now: datetime, dry_run: bool) -> int:
    candidates = _candidates(timer, reminding=reminding, today=today)
    if dry_run:
        return candidates.count()
    if not any_due(candidates):  # the usual sweep: no transaction, no locking query to build
        return 0
    total = 0
    while True:
        done = _batch(timer, candidates, reminding=reminding, now=now)
        total += done
        if done < BATCH:
            return total


def _batch(timer: Timer, candidates: QuerySet[Any], *, reminding: bool, now: datetime) -> int:
    moment = "reminder_sent_at" if reminding else "overdue_flagged_at"
    with transaction.atomic():
        locked = candidates.order_by("due_date", "id")
        if connection.features.has_select_for_update_skip_locked:
            locked = locked.select_for_update(skip_locked=True, of=("self",))
        rows = list(
            locked[:BATCH].values(
                "id",
                "due_date",
                "complaint_id",
                "complaint__reference",
                *timer.recipient,
                *timer.fallback,
                *(("diary_number",) if timer.model is AuthorityRequest else ()),
            )
        )
        if not rows:
            return 0
        ids = [row["id"] for row in rows]
        timer.model._default_manager.filter(id__any=ids, **{f"{moment}__isnull": True}).update(
            **{moment: now}
        )
        if not reminding:
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    complaint_id=row["complaint_id"],
                    kind=EventKind.STATEMENT_OVERDUE,
                    actor_label=Actor.system().label,
                    at=now,
                    public=False,
                    data={
                        "request": timer.name,
                        "id": row["id"],
                        "due_date": row["due_date"].isoformat(),
                    },
                )
                for row in rows
            )
        _notices(timer, rows, reminding=reminding).queue(now=now)
    return len(rows)


def _notices(timer: Timer, rows: list[dict[str, Any]], *, reminding: bool) -> Notices:
    which = "reminder" if reminding else "overdue"
    notices = Notices()
    for row in rows:
        user_id, email = row[timer.recipient[0]], row[timer.recipient[1]]
        if user_id is None:
            user_id, email = row[timer.fallback[0]], row[timer.fallback[1]]
        if user_id is None:
            continue
        reference = row["complaint__reference"]
        notices.add_staff(
            user_id=user_id,
            email=email,
            template=f"{timer.name}_{which}_staff",
            subject=timer.reminder_subject if reminding else timer.overdue_subject,
            per_case={
                "reference": reference,
                "due": day(row["due_date"]),
                "diary_number": row.get("diary_number", ""),
                "url": staff_case_url(reference),
            },
            dedupe_key=f"{timer.name}:{row['id']}:{which}",
        )
    return notices
