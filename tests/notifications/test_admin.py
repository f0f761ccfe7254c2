"""The outbox admin: a read-only list for support; bodies of sent (redacted) rows never show."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications.services import notification_deliver
from tests.notifications.conftest import NOW


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def test_list_shows_the_audit_columns_and_filters_by_status(superuser_client, queue, mailoutbox):
    sent = queue(subject="Lähetetty viesti")
    notification_deliver(notification_id=sent.pk, now=NOW)
    queue(subject="Odottava viesti")
    url = reverse("admin:notifications_notification_changelist")

    page = superuser_client.get(url).content.decode()
    assert "Lähetetty viesti" in page
    assert "Odottava viesti" in page
    assert "SECRET" not in page

    filtered = superuser_client.get(url, {"status__exact": "sent"}).content.decode()
    assert "Lähetetty viesti" in filtered
    assert "Odottava viesti" not in filtered


def test_rows_are_read_only(superuser_client, queue):
    notification = queue()
    assert superuser_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    change = reverse("admin:notifications_notification_change", args=[notification.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    delete = reverse("admin:notifications_notification_delete", args=[notification.pk])
    assert superuser_client.get(delete).status_code == 403


def test_bodies_show_until_the_row_is_sent_and_redacted(superuser_client, queue, mailoutbox):
    notification = queue()
    change = reverse("admin:notifications_notification_change", args=[notification.pk])
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "Text body" in superuser_client.get(change, **english).content.decode()

    notification_deliver(notification_id=notification.pk, now=NOW)

    page = superuser_client.get(change, **english).content.decode()
    assert "Text body" not in page
    assert "SECRET" not in page
    assert "asiakas@example.fi" in page
