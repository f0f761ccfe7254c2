"""Reminders before the due date to whoever holds the case, once per due date and lead time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from complaints.choices import OPEN_STATES
from complaints.clock import helsinki_date
from complaints.models import Complaint, DeadlineReminder
from workflow.due_probe import any_due
from workflow.notices import Notices, day, staff_case_url

SUBJECT = _("Reminder: muistutus %(reference)s is due on %(due)s")
FIELDS = (
    "id",
    "reference",
    "due_date",
    "handler_id",
    "handler__email",
    "service_unit__responsible_official_id",
    "service_unit__responsible_official__email",
)


def _holder(row: dict[str, Any]) -> tuple[int | None, str]:
    """Who holds the case, and their email: the handler, else the unit's responsible
    official (never one person's inbox item and another's email)."""
    if row["handler_id"] is not None:
        return row["handler_id"], row["handler__email"] or ""
    return (
        row["service_unit__responsible_official_id"],
        row["service_unit__responsible_official__email"] or "",
    )


def _windows(today: date) -> list[tuple[int, date, date]]:
    """(lead days, earliest due, latest due): each case falls in one window only, so a case
    due in 1 day gets the 2-day reminder, not also the 7-day one."""
    leads = sorted(set(settings.REMINDER_DAYS_BEFORE))
    windows = []
    for index, days in enumerate(leads):
        earliest = today if index == 0 else today + timedelta(days=leads[index - 1] + 1)
        windows.append((days, earliest, today + timedelta(days=days)))
    return windows


def _candidates(days: int, earliest: date, latest: date) -> QuerySet[Complaint]:
    sent = DeadlineReminder.objects.filter(
        complaint=OuterRef("pk"), due_date=OuterRef("due_date"), days_before=days
    )
    # A case not yet due is never flagged late (the flags are cleared when a due date moves
    # later), so the partial index of unflagged open cases by due date serves the range; it
    # carries what each case was last reminded for, so a window whose cases are all
    # reminded is answered from the index alone. The record is still asked for the rest.
    return (
        Complaint.objects.filter(
            status__in=OPEN_STATES, overdue=False, due_date__gte=earliest, due_date__lte=latest
        )
        .exclude(reminded_due_date=F("due_date"), reminded_days_before__lte=days)
        .exclude(Exists(sent))
    )


def reminders_send(*, now: datetime, dry_run: bool = False) -> int:
    """Remind the handler (or the unit's responsible official) of cases coming due."""
    today = helsinki_date(now)
    total = 0
    for days, earliest, latest in _windows(today):
        candidates = _candidates(days, earliest, latest)
        if dry_run:
            total += candidates.count()
            continue
        # Most sweeps find every case in the window reminded already: look first, plainly,
        # before locking and joining the holders of what is there.
        if not any_due(candidates):
            continue
        with transaction.atomic():
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            rows = list(candidates.order_by("due_date", "id").values(*FIELDS))
            DeadlineReminder.objects.bulk_create(
                [
                    DeadlineReminder(
                        complaint_id=row["id"],
                        due_date=row["due_date"],
                        days_before=days,
                        recipient_id=_holder(row)[0],
                        sent_at=now,
                    )
                    for row in rows
                ],
                ignore_conflicts=True,
            )
            Complaint.objects.filter(id__any=[row["id"] for row in rows]).update(
                reminded_due_date=F("due_date"), reminded_days_before=days
            )
            _notify(rows, days=days, now=now)
        total += len(rows)
    return total


def _notify(rows: list[dict[str, Any]], *, days: int, now: datetime) -> None:
    """An email and an inbox item to whoever holds each case: one INSERT of each."""
    notices = Notices()
    for row in rows:
        user_id, recipient = _holder(row)
        if user_id is None:
            continue
        notices.add_staff(
            user_id=user_id,
            email=recipient,
            template="reminder",
            subject=SUBJECT,
            per_case={
                "reference": row["reference"],
                "due": day(row["due_date"]),
                "url": staff_case_url(row["reference"]),
            },
            dedupe_key=f"complaint:{row['id']}:reminder:{row['due_date']}:{days}",
        )
    notices.queue(now=now)
