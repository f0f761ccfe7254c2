"""The staff member's in-app notices: newest first; opening the page marks them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from complaints import clock
from notifications.inbox import inbox_items, inbox_mark_read

SHOWN = 100


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user_id: int = request.user.pk or 0  # login_required: always a saved user
    items = list(inbox_items(user_id=user_id)[:SHOWN])
    unread = [item.pk for item in items if item.read_at is None]
    if unread:
        inbox_mark_read(user_id=user_id, item_ids=unread, now=clock.now())
    return render(
        request,
        "staff/inbox.html",
        {"items": items, "unread_ids": set(unread)},
    )
