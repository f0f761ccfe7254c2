"""Filing keeps the organisation and its active units in the process, and never files
against a stale copy once a change is seen: at once in the process that made it, within a
second elsewhere. Closure days are read at every filing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.clock import HELSINKI
from complaints.models import ClosureDay
from tests.factories import OrganisationFactory, filed_online
from workflow import intake_settings as kept
from workflow.errors import InvalidInput
from workflow.intake_settings import intake_settings_get, organisation_get_for_filing

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=HELSINKI)  # + 1 month = Wed 2.12.2026


def _file(org: Any, unit: Any) -> Any:
    return filed_online(org, unit, now=NOW).complaint


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _another_process_changes_them() -> None:
    """What this process sees when another one saved a change: only the shared version."""
    cache.set(kept.VERSION_KEY, "changed elsewhere", timeout=None)


def _a_second_passes() -> None:
    kept._kept.checked_at -= kept.CHECK_SECONDS


def test_settings_are_read_once_and_then_kept(org: Any, unit: Any) -> None:
    assert _queries(lambda: intake_settings_get(organisation_id=org.pk)) == 2
    assert _queries(lambda: intake_settings_get(organisation_id=org.pk)) == 0
    assert _queries(lambda: organisation_get_for_filing("kemi")) == 0
    assert organisation_get_for_filing("kemi") == org
    assert intake_settings_get(organisation_id=org.pk).active_unit_ids == {unit.pk}


def test_a_unit_closed_in_this_process_refuses_filings_at_once(org: Any, unit: Any) -> None:
    _file(org, unit)
    unit.active = False
    unit.save()
    with pytest.raises(InvalidInput) as refused:
        _file(org, unit)
    assert refused.value.field == "service_unit"


def test_closure_days_are_read_at_every_filing_whoever_changed_them(org: Any, unit: Any) -> None:
    assert _file(org, unit).due_date == date(2026, 12, 2)
    # Written behind every process's back: no signal, no version; the due date follows.
    ClosureDay.objects.bulk_create(
        [ClosureDay(organisation=org, date=date(2026, 12, 2), description="Koulutus")]
    )
    assert _file(org, unit).due_date == date(2026, 12, 3)
    ClosureDay.objects.filter(organisation=org).delete()
    assert _file(org, unit).due_date == date(2026, 12, 2)


def test_a_change_in_another_process_is_seen_within_a_second(org: Any, unit: Any) -> None:
    _file(org, unit)
    # Changed in the database behind this process's back, as another process would.
    type(unit).objects.filter(pk=unit.pk).update(active=False)
    _another_process_changes_them()
    _file(org, unit)  # still within the second: the kept copy is used
    _a_second_passes()
    with pytest.raises(InvalidInput):
        _file(org, unit)


def test_without_a_new_version_nothing_is_read_again_after_a_second(org: Any, unit: Any) -> None:
    intake_settings_get(organisation_id=org.pk)
    _a_second_passes()
    assert _queries(lambda: intake_settings_get(organisation_id=org.pk)) == 0


def test_a_committed_change_bumps_the_shared_version(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = cache.get(kept.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        org.name_fi = "Kemin kaupunki"
        org.save()
    assert cache.get(kept.VERSION_KEY) not in (None, before)


def test_a_change_that_is_rolled_back_bumps_nothing(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = cache.get(kept.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        org.save()
    assert callbacks  # the bump waits for the commit, which never comes
    assert cache.get(kept.VERSION_KEY) == before


def test_a_read_overtaken_by_a_change_is_used_once_and_not_kept(org: Any, unit: Any) -> None:
    generation = kept._kept.generation
    kept._kept.forget()  # a change lands while the settings are being read
    found = kept._read(org, generation)
    assert found.active_unit_ids == {unit.pk}
    assert org.pk not in kept._kept.snapshot.by_id
    assert _queries(lambda: intake_settings_get(organisation_id=org.pk)) == 2


def test_an_evicted_version_is_never_taken_for_no_change(org: Any, unit: Any) -> None:
    _file(org, unit)
    type(unit).objects.filter(pk=unit.pk).update(active=False)  # changed elsewhere ...
    cache.delete(kept.VERSION_KEY)  # ... and its version culled before this process looked
    _a_second_passes()
    with pytest.raises(InvalidInput):
        _file(org, unit)


def test_with_the_cache_down_settings_are_kept_a_second_at_most(
    org: Any, unit: Any, caplog: Any
) -> None:
    with mock.patch.object(kept.cache, "get", side_effect=ConnectionError("refused")):
        _a_second_passes()
        _file(org, unit)  # filed all the same
        type(unit).objects.filter(pk=unit.pk).update(active=False)
        _a_second_passes()
        with pytest.raises(InvalidInput):
            _file(org, unit)
    assert "cache is unavailable" in caplog.text


def test_a_reader_sees_one_whole_snapshot_while_another_thread_drops_it(org: Any) -> None:
    organisation_get_for_filing("kemi")
    before = kept._kept.snapshot
    kept._kept.forget()  # what a change on another thread does between two look-ups
    assert before.by_id[before.id_by_slug["kemi"]].organisation == org
    assert kept._kept.snapshot.by_id == {}


def test_without_a_slug_the_only_organisation_is_chosen_until_a_second_one_exists(
    org: Any,
) -> None:
    assert organisation_get_for_filing("") == org
    assert _queries(lambda: organisation_get_for_filing("")) == 0
    OrganisationFactory(slug="tornio", reference_prefix="TOR")
    assert organisation_get_for_filing("") is None
    assert organisation_get_for_filing("nowhere") is None
