"""The PostgreSQL path for many new outbox and inbox rows: COPY, then one INSERT that skips
keys queued before and says which rows it wrote."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from notifications.copy_insert import copy_insert_new
from notifications.inbox import InboxEntry, inbox_add_many
from notifications.models import InboxItem, Notification
from notifications.services import Message, notifications_queue_many
from tests.notifications.conftest import NOW

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def _message(n: int) -> Message:
    return Message(
        recipient=f"kasittelija{n}@example.fi",
        subject=f"Myöhässä: ORG-2026-{n}",
        body_text="Vastaus on myöhässä.",
        body_html="<p>Vastaus on myöhässä.</p>",
        language="sv" if n % 2 else "fi",
        dedupe_key=f"complaint:{n}:overdue",
    )


def test_new_rows_are_written_with_every_value_and_their_ids_returned(
    require_postgres: Any,
) -> None:
    messages = [_message(n) for n in range(3)]
    assert notifications_queue_many(messages=messages, now=NOW) == 3
    stored = {row.dedupe_key: row for row in Notification.objects.all()}
    row = stored["complaint:1:overdue"]
    assert (row.recipient, row.subject, row.language) == (
        "kasittelija1@example.fi",
        "Myöhässä: ORG-2026-1",
        "sv",
    )
    assert (row.status, row.attempts, row.created_at, row.next_attempt_at) == (
        "ready",
        0,
        NOW,
        NOW,
    )
    assert row.sent_at is None
    assert row.body_html == "<p>Vastaus on myöhässä.</p>"


def test_keys_queued_before_are_skipped_and_not_returned(require_postgres: Any) -> None:
    notifications_queue_many(messages=[_message(1)], now=NOW)
    first = Notification.objects.get()
    ids = copy_insert_new(
        Notification,
        [
            {
                "recipient": m.recipient,
                "subject": m.subject,
                "body_text": m.body_text,
                "dedupe_key": m.dedupe_key,
                "created_at": NOW,
                "next_attempt_at": NOW,
            }
            for m in (_message(1), _message(2))
        ],
    )
    assert len(ids) == 1
    assert first.pk not in ids
    assert Notification.objects.count() == 2


def test_a_field_left_out_takes_its_model_default(require_postgres: Any) -> None:
    [pk] = copy_insert_new(
        Notification,
        [
            {
                "recipient": "a@example.fi",
                "subject": "S",
                "body_text": "B",
                "created_at": NOW,
                "next_attempt_at": NOW,
            }
        ],
    )
    row = Notification.objects.get(pk=pk)
    assert (row.channel, row.language, row.status, row.attempts, row.redacted) == (
        "email",
        "fi",
        "ready",
        0,
        False,
    )
    assert (row.body_html, row.last_error, row.dedupe_key, row.sent_at) == ("", "", None, None)


def test_a_name_that_is_no_field_is_refused(require_postgres: Any) -> None:
    with pytest.raises(TypeError, match="recipent"):
        copy_insert_new(Notification, [{"recipent": "a@example.fi", "created_at": NOW}])
    assert not Notification.objects.exists()


def test_twice_in_one_transaction_writes_each_batch_once(require_postgres: Any) -> None:
    user = get_user_model().objects.create(username="kasittelija")
    with transaction.atomic():
        inbox_add_many(
            entries=[InboxEntry(user_id=user.pk, subject="A", link="/a/", dedupe_key="a")],
            now=NOW,
        )
        inbox_add_many(
            entries=[
                InboxEntry(user_id=user.pk, subject="A", link="/a/", dedupe_key="a"),
                InboxEntry(user_id=user.pk, subject="B", link="/b/", dedupe_key="b"),
            ],
            now=NOW,
        )
    assert sorted(InboxItem.objects.values_list("dedupe_key", flat=True)) == ["a", "b"]
    assert InboxItem.objects.get(dedupe_key="b").read_at is None


def test_a_callable_default_is_called_for_each_row(require_postgres: Any, monkeypatch) -> None:
    numbers = iter(range(1, 100))
    field = Notification._meta.get_field("subject")
    monkeypatch.setattr(field, "default", lambda: f"S{next(numbers)}")
    row = {"recipient": "a@example.fi", "body_text": "B", "created_at": NOW, "next_attempt_at": NOW}

    copy_insert_new(Notification, [row, row, {**row, "subject": "given"}])

    subjects = list(Notification.objects.order_by("pk").values_list("subject", flat=True))
    assert subjects[2] == "given"
    assert subjects[0] != subjects[1]  # each row called it again
    assert {subjects[0][0], subjects[1][0]} == {"S"}
