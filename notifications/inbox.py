"""In-app notifications for staff: a user's inbox of short notices with a link.

Writes (``inbox_add``, ``inbox_add_many``, ``inbox_mark_read``) and the one read every staff
page needs (``inbox_unread_count``). Like email, an item carries no confidential content.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from notifications.copy_insert import copy_available, copy_insert_new
from notifications.models import InboxItem


@dataclass(frozen=True)
class InboxEntry:
    """One item to add with ``inbox_add_many``."""

    user_id: int
    subject: str
    link: str = ""
    dedupe_key: str | None = None


def inbox_add(
    *, user_id: int, subject: str, link: str = "", dedupe_key: str | None = None, now: datetime
) -> InboxItem | None:
    """Add one item; ``None`` when an item with ``dedupe_key`` exists already."""
    try:
        # A savepoint: a duplicate key must not poison the caller's transaction.
        with transaction.atomic():
            return InboxItem.objects.create(
                user_id=user_id,
                subject=subject[:255],
                link=link,
                dedupe_key=dedupe_key or None,
                created_at=now,
            )
    except IntegrityError:
        if dedupe_key and InboxItem.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise


def inbox_add_many(*, entries: Iterable[InboxEntry], now: datetime) -> int:
    """Add items in one INSERT; those whose ``dedupe_key`` exists already are skipped.

    Returns how many entries were given (the database does not say which it skipped).
    """
    rows = [
        {
            "user_id": entry.user_id,
            "subject": entry.subject[:255],
            "link": entry.link,
            "dedupe_key": entry.dedupe_key or None,
            "created_at": now,
        }
        for entry in entries
    ]
    if rows and copy_available():
        copy_insert_new(InboxItem, rows)
    elif rows:
        InboxItem.objects.bulk_create([InboxItem(**row) for row in rows], ignore_conflicts=True)
    return len(rows)


def inbox_mark_read(*, user_id: int, item_ids: Sequence[int] | None = None, now: datetime) -> int:
    """Mark the user's unread items read (all, or those of ``item_ids``); returns how many.

    Only the user's own items: another user's id in ``item_ids`` changes nothing.
    """
    unread = InboxItem.objects.filter(user_id=user_id, read_at__isnull=True)
    if item_ids is not None:
        unread = unread.filter(pk__in=list(item_ids))
    return unread.update(read_at=now)


def inbox_items(*, user_id: int) -> QuerySet[InboxItem]:
    """The user's items, newest first (for a list page; slice it)."""
    return InboxItem.objects.filter(user_id=user_id).order_by("-created_at", "-id")


def inbox_unread_count(*, user_id: int) -> int:
    return InboxItem.objects.filter(user_id=user_id, read_at__isnull=True).count()
