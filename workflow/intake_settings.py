"""What filing reads of an organisation's settings, kept in each process between changes.

Every filing needs the organisation, whether the chosen service unit is active, and the
organisation's closure days. They change a few times a year (the admin, the closure-day
inline), yet reading them was three of a submission's eight statements and a fifth of its
CPU. Each process keeps what it read per organisation. Saving or deleting an
organisation, a unit or a closure day drops this process's copy at once and, after the
commit, bumps a version in the shared cache; every process compares that version at most
once every ``CHECK_SECONDS`` and drops its copy when it changed. So a change is seen at
once in the process that made it and within a second everywhere else (docs/adr/0011).

Writes that send no signal (``QuerySet.update``, raw SQL, a restored backup) are not seen
until ``intake_settings_reload`` runs or the processes restart; the code makes none.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from complaints.models import ClosureDay, Organisation, ServiceUnit

CHECK_SECONDS = 1.0
VERSION_KEY = "intake-settings-version"


@dataclass(frozen=True)
class IntakeSettings:
    """Shared by every request of the process: read it, never change it."""

    organisation: Organisation
    active_unit_ids: frozenset[int]
    closure_days: dict[date, str]


class _Kept:
    """This process's copies; replaced wholesale, so readers on other threads see either
    the old dictionaries or the new ones."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_id: dict[int, IntakeSettings] = {}
        self.id_by_slug: dict[str, int] = {}
        self.only_id: int | None = None
        self.version: Any = None
        self.checked_at = float("-inf")
        # Bumped by every forget: a read that began before it is not kept after it.
        self.generation = 0

    def forget(self) -> None:
        with self.lock:
            self._drop()
            self.checked_at = float("-inf")

    def _drop(self) -> None:
        self.by_id, self.id_by_slug, self.only_id = {}, {}, None
        self.generation += 1

    def check_version(self) -> None:
        moment = time.monotonic()
        if moment - self.checked_at < CHECK_SECONDS:
            return
        version = cache.get(VERSION_KEY)
        with self.lock:
            if version != self.version:
                self._drop()
                self.version = version
            self.checked_at = moment


_kept = _Kept()


def intake_settings(*, organisation_id: int) -> IntakeSettings:
    """The organisation with its active unit ids and closure days, as last read."""
    _kept.check_version()
    found = _kept.by_id.get(organisation_id)
    if found is None:
        generation = _kept.generation
        found = _read(Organisation.objects.get(pk=organisation_id), generation)
    return found


def organisation_for_filing(slug: str) -> Organisation | None:
    """The organisation named by ``slug``; without one, the only organisation there is.
    ``None`` when there is no such organisation, or no slug and several to choose from."""
    _kept.check_version()
    generation = _kept.generation
    if slug:
        known = _kept.id_by_slug.get(slug)
        if known is not None and known in _kept.by_id:
            return _kept.by_id[known].organisation
        organisation = Organisation.objects.filter(slug=slug).first()
    else:
        if _kept.only_id is not None and _kept.only_id in _kept.by_id:
            return _kept.by_id[_kept.only_id].organisation
        candidates = list(Organisation.objects.all()[:2])
        organisation = candidates[0] if len(candidates) == 1 else None
        if organisation is not None:
            with _kept.lock:
                if _kept.generation == generation:
                    _kept.only_id = organisation.pk
    return None if organisation is None else _read(organisation, generation).organisation


def _read(organisation: Organisation, generation: int) -> IntakeSettings:
    found = IntakeSettings(
        organisation=organisation,
        active_unit_ids=frozenset(
            ServiceUnit.objects.filter(organisation=organisation, active=True).values_list(
                "pk", flat=True
            )
        ),
        closure_days=dict(
            ClosureDay.objects.filter(organisation=organisation).values_list("date", "description")
        ),
    )
    with _kept.lock:
        if _kept.generation != generation:  # changed while reading: use it, keep nothing
            return found
        _kept.by_id = {**_kept.by_id, organisation.pk: found}
        _kept.id_by_slug = {**_kept.id_by_slug, organisation.slug: organisation.pk}
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


def connect_signals() -> None:
    for model in (Organisation, ServiceUnit, ClosureDay):
        post_save.connect(_changed, sender=model, dispatch_uid=f"intake-settings-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"intake-settings-{model.__name__}-delete"
        )
