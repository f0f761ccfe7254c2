"""The one place in ``notifications`` that reads the system clock (the app is the bottom layer
and may not import ``complaints.clock``). Everything else takes ``now`` as an argument."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
