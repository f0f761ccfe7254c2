"""Who did something: a staff user, the complainant (via the tracking code) or the system.

Always passed explicitly to services, never read from a thread-local.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any | None
    label: str

    @classmethod
    def staff(cls, user: Any) -> Actor:
        return cls(user=user, label=user.get_username())

    @classmethod
    def complainant(cls) -> Actor:
        return cls(user=None, label="complainant")

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None, label="system")
