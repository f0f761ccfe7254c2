"""What filing reads of an organisation's settings, kept in each process between changes.

Every filing needs the organisation (by its slug) and whether the chosen service unit is
active. These change a few times a year, yet reading them was two of a submission's eight
statements and, with the ORM's query building, about a sixth of its CPU. Each process
keeps what it read per organisation. Saving or deleting an organisation or a unit drops
this process's copy at once and, after the commit, writes a new version into the shared
cache; every process compares that version at most once every ``CHECK_SECONDS`` and drops
its copy when it changed. So a change is seen at once in the process that made it and
within a second everywhere else (docs/adr/0011). Closure days are not kept: a due date is
the law's deadline, and it is computed from what the database says at filing.

Writes that send no signal (``QuerySet.update``, raw SQL, a restored backup) are not seen
until ``intake_settings_reload`` runs or the processes restart; the code makes none.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from complaints.models import Organisation, ServiceUnit

logger = logging.getLogger(__name__)

CHECK_SECONDS = 1.0
VERSION_KEY = "intake-settings-version"


@dataclass(frozen=True)
class IntakeSettings:
    """Shared by every request of the process: read it, never change it."""

    organisation: Organisation
    active_unit_ids: frozenset[int]


@dataclass(frozen=True)
class _Snapshot:
    """Everything kept, swapped in one assignment: a reader takes ``_kept.snapshot`` once
    and sees the old copies or the new ones, never half of each."""

    by_id: dict[int, IntakeSettings] = field(default_factory=dict)
    id_by_slug: dict[str, int] = field(default_factory=dict)
    only_id: int | None = None

    def with_settings(self, found: IntakeSettings) -> _Snapshot:
        organisation = found.organisation
        return replace(
            self,
            by_id={**self.by_id, organisation.pk: found},
            id_by_slug={**self.id_by_slug, organisation.slug: organisation.pk},
        )


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshot = _Snapshot()
        self.version: Any = None
        self.checked_at = float("-inf")
        # Bumped by every drop: a read that began before it is not kept after it.
        self.generation = 0

    def forget(self) -> None:
        with self.lock:
            self._drop()
            self.checked_at = float("-inf")

    def _drop(self) -> None:
        self.snapshot = _Snapshot()
        self.generation += 1

    def check_version(self) -> None:
        moment = time.monotonic()
        if moment - self.checked_at < CHECK_SECONDS:
            return
        version = _shared_version()
        with self.lock:
            if version is None or version != self.version:
                self._drop()
                self.version = version
            self.checked_at = moment

    def keep(self, generation: int, change: Any) -> None:
        """Apply ``change`` (snapshot → snapshot) unless a drop came after ``generation``."""
        with self.lock:
            if self.generation == generation:
                self.snapshot = change(self.snapshot)


_kept = _Kept()


def _shared_version() -> str | None:
    """The version every process compares; ``None`` when the cache cannot say (then
    what is read is kept for at most ``CHECK_SECONDS``). A missing key gets a new
    version, so a key that was evicted or cleared never reads as "no change"."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception as error:  # the cache is down: read from the database every time
        logger.warning("Filing settings not kept: the cache is unavailable (%r)", error)
        return None
    return str(version) if version is not None else None


def intake_settings_get(*, organisation_id: int) -> IntakeSettings:
    """The organisation with its active unit ids, as last read."""
    _kept.check_version()
    found = _kept.snapshot.by_id.get(organisation_id)
    if found is None:
        generation = _kept.generation
        found = _read(Organisation.objects.get(pk=organisation_id), generation)
    return found


def organisation_get_for_filing(slug: str) -> Organisation | None:
    """The organisation named by ``slug``; without one, the only organisation there is.
    ``None`` when there is no such organisation, or no slug and several to choose from."""
    _kept.check_version()
    generation = _kept.generation
    snapshot = _kept.snapshot
    known = snapshot.id_by_slug.get(slug) if slug else snapshot.only_id
    found = snapshot.by_id.get(known) if known is not None else None
    if found is not None:
        return found.organisation
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
    else:
        candidates = list(Organisation.objects.all()[:2])
        organisation = candidates[0] if len(candidates) == 1 else None
        if organisation is not None:
            only_id = organisation.pk
            _kept.keep(generation, lambda kept: replace(kept, only_id=only_id))
    return None if organisation is None else _read(organisation, generation).organisation


def _read(organisation: Organisation, generation: int) -> IntakeSettings:
    found = IntakeSettings(
        organisation=organisation,
        active_unit_ids=frozenset(
            ServiceUnit.objects.filter(organisation=organisation, active=True).values_list(
                "pk", flat=True
            )
        ),
    )
    # Kept unless a change overtook the read; used for this call either way.
    _kept.keep(generation, lambda kept: kept.with_settings(found))
    return found


def intake_settings_reload() -> None:
    """Drop this process's copies now and every other process's within ``CHECK_SECONDS``."""
    _kept.forget()
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _changed(sender: type, **kwargs: Any) -> None:
    # This process at once (its own later reads in the transaction see the change); the
    # others once the change is committed, when their reads can see it.
    _kept.forget()
    transaction.on_commit(intake_settings_reload, robust=True)


def intake_settings_signals_connect() -> None:
    for model in (Organisation, ServiceUnit):
        post_save.connect(_changed, sender=model, dispatch_uid=f"intake-settings-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"intake-settings-{model.__name__}-delete"
        )
