"""Diary numbers: ``PREFIX-YEAR-NNNNNN``, per organisation and year, gap-free, race-free."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection, connections, transaction

from complaints import clock
from complaints.actors import Actor
from complaints.clock import HELSINKI
from complaints.models import Complaint, ReferenceCounter
from complaints.services import REFERENCE_SHAPE, reference_allocate
from tests.factories import OrganisationFactory
from workflow.intake import Party, Submission, complaint_submit

THREADS = 8
PER_THREAD = 10


def _submission(**overrides: object) -> Submission:
    fields: dict[str, object] = {
        "description": "Minua kohdeltiin huonosti.",
        "filer_role": "client",
        "client": Party(name="Maija Meikäläinen"),
        "language": "fi",
        "reply_delivery": "online",
        "service_description": "Aikuissosiaalityö",
    }
    fields.update(overrides)
    return Submission(**fields)  # type: ignore[arg-type]


def _submit(organisation, now: datetime) -> Complaint:
    return complaint_submit(
        organisation=organisation,
        submission=_submission(),
        actor=Actor.complainant(),
        now=now,
    ).complaint


def _number(reference: str) -> int:
    return int(reference.rsplit("-", 1)[1])


# --- format and sequence -------------------------------------------------------------------


def test_reference_format_is_prefix_year_six_digits(org):
    with transaction.atomic():
        reference = reference_allocate(organisation=org, year=2026)
    assert reference == "KEMI-2026-000001"
    assert re.fullmatch(r"[A-Z0-9]+-\d{4}-\d{6}", reference)


def test_the_queue_search_knows_a_reference_by_its_shape(org):
    """The queue looks a reference-shaped search up in the reference's index alone
    (workflow/api/filters.py): every reference handed out must have that shape."""
    with transaction.atomic():
        reference = reference_allocate(organisation=org, year=2026)
    assert REFERENCE_SHAPE.fullmatch(reference)
    assert REFERENCE_SHAPE.fullmatch(reference.lower())
    assert not REFERENCE_SHAPE.fullmatch("Aino Virtanen")
    assert not REFERENCE_SHAPE.fullmatch(reference[:-7])  # prefix and year: not a reference


def test_references_are_sequential_per_organisation_and_year(org):
    with transaction.atomic():
        references = [reference_allocate(organisation=org, year=2026) for _ in range(3)]
    assert references == ["KEMI-2026-000001", "KEMI-2026-000002", "KEMI-2026-000003"]
    counter = ReferenceCounter.objects.get(organisation=org, year=2026)
    assert counter.last_number == 3


def test_each_organisation_has_its_own_counter(org):
    other = OrganisationFactory(slug="kainuu", reference_prefix="KAI")
    with transaction.atomic():
        first_kemi = reference_allocate(organisation=org, year=2026)
        first_kainuu = reference_allocate(organisation=other, year=2026)
        second_kemi = reference_allocate(organisation=org, year=2026)
        second_kainuu = reference_allocate(organisation=other, year=2026)
    assert (first_kemi, second_kemi) == ("KEMI-2026-000001", "KEMI-2026-000002")
    assert (first_kainuu, second_kainuu) == ("KAI-2026-000001", "KAI-2026-000002")


def test_a_new_year_restarts_at_one(org):
    with transaction.atomic():
        last_of_2026 = [reference_allocate(organisation=org, year=2026) for _ in range(4)][-1]
        first_of_2027 = reference_allocate(organisation=org, year=2027)
        next_of_2026 = reference_allocate(organisation=org, year=2026)
    assert last_of_2026 == "KEMI-2026-000004"
    assert first_of_2027 == "KEMI-2027-000001"
    assert next_of_2026 == "KEMI-2026-000005"


def test_submissions_take_the_year_of_the_helsinki_day(org):
    """New Year in Helsinki is still 31 December in UTC: the reference must say 2027."""
    with time_machine.travel(datetime(2026, 12, 31, 23, 50, tzinfo=HELSINKI), tick=False):
        late_2026 = [_submit(org, clock.now()) for _ in range(2)]
    with time_machine.travel(datetime(2027, 1, 1, 0, 10, tzinfo=HELSINKI), tick=False):
        assert clock.now().astimezone(UTC).year == 2026  # still 2026 in UTC
        early_2027 = _submit(org, clock.now())
    assert [c.reference for c in late_2026] == ["KEMI-2026-000001", "KEMI-2026-000002"]
    assert early_2027.reference == "KEMI-2027-000001"


def test_a_rolled_back_case_gives_its_number_back(org):
    with transaction.atomic():
        assert reference_allocate(organisation=org, year=2026) == "KEMI-2026-000001"
    taken: list[str] = []

    def failing_case() -> None:
        with transaction.atomic():
            taken.append(reference_allocate(organisation=org, year=2026))
            raise ValueError("the case's transaction fails after the number was taken")

    with pytest.raises(ValueError, match="fails after"):
        failing_case()
    assert taken == ["KEMI-2026-000002"]
    with transaction.atomic():
        assert reference_allocate(organisation=org, year=2026) == "KEMI-2026-000002"


@pytest.mark.django_db(transaction=True)
def test_allocating_outside_a_transaction_raises():
    organisation = OrganisationFactory(slug="kemi", reference_prefix="KEMI")
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(RuntimeError):
        reference_allocate(organisation=organisation, year=2026)
    assert not ReferenceCounter.objects.exists()


# --- concurrency -----------------------------------------------------------------------------


def _submit_concurrently(organisation) -> tuple[list[str], list[BaseException]]:
    """THREADS threads, each filing PER_THREAD cases through the real intake service."""
    barrier = threading.Barrier(THREADS)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    now = datetime(2026, 11, 2, 10, 0, tzinfo=HELSINKI)

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(PER_THREAD):
                complaint = _submit(organisation, now)
                with lock:
                    references.append(complaint.reference)
        except BaseException as error:  # reported to the test thread
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submitting thread hung"
    return references, errors


def _assert_gap_free(organisation, references: list[str]) -> None:
    total = THREADS * PER_THREAD
    assert len(references) == total
    assert len(set(references)) == total, "a reference was handed out twice"
    assert all(re.fullmatch(r"KEMI-2026-\d{6}", r) for r in references)
    assert sorted(_number(r) for r in references) == list(range(1, total + 1))
    stored = list(
        Complaint.objects.filter(organisation=organisation).values_list("reference", flat=True)
    )
    assert sorted(stored) == sorted(references)
    assert ReferenceCounter.objects.get(organisation=organisation, year=2026).last_number == total


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_gap_free_references_postgres(require_postgres):
    organisation = OrganisationFactory(slug="kemi", reference_prefix="KEMI")
    references, errors = _submit_concurrently(organisation)
    assert errors == []
    _assert_gap_free(organisation, references)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_gap_free_references_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite variant; PostgreSQL has its own test")
    assert connection.vendor == "sqlite"
    # The embedded setup this test relies on: a file database in WAL mode, IMMEDIATE writes.
    assert connection.settings_dict["NAME"] not in ("", ":memory:")
    assert "mode=memory" not in str(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
    assert connection.settings_dict["OPTIONS"].get("transaction_mode") == "IMMEDIATE"

    organisation = OrganisationFactory(slug="kemi", reference_prefix="KEMI")
    references, errors = _submit_concurrently(organisation)
    assert errors == []
    _assert_gap_free(organisation, references)
