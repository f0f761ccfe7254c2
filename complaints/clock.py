"""The one place that reads the system clock. Everything else takes ``now`` or ``today``."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

HELSINKI = ZoneInfo("Europe/Helsinki")


def now() -> datetime:
    return timezone.now()


def helsinki_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in Europe/Helsinki, whatever zone is active."""
    return moment.astimezone(HELSINKI).date()
