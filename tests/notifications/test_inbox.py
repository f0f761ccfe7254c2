"""In-app notifications: add (once per key), list, mark read, and the header's unread count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from notifications.context_processors import unread_notifications
from notifications.inbox import (
    InboxEntry,
    inbox_add,
    inbox_add_many,
    inbox_items,
    inbox_mark_read,
    inbox_unread_count,
)
from tests.notifications.conftest import NOW


def _user(name: str) -> Any:
    return get_user_model().objects.create_user(username=name, password="pw")


def test_add_once_per_key_and_mark_read(db: Any) -> None:
    user, other = _user("kasittelija"), _user("toinen")
    item = inbox_add(
        user_id=user.pk, subject="Myöhässä: KEMI-1", link="/staff/", dedupe_key="k1", now=NOW
    )
    assert item is not None
    assert inbox_add(user_id=user.pk, subject="Myöhässä: KEMI-1", dedupe_key="k1", now=NOW) is None
    inbox_add_many(
        entries=[
            InboxEntry(user_id=user.pk, subject="Muistutus: KEMI-2", dedupe_key="k2"),
            InboxEntry(user_id=user.pk, subject="Muistutus: KEMI-2", dedupe_key="k2"),
            InboxEntry(user_id=other.pk, subject="Muistutus: KEMI-3"),
        ],
        now=NOW + timedelta(minutes=1),
    )
    assert [i.subject for i in inbox_items(user_id=user.pk)] == [
        "Muistutus: KEMI-2",
        "Myöhässä: KEMI-1",
    ]
    assert inbox_unread_count(user_id=user.pk) == 2

    # Someone else's item id changes nothing.
    others = list(inbox_items(user_id=other.pk).values_list("pk", flat=True))
    assert inbox_mark_read(user_id=user.pk, item_ids=[item.pk, *others], now=NOW) == 1
    assert inbox_unread_count(user_id=user.pk) == 1
    assert inbox_unread_count(user_id=other.pk) == 1
    assert inbox_mark_read(user_id=user.pk, now=NOW) == 1
    assert inbox_unread_count(user_id=user.pk) == 0


def test_context_processor_gives_the_unread_count(db: Any, django_assert_num_queries: Any) -> None:
    user = _user("kasittelija")
    inbox_add(user_id=user.pk, subject="Muistutus: KEMI-1", now=NOW)
    request = RequestFactory().get("/staff/")
    request.user = user
    context = unread_notifications(request)
    with django_assert_num_queries(1):
        html = Template(
            "{% if unread_notifications %}({{ unread_notifications }}){% endif %}"
        ).render(Context(context))
    assert html == "(1)"
    request.user = AnonymousUser()
    assert unread_notifications(request) == {"unread_notifications": 0}


def test_context_processor_is_registered(settings: Any) -> None:
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    assert "notifications.context_processors.unread_notifications" in processors
