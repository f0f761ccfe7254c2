from datetime import UTC, datetime
from typing import Any

import pytest

from notifications.models import Notification
from notifications.services import notification_queue

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def queue(db: Any):
    """Queue a message with sensible defaults; keyword arguments override them."""

    def make(**fields: Any) -> Notification | None:
        values: dict[str, Any] = {
            "recipient": "asiakas@example.fi",
            "subject": "Muistutuksesi on vastaanotettu",
            "body_text": "Seuraa käsittelyä: https://example.fi/seuraa/SECRET",
            "body_html": '<p><a href="https://example.fi/seuraa/SECRET">Seuraa</a></p>',
            "now": NOW,
            **fields,
        }
        return notification_queue(**values)

    return make
