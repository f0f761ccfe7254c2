"""``unread_notifications``: the signed-in user's unread in-app notifications, for the header."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.inbox import inbox_unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """Counted only when a template uses it (lazy), and 0 for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    user_id = user.pk
    return {"unread_notifications": SimpleLazyObject(lambda: inbox_unread_count(user_id=user_id))}
